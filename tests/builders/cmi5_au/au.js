// A cmi5 AU for the tests, in plain JS: it does what cmi5.js does, with fetch (cmi5 §8, §10,
// §11, §9). Its own query string (from cmi5.xml) says what to send: plan=completed,passed.
// Steps: completed, passed, failed (Normal mode only, §10.2.2), allowed (an "experienced"
// statement), probe (the checks an LMS must pass: a second fetch, writing LMS.LaunchData),
// stay (no terminated: the session is left open). It writes what happened into #log.
(function () {
  "use strict";

  const CATEGORY_CMI5 = {id: "https://w3id.org/xapi/cmi5/context/categories/cmi5"};
  const CATEGORY_MOVEON = {id: "https://w3id.org/xapi/cmi5/context/categories/moveon"};
  const MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
  const VERBS = "http://adlnet.gov/expapi/verbs/";
  const params = new URLSearchParams(window.location.search);
  const plan = (params.get("plan") || "").split(",").filter(Boolean);
  const endpoint = params.get("endpoint");
  const actor = JSON.parse(params.get("actor"));
  const registration = params.get("registration");
  const activityId = params.get("activityId");
  const started = Date.now();
  let headers = {"X-Experience-API-Version": "1.0.3"};
  let launchData = null;

  function log(line) {
    document.getElementById("log").textContent += line + "\n";
  }

  function uuid() {
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
      (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
  }

  function statement(verb, result, moveOn) {
    const context = JSON.parse(JSON.stringify(launchData.contextTemplate));
    context.registration = registration;
    context.contextActivities = context.contextActivities || {};
    if (verb !== "experienced") {
      context.contextActivities.category = [CATEGORY_CMI5].concat(moveOn ? [CATEGORY_MOVEON] : []);
    }
    const st = {
      id: uuid(),
      timestamp: new Date().toISOString(),
      actor: actor,
      verb: {id: VERBS + verb, display: {"en-US": verb}},
      object: {id: activityId},
      context: context
    };
    if (result) {
      st.result = result;
    }
    return st;
  }

  function duration() {
    return "PT" + ((Date.now() - started) / 1000).toFixed(2) + "S";
  }

  async function send(st) {
    const response = await fetch(endpoint + "/statements?statementId=" + st.id, {
      method: "PUT",
      headers: Object.assign({"Content-Type": "application/json"}, headers),
      body: JSON.stringify(st)
    });
    log(st.verb.display["en-US"] + " " + response.status);
    return response.status;
  }

  async function judged(verb) {
    if (launchData.launchMode !== "Normal") {
      log(verb + " skipped in " + launchData.launchMode + " mode");
      return;
    }
    if (verb === "completed") {
      await send(statement("completed", {completion: true, duration: duration()}, true));
      return;
    }
    const result = {success: verb === "passed", duration: duration()};
    const st = statement(verb, result, true);
    if (launchData.masteryScore !== undefined) {
      result.score = {scaled: verb === "passed" ? launchData.masteryScore : 0};
      st.context.extensions[MASTERY] = launchData.masteryScore;
    }
    await send(st);
  }

  async function probe(fetchUrl) {
    const again = await (await fetch(fetchUrl, {method: "POST"})).json();
    log("second fetch error-code " + again["error-code"]);
    const launchDataUrl = endpoint + "/activities/state?" + new URLSearchParams({
      stateId: "LMS.LaunchData", activityId: activityId, agent: JSON.stringify(actor),
      registration: registration
    });
    const write = await fetch(launchDataUrl, {
      method: "PUT",
      headers: Object.assign({"Content-Type": "application/json"}, headers),
      body: "{}"
    });
    log("LaunchData write " + write.status);
  }

  async function run() {
    const fetchUrl = params.get("fetch");
    const token = await (await fetch(fetchUrl, {method: "POST"})).json();
    headers.Authorization = "Basic " + token["auth-token"];
    const launchDataUrl = endpoint + "/activities/state?" + new URLSearchParams({
      stateId: "LMS.LaunchData", activityId: activityId, agent: JSON.stringify(actor),
      registration: registration
    });
    launchData = await (await fetch(launchDataUrl, {headers: headers})).json();
    document.getElementById("launch-mode").textContent = launchData.launchMode;
    const preferences = await fetch(endpoint + "/agents/profile?" + new URLSearchParams({
      profileId: "cmi5LearnerPreferences", agent: JSON.stringify(actor)
    }), {headers: headers});
    log("preferences " + preferences.status);
    await send(statement("initialized"));
    for (const step of plan) {
      if (step === "allowed") {
        await send(statement("experienced"));
      } else if (step === "probe") {
        await probe(fetchUrl);
      } else if (step !== "stay") {
        await judged(step);
      }
    }
    if (plan.includes("stay")) {
      log("staying");
      return;
    }
    await send(statement("terminated", {duration: duration()}));
    log("done");
    if (launchData.returnURL) {
      window.location.href = launchData.returnURL;
    }
  }

  run().catch((error) => log("error " + error));
})();
