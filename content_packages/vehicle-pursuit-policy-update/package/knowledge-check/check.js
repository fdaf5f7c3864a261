/* Vehicle Pursuit Policy Update, AU 2: the knowledge check and the certification
 * (moveOn CompletedAndPassed, masteryScore 0.8 in LMS.LaunchData).
 *
 * The questions are this package's (questions.json); their feedback is not: the portal names
 * in launchParameters an Activity Profile document holding it ({"version", "questions":
 * {"q01": {"correct", "incorrect"}}}): POST's default, or the learner's agency's own. Played
 * without it, the check still works and shows the right answer instead.
 *
 * The State document "progress" (this registration) keeps the answers of the attempt under way,
 * and what the registration has already sent once and must not send again (cmi5 §9.3.3,
 * §9.3.4: completed, passed), and the certification. A failed attempt ends the session (a
 * session sends passed or failed once); the next launch starts a new attempt.
 */
(function () {
  "use strict";

  const ACKNOWLEDGED = {
    id: "http://activitystrea.ms/schema/1.0/acknowledge",
    display: { "en-US": "acknowledged" },
  };
  const CERTIFICATION_EXTENSION = "https://courses.post-lp.example/xapi/extensions/certification";
  const FEEDBACK_VERSION_EXTENSION = "https://courses.post-lp.example/xapi/extensions/feedback-version";

  const $ = (id) => document.getElementById(id);

  function byId(questions) {
    const found = {};
    questions.topics.forEach((topic) => topic.questions.forEach((q) => { found[q.id] = q; }));
    return found;
  }

  function rightAnswerText(q) {
    const ids = [].concat(q.answer);
    return q.choices.filter((c) => ids.includes(c.id)).map((c) => c.text).join("; ");
  }

  async function readFeedback(au) {
    const where = au && au.parameters && au.parameters.feedback;
    if (!where || !where.activityId || !where.profileId) return null;
    try {
      const found = await au.cmi5.xapi.getActivityProfile({
        activityId: where.activityId,
        profileId: where.profileId,
      });
      const document = found.data;
      return document && document.questions ? document : null;
    } catch (error) {
      return null;
    }
  }

  // The formatting an agency's feedback may use (the portal allows no more, and sanitises it);
  // anything else in the document is shown as its text, never as markup.
  const FORMATTING = new Set(["STRONG", "EM", "B", "I", "BR", "P", "UL", "OL", "LI"]);

  function formatted(html) {
    const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
    const copy = (from, to) => {
      from.childNodes.forEach((node) => {
        if (node.nodeType === Node.TEXT_NODE) to.append(node.textContent);
        else if (node.nodeType === Node.ELEMENT_NODE) {
          if (FORMATTING.has(node.tagName)) {
            const element = document.createElement(node.tagName.toLowerCase());
            copy(node, element);
            to.append(element);
          } else {
            copy(node, to);
          }
        }
      });
      return to;
    };
    const out = copy(parsed.body, document.createDocumentFragment());
    out.prepend(" ");
    return out;
  }

  function show(section) {
    section.hidden = false;
    const heading = section.querySelector("h2");
    if (heading) heading.focus();
  }

  async function run() {
    const questions = await (await fetch("questions.json")).json();
    const au = await PursuitAU.start();
    const feedback = await readFeedback(au);
    const progress = au ? await au.state("progress") : {};
    progress.answers = progress.answers || {};
    const normal = au ? au.normal : true;
    const mastery = au && typeof au.data.masteryScore === "number" ? au.data.masteryScore : 0.8;
    const all = byId(questions);
    const count = Object.keys(all).length;
    const feedbackVersion = feedback ? feedback.version : "none";

    $("loading").hidden = true;
    $("intro").hidden = false;
    if (!normal) $("browse-note").hidden = false;
    if (!feedback) {
      $("feedback-note").hidden = false;
      $("feedback-note").textContent = "Your agency's feedback could not be loaded; each answer shows the right answer instead.";
    }
    const policy = au && au.parameters && au.parameters.policy;
    if (policy && policy.url) {
      const link = Course.element("a", { href: policy.url, target: "_blank", rel: "noopener" },
        `Read ${policy.title || "your agency's vehicle pursuit policy"} (opens in a new tab)`);
      $("policy-link").append(link);
      $("policy-link").hidden = false;
      $("no-policy").hidden = true;
    }

    const save = () => (au && normal ? au.save("progress", progress) : Promise.resolve());

    async function exit() {
      if (au) await au.finish();
    }
    $("result-exit").addEventListener("click", exit);
    $("done-exit").addEventListener("click", exit);

    function certificationStep() {
      $("topics").hidden = true;
      $("intro").hidden = true;
      show($("certification"));
    }

    function finished() {
      $("topics").hidden = true;
      $("intro").hidden = true;
      $("certification").hidden = true;
      show($("done"));
    }

    $("certify").addEventListener("click", async () => {
      if (!$("certify-box").checked) {
        $("certify-error").textContent = "Tick the box to certify, or exit and come back when you have read the policy.";
        $("certify-box").focus();
        return;
      }
      $("certify-error").textContent = "";
      $("certify").disabled = true;
      try {
        if (au && normal) {
          const template = au.data.contextTemplate || {};
          const extensions = Object.assign({}, template.extensions || {}, {
            [CERTIFICATION_EXTENSION]: "California Vehicle Code 17004.7(b)(2)",
            [FEEDBACK_VERSION_EXTENSION]: feedbackVersion,
          });
          await au.cmi5.sendXapiStatement({
            id: crypto.randomUUID(),
            timestamp: new Date().toISOString(),
            actor: au.launch.actor,
            verb: ACKNOWLEDGED,
            object: {
              objectType: "Activity",
              id: `${au.launch.activityId}/pursuit-policy-certification`,
              definition: {
                type: "http://id.tincanapi.com/activitytype/legal-agreement",
                name: { "en-US": "Certification of the agency's vehicle pursuit policy" },
                description: {
                  "en-US": "I have received, read and understood my agency's vehicle pursuit policy (VC 17004.7(b)(2)).",
                },
              },
            },
            context: Object.assign({}, template, { registration: au.launch.registration, extensions }),
          });
          progress.certified = new Date().toISOString();
          await save();
        }
        Course.announce("Your certification is recorded.");
        finished();
      } catch (error) {
        $("certify").disabled = false;
        $("certify-error").textContent = "Your certification could not be recorded. Check your connection and try again.";
      }
    });

    if (normal && progress.passed) {
      if (progress.certified) finished();
      else certificationStep();
      return;
    }

    const rendered = [];
    const root = $("topics");
    questions.topics.forEach((topic, t) => {
      const section = Course.element("section", { class: "page", id: `topic-${topic.id}` });
      section.append(Course.element("h2", {}, `Topic ${t + 1} of ${questions.topics.length}: ${topic.title}`));
      topic.questions.forEach((q) => {
        const box = Course.element("div");
        section.append(box);
        rendered.push(Course.question(box, q, {
          previous: normal && progress.answers[q.id] ? { chosen: progress.answers[q.id] } : undefined,
          feedback: (question, correct) => {
            const given = feedback && feedback.questions[question.id];
            if (given) return formatted(correct ? given.correct : given.incorrect);
            return correct ? "" : ` The right answer: ${rightAnswerText(question)}.`;
          },
          onAnswer: async (question, chosen, correct) => {
            if (!au) return;
            await au.cmi5.interactionChoice(
              "pursuit-knowledge-check",
              question.id,
              chosen,
              [].concat(question.answer),
              question.choices.map((c) => ({ id: c.id, description: { "en-US": c.text } })),
              { "en-US": `Question ${question.id.slice(1)}` },
              { "en-US": question.prompt },
              correct,
            );
            if (normal) {
              progress.answers[question.id] = chosen;
              await save();
            }
          },
        }));
      });
      root.append(section);
    });

    const pager = Course.pages(root, {
      start: Number(progress.topic) || 0,
      finishLabel: "Submit the knowledge check",
      onChange: (index) => {
        progress.topic = index;
        save().catch(() => Course.announce("Your place could not be saved."));
      },
      onFinish: async () => {
        const open = rendered.findIndex((q) => !q.answered());
        if (open >= 0) {
          const message = `Answer every question before you submit: question ${open + 1} of ${count} has no answer yet.`;
          $("submit-notice").textContent = message;
          const topicIndex = Array.from(root.children).indexOf(rendered[open].element.closest("section.page"));
          pager.show(topicIndex);
          rendered[open].element.querySelector("input").focus();
          return;
        }
        $("submit-notice").textContent = "";
        const right = rendered.filter((q) => q.correct()).length;
        const scaled = Math.round((right / count) * 10000) / 10000;
        const passed = scaled >= mastery;
        const percent = Math.round(scaled * 100);
        if (au && normal) {
          if (!progress.completed) {
            await au.cmi5.complete();
            progress.completed = true;
          }
          const score = { scaled, raw: right, min: 0, max: count };
          if (passed) await au.cmi5.pass(score);
          else await au.cmi5.fail(score);
          if (passed) progress.passed = true;
          progress.answers = {};
          progress.topic = 0;
          await save();
        }
        root.hidden = true;
        pager.nav.hidden = true;
        $("intro").hidden = true;
        $("result-text").className = passed ? "result-pass" : "result-fail";
        $("result-text").textContent =
          `You answered ${right} of ${count} questions correctly: ${percent} percent. ` +
          `The passing score is ${Math.round(mastery * 100)} percent. ` +
          (passed ? "You passed." : "You did not pass this time.");
        $("result-next").textContent = passed
          ? "One step is left: certify that you have received, read and understood your agency's pursuit policy."
          : "Exit the knowledge check, review the lessons if you wish, and start the knowledge check again: a new attempt begins with no answers.";
        if (passed && normal) $("to-certification").hidden = false;
        else $("result-exit").hidden = false;
        show($("result"));
        Course.announce($("result-text").textContent);
      },
    });
    $("to-certification").addEventListener("click", () => {
      $("result").hidden = true;
      certificationStep();
    });
    if (progress.topic) Course.announce(`Welcome back. You are on topic ${pager.index() + 1} of ${pager.count()}.`);
  }

  document.addEventListener("DOMContentLoaded", () => {
    run().catch((error) => {
      $("loading").textContent = "The knowledge check could not start: " + (error.message || error);
    });
  });
})();
