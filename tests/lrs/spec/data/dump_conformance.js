// Regenerates conformance_cases.jsonl: the statement-validation cases of the ADL LRS conformance
// suite (https://github.com/adlnet/lrs-conformance-test-suite, Apache-2.0), each statement built
// exactly as the suite builds it (its templates, deep-merged with its own "extend" semantics) and
// paired with the status the suite expects for xAPI 1.0.3 (test/v1_0_3) and 2.0.0 (test/v2_0).
//
//   git -C SUITE_MIRROR archive HEAD test | tar -x -C /tmp/suite
//   node dump_conformance.js /tmp/suite/test > conformance_cases.jsonl
//
// Node only; the suite's own dependencies are not needed. Its helper.js is stubbed
// (generateUUID gives fixed ids) so the output is stable apart from the "future" timestamps.
"use strict";
const fs = require("fs");
const path = require("path");
const Module = require("module");

const testDir = path.resolve(process.argv[2]);
const VERSIONS = { v1_0_3: "1.0.3", v2_0: "2.0.0" };
const CONFIG_FILES = [
  "actors.js", "agents.js", "groups.js", "ifis.js", "accountobjects.js", "verbs.js", "objects.js",
  "activities.js", "substatements.js", "statementrefs.js", "results.js", "scores.js",
  "contexts.js", "contextactivities.js", "contextagents.js", "contextgroups.js", "attachments.js",
  "authorities.js", "uuids.js", "timestamp_property.js", "version.js", "voiding.js",
  "formatting.js", "verify.js", "extensions.js", "languages.js", "timestamps.js", "durations.js",
];

let uuidCounter = 0;
const helperStub = {
  generateUUID: () => {
    uuidCounter += 1;
    return "00000000-0000-4000-8000-" + String(uuidCounter).padStart(12, "0");
  },
};
const origLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request.endsWith("helper.js")) return helperStub;
  return origLoad.apply(this, arguments);
};

// Port of the npm "extend" package (jQuery-style deep extend) used by the suite.
function isPlainObject(o) {
  return o !== null && typeof o === "object" && !Array.isArray(o);
}
function extend(target, ...sources) {
  for (const options of sources) {
    if (options == null) continue;
    for (const name of Object.keys(options)) {
      const src = target[name];
      const copy = options[name];
      if (target === copy) continue;
      if (copy && (isPlainObject(copy) || Array.isArray(copy))) {
        let clone;
        if (Array.isArray(copy)) clone = src && Array.isArray(src) ? src : [];
        else clone = src && isPlainObject(src) ? src : {};
        target[name] = extend(clone, copy);
      } else if (typeof copy !== "undefined") {
        target[name] = copy;
      }
    }
  }
  return target;
}

function jsonMapping(versionDir) {
  const tdir = path.join(testDir, versionDir, "templates");
  const mapping = {};
  for (const folder of fs.readdirSync(tdir)) {
    const fm = {};
    mapping[folder] = fm;
    for (const file of fs.readdirSync(path.join(tdir, folder))) {
      if (file.indexOf(".json") <= 0) continue;
      const data = JSON.parse(fs.readFileSync(path.join(tdir, folder, file), "utf8"));
      fm[file.substring(0, file.indexOf(".json"))] = extend({}, data);
    }
  }
  return mapping;
}

function convert(list, versionDir) {
  const mapper = jsonMapping(versionDir);
  return list.map((item) => {
    const key = Object.keys(item)[0];
    const value = item[key];
    if (typeof value === "string" && value.indexOf("{{") === 0 && value.indexOf("}}") === value.length - 2) {
      let nested = mapper;
      let object = {};
      for (const part of value.slice(2, -2).split(".")) {
        nested = nested[part];
        if (!nested) throw new Error("Not mapped: " + value);
        object = nested;
      }
      return { [key]: object };
    }
    return item;
  });
}

function createTestObject(array) {
  let from = {};
  array.reverse();
  array.forEach((to, index) => {
    if (index === 0) { from = to; return; }
    const toKey = to[Object.keys(to)[0]];
    extend(toKey, from);
    from = to;
  });
  return from;
}

const cases = new Map();
for (const [versionDir, version] of Object.entries(VERSIONS)) {
  uuidCounter = 0;
  for (const file of CONFIG_FILES) {
    const configPath = path.join(testDir, versionDir, "configs", file);
    if (!fs.existsSync(configPath)) continue;
    for (const group of require(configPath).config()) {
      for (const test of group.config) {
        let data;
        if (test.templates) {
          const templates = JSON.parse(JSON.stringify(test.templates));
          const mock = createTestObject(convert(templates, versionDir));
          data = mock[Object.keys(mock)[0]];
        } else {
          data = test.json;
        }
        // What goes over the wire is JSON.stringify(data): Dates become strings, undefined goes.
        const statement = JSON.parse(JSON.stringify(data));
        const key = JSON.stringify([file, group.name, test.name, statement]);
        if (!cases.has(key)) {
          cases.set(key, { file, group: group.name, name: test.name, expect: {}, statement });
        }
        cases.get(key).expect[version] = test.expect;
      }
    }
  }
}
// Statement checks the suite makes in its test files rather than its configs, rebuilt with the
// same templates and the same changes as the suite's code (file and test name given for each).
const BOTH = { v1_0_3: "1.0.3", v2_0: "2.0.0" };
const ATTACHMENT = {
  usageType: "http://example.com/attachment-usage/test",
  display: { "en-US": "A test attachment" },
  description: { "en-US": "A test attachment (description)" },
  contentType: "text/plain; charset=ascii",
  length: 27,
  sha2: "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
  fileUrl: "http://over.there.com/file.txt",
};
const noScheme = (value) => value.replace("http://", "");
const INLINE = [];
const FORMATTING = "Data2.2-FormattingRequirements.js (XAPI-00011, IRIs and IRLs without a scheme)";
for (const [name, templates, change] of [
  ["should fail with bad verb id scheme", [{ statement: "{{statements.default}}" }],
    (d) => { d.verb.id = noScheme(d.verb.id); }],
  ["should fail with bad verb openid scheme", [{ statement: "{{statements.actor}}" }],
    (d) => { d.actor.openid = "open.id.com/testUser"; }],
  ["should fail with bad account homePage", [{ statement: "{{statements.actor}}" }],
    (d) => { d.actor.account = { homePage: "homePage.com/testUser", name: "123456" }; }],
  ["should fail with bad object id", [{ statement: "{{statements.default}}" }],
    (d) => { d.object.id = noScheme(d.object.id); }],
  ["should fail with bad object type",
    [{ statement: "{{statements.default}}" }, { object: "{{activities.default}}" }],
    (d) => { d.object.definition.type = noScheme(d.object.definition.type); }],
  ["should fail with bad object moreInfo",
    [{ statement: "{{statements.default}}" }, { object: "{{activities.default}}" }],
    (d) => { d.object.definition.moreInfo = noScheme(d.object.definition.moreInfo); }],
  ["should fail with attachment bad usageType",
    [{ statement: "{{statements.attachment}}" }, { attachments: [ATTACHMENT] }],
    (d) => { d.attachments[0].usageType = noScheme(d.attachments[0].usageType); }],
  ["should fail with bad attachment fileUrl",
    [{ statement: "{{statements.attachment}}" }, { attachments: [ATTACHMENT] }],
    (d) => { d.attachments[0].fileUrl = noScheme(d.attachments[0].fileUrl); }],
  ["should fail with bad object definition extension",
    [{ statement: "{{statements.default}}" }, { object: "{{activities.default}}" }],
    (d) => { d.object.definition.extensions = { "not.valid.com/extension": 1234 }; }],
  ["should fail with bad context extension",
    [{ statement: "{{statements.default}}" }, { context: "{{contexts.default}}" }],
    (d) => { d.context.extensions["example.com/extension/wrong"] = 1234; }],
  ["should fail with bad result extension",
    [{ statement: "{{statements.default}}" }, { result: "{{results.default}}" }],
    (d) => { d.result.extensions["example.com/extension/wrong"] = 1234; }],
]) INLINE.push({ file: FORMATTING, name, versions: BOTH, templates, change, expect: [400] });

const OBJECTS = "4.2.2.3-Object-Requirements.js / Data2.4.4-ObjectProperty.js";
for (const [label, template] of [
  ["correctResponsesPattern", "other"], ["choices", "choice"], ["fill-in", "fill_in"],
  ["scale", "likert"], ["long-fill-in", "long_fill_in"], ["source", "matching"],
  ["target", "matching_target"], ["numeric", "numeric"], ["other", "other"],
  ["performance", "performance"], ["sequencing", "sequencing"], ["true-false", "true_false"],
]) {
  INLINE.push({
    file: `${OBJECTS} (XAPI-00064)`,
    name: `Activity Definition uses ${label} without "interactionType" property`,
    versions: BOTH,
    templates: [{ statement: "{{statements.default}}" }, { object: `{{activities.${template}}}` }],
    change: (d) => { delete d.object.definition.interactionType; },
    expect: [400],
  });
}
for (const [name, templates] of [
  ["should fail when using agent as object and no objectType",
    [{ statement: "{{statements.object_agent_default}}" }]],
  ["should fail when using group as object and no objectType",
    [{ statement: "{{statements.object_group_default}}" }]],
  ["substatement should fail when using agent as object and no objectType",
    [{ statement: "{{statements.object_substatement}}" },
      { object: "{{statements.object_agent_default}}" }]],
  ["substatement should fail when using group as object and no objectType",
    [{ statement: "{{statements.object_substatement}}" },
      { object: "{{statements.object_group_default}}" }]],
]) {
  INLINE.push({ file: `${OBJECTS} (XAPI-00065)`, name, versions: BOTH, templates,
    change: (d) => { delete d.object.objectType; }, expect: [400] });
}
INLINE.push({
  file: "4.2.4.2-Authority-Requirements.js / Data2.4.9-AuthorityProperty.js (XAPI-00100)",
  name: 'An LRS rejects a Request whose "authority" is a Group and consists of non-O-Auth Agents',
  versions: BOTH,
  templates: [
    { statement: "{{statements.default}}" },
    { authority: { objectType: "Group", name: "xAPI Group", mbox: "mailto:xapigroup@example.com",
      member: [{ name: "agentA", mbox: "mailto:agentA@example.com" },
        { name: "agentB", mbox: "mailto:agentB@example.com" }] } },
  ],
  change: () => {},
  expect: [400],
});
for (const [versionDir, value] of [["v1_0_3", "1.0.3"], ["v2_0", "2.0.0"]]) {
  INLINE.push({
    file: "4.2.4.3-Version-Requirements.js / E.Data2.4.10-VersionProperty.js (XAPI-00332)",
    name: "Statements returned by an LRS MUST retain the version property they are accepted with",
    versions: { [versionDir]: BOTH[versionDir] },
    templates: [{ statement: "{{statements.default}}" }],
    change: (d) => { d.version = value; },
    expect: [200],
  });
}
for (const item of INLINE) {
  for (const [versionDir, version] of Object.entries(item.versions)) {
    const mock = createTestObject(convert(JSON.parse(JSON.stringify(item.templates)), versionDir));
    const data = mock[Object.keys(mock)[0]];
    item.change(data);
    const statement = JSON.parse(JSON.stringify(data));
    const key = JSON.stringify([item.file, item.name, statement]);
    if (!cases.has(key)) {
      cases.set(key, { file: item.file, group: "(test file)", name: item.name, expect: {},
        statement });
    }
    cases.get(key).expect[version] = item.expect;
  }
}

for (const item of cases.values()) process.stdout.write(JSON.stringify(item) + "\n");
