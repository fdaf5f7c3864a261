/* One SCO of a bundled SCORM 2004 course (the shared kit's shared/scorm2004.js).
 *
 * The SCO's page holds <div id="pages"> with its <section class="page"> children; a scored SCO
 * (a knowledge check, a pre-test, a post-test) has <div id="knowledge-check"> on its last page
 * and its questions as JSON in <script type="application/json" id="questions">. What the end
 * of the SCO says comes from the page's <body data-done-text data-pass-text data-fail-text
 * data-next-text>, with general defaults. This script:
 * - finds the LMS's API_1484_11 object in a parent window (SCORM 2004 RTE 3.1.2.1, the standard
 *   walk), calls Initialize, and marks a new attempt "incomplete";
 * - keeps the learner's place: the page in cmi.location, the answers in cmi.suspend_data, so
 *   that a suspended lesson opens where it was left (cmi.entry "resume");
 * - records every answer as cmi.interactions.n (choice, its correct response, result);
 * - scores the knowledge check in cmi.score (scaled, raw, min, max) and sets cmi.success_status
 *   against cmi.scaled_passing_score (0.8 when the LMS gives none);
 * - on finishing: cmi.completion_status "completed", cmi.exit "normal", adl.nav.request
 *   "continue", Terminate, so sequencing delivers the next lesson; leaving before the end:
 *   cmi.exit "suspend".
 */
(function () {
  "use strict";

  const PASSING = 0.8;

  function findApi(win) {
    let hops = 0;
    while (win && !win.API_1484_11 && win.parent && win.parent !== win && hops < 10) {
      hops += 1;
      win = win.parent;
    }
    if (win && win.API_1484_11) return win.API_1484_11;
    if (window.opener && window.opener.API_1484_11) return window.opener.API_1484_11;
    return null;
  }

  // timeinterval (second,10,2) of SCORM 2004: an ISO 8601 duration.
  function duration(milliseconds) {
    const centiseconds = Math.max(0, Math.round(milliseconds / 10));
    const hours = Math.floor(centiseconds / 360000);
    const minutes = Math.floor((centiseconds % 360000) / 6000);
    const seconds = (centiseconds % 6000) / 100;
    return `PT${hours}H${minutes}M${seconds.toFixed(2)}S`;
  }

  function start() {
    const api = findApi(window);
    const pagesRoot = document.getElementById("pages");
    const checkBox = document.getElementById("knowledge-check");
    const resultBox = document.getElementById("result");
    const questionsScript = document.getElementById("questions");
    const questions = questionsScript ? JSON.parse(questionsScript.textContent) : [];
    const startedAt = Date.now();
    let finished = false;
    let done = false;

    if (!api) {
      const warning = document.getElementById("no-lms");
      if (warning) warning.hidden = false;
    }
    const get = (name) => (api ? String(api.GetValue(name) || "") : "");
    const set = (name, value) => (api ? api.SetValue(name, String(value)) === "true" : false);
    const commit = () => (api ? api.Commit("") : "true");
    if (api) api.Initialize("");

    const entry = get("cmi.entry");
    const passing = Number(get("cmi.scaled_passing_score")) || PASSING;
    let saved = { answers: {} };
    if (entry === "resume") {
      try {
        saved = Object.assign(saved, JSON.parse(get("cmi.suspend_data") || "{}"));
      } catch (error) {
        saved = { answers: {} };
      }
    }
    if (get("cmi.completion_status") !== "completed") set("cmi.completion_status", "incomplete");
    const match = /^page-(\d+)$/.exec(get("cmi.location"));
    const startIndex = entry === "resume" && match ? Number(match[1]) - 1 : 0;

    function saveProgress() {
      set("cmi.suspend_data", JSON.stringify(saved));
      commit();
    }

    const rendered = questions.map((q) => {
      const box = document.createElement("div");
      checkBox.appendChild(box);
      return Course.question(box, q, {
        previous: saved.answers[q.id] ? { chosen: saved.answers[q.id] } : undefined,
        feedback: (question, correct) =>
          " " + (correct ? question.feedback.correct : question.feedback.incorrect),
        onAnswer: async (question, chosen, correct) => {
          const n = Number(get("cmi.interactions._count")) || 0;
          const key = `cmi.interactions.${n}.`;
          set(key + "id", question.id);
          set(key + "type", "choice");
          set(key + "timestamp", new Date().toISOString().replace(/\.\d+Z$/, ""));
          set(key + "correct_responses.0.pattern", [].concat(question.answer).sort().join("[,]"));
          set(key + "learner_response", chosen.slice().sort().join("[,]"));
          set(key + "result", correct ? "correct" : "incorrect");
          set(key + "description", question.prompt.slice(0, 250));
          saved.answers[question.id] = chosen;
          saveProgress();
        },
      });
    });

    function leave(navigation) {
      if (finished) return;
      finished = true;
      set("cmi.session_time", duration(Date.now() - startedAt));
      set("cmi.exit", done ? "normal" : "suspend");
      if (navigation) set("adl.nav.request", navigation);
      commit();
      if (api) api.Terminate("");
    }

    function complete() {
      done = true;
      set("cmi.completion_status", "completed");
      set("cmi.location", "");
      commit();
    }

    const texts = Object.assign(
      {
        doneText: "You have finished this lesson.",
        passText: "You met the passing score.",
        failText: "You did not meet the passing score this time.",
        nextText: "Choose Continue to go on.",
        endHeading: "Lesson complete",
      },
      document.body.dataset,
    );

    function showEnd(summaryText, passed) {
      resultBox.hidden = false;
      resultBox.textContent = "";
      const heading = Course.element("h3", { tabindex: "-1", id: "result-heading" }, texts.endHeading);
      const summary = Course.element(
        "p",
        { class: passed === false ? "result-fail" : passed ? "result-pass" : "" },
        summaryText,
      );
      const next = Course.element("p", {}, texts.nextText);
      const button = Course.element("button", { type: "button" }, "Continue");
      button.addEventListener("click", () => leave("continue"));
      resultBox.append(heading, summary, next, button);
      heading.focus();
      Course.announce(summary.textContent);
    }

    const pager = Course.pages(pagesRoot, {
      start: startIndex,
      finishLabel: questions.length ? "Submit knowledge check" : "Finish lesson",
      onChange: (index) => {
        if (done) return;
        set("cmi.location", `page-${index + 1}`);
        commit();
      },
      onFinish: () => {
        if (done) return;
        const notice = document.getElementById("submit-notice");
        if (!questions.length) {
          complete();
          pager.nav.hidden = true;
          showEnd(texts.doneText);
          return;
        }
        const open = rendered.findIndex((question) => !question.answered());
        if (open >= 0) {
          const message = `Check your answer to every question before you submit: question ${open + 1} has no answer yet.`;
          notice.textContent = message;
          Course.announce(message);
          rendered[open].element.querySelector("input").focus();
          return;
        }
        notice.textContent = "";
        const right = rendered.filter((question) => question.correct()).length;
        const scaled = right / rendered.length;
        const passed = scaled >= passing;
        set("cmi.score.min", 0);
        set("cmi.score.max", rendered.length);
        set("cmi.score.raw", right);
        set("cmi.score.scaled", scaled.toFixed(4));
        set("cmi.success_status", passed ? "passed" : "failed");
        complete();
        pager.nav.hidden = true;
        showEnd(
          `You answered ${right} of ${rendered.length} questions correctly (${Math.round(scaled * 100)}%). ` +
            (passed ? texts.passText : texts.failText),
          passed,
        );
      },
    });

    if (entry === "resume" && startIndex > 0) {
      Course.announce(`Welcome back. You are on page ${startIndex + 1} of ${pager.count()}.`);
    }
    // Leaving before the end (the player's Suspend, another lesson chosen, the window closed).
    window.addEventListener("pagehide", () => leave(null));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
