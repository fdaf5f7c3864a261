/* Preliminary Investigations & Evidence: one lesson (SCO) of the SCORM 1.2 course.
 *
 * Each lesson page holds <div id="pages"> with its <section class="page"> children (the last one
 * the knowledge check, with <div id="knowledge-check">) and its questions as JSON in
 * <script type="application/json" id="questions">. This script:
 * - finds the LMS's API object in a parent window (SCORM 1.2 RTE 3.3.6.1, the standard walk),
 *   calls LMSInitialize, and marks a new attempt "incomplete";
 * - keeps the learner's place: the page in cmi.core.lesson_location, the answers given in
 *   cmi.core.suspend_data, so that a suspended lesson opens where it was left (RTE 3.4.4);
 * - records every answer as cmi.interactions.n (choice, with its correct response and result);
 * - scores the knowledge check 0-100 in cmi.core.score.raw and sets passed or failed against
 *   cmi.student_data.mastery_score (the manifest's adlcp:masteryscore); the LMS decides the same;
 * - leaves with cmi.core.exit "suspend" when the learner goes before finishing, "" after it.
 */
(function () {
  "use strict";

  function findApi(win) {
    let hops = 0;
    while (win && !win.API && win.parent && win.parent !== win && hops < 10) {
      hops += 1;
      win = win.parent;
    }
    if (win && win.API) return win.API;
    if (window.opener && window.opener.API) return window.opener.API;
    return null;
  }

  // CMITimespan of SCORM 1.2: HHHH:MM:SS.SS
  function timespan(milliseconds) {
    const total = Math.max(0, Math.round(milliseconds / 10)) / 100;
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = (total % 60).toFixed(2);
    return `${String(hours).padStart(4, "0")}:${String(minutes).padStart(2, "0")}:${seconds.padStart(5, "0")}`;
  }

  // CMITime of SCORM 1.2: HH:MM:SS
  function clock(date) {
    return [date.getHours(), date.getMinutes(), date.getSeconds()]
      .map((part) => String(part).padStart(2, "0"))
      .join(":");
  }

  function start() {
    const api = findApi(window);
    const pagesRoot = document.getElementById("pages");
    const checkBox = document.getElementById("knowledge-check");
    const resultBox = document.getElementById("result");
    const questions = JSON.parse(document.getElementById("questions").textContent);
    const startedAt = Date.now();
    let finished = false;
    let submitted = false;

    if (!api) {
      const warning = document.getElementById("no-lms");
      if (warning) warning.hidden = false;
    }
    const get = (name) => (api ? String(api.LMSGetValue(name) || "") : "");
    const set = (name, value) => (api ? api.LMSSetValue(name, String(value)) === "true" : false);
    const commit = () => (api ? api.LMSCommit("") : "true");
    if (api) api.LMSInitialize("");

    const entry = get("cmi.core.entry");
    const status = get("cmi.core.lesson_status");
    const mastery = Number(get("cmi.student_data.mastery_score") || document.body.dataset.mastery || 80);
    let saved = { answers: {} };
    if (entry === "ab-initio") {
      // A new attempt starts from nothing: the portal gives it a blank status, place and data.
      set("cmi.core.lesson_status", "incomplete");
    } else {
      try {
        saved = Object.assign(saved, JSON.parse(get("cmi.suspend_data") || "{}"));
      } catch (error) {
        saved = { answers: {} };
      }
      if (status === "not attempted" || status === "") set("cmi.core.lesson_status", "incomplete");
    }
    const location = get("cmi.core.lesson_location");
    const match = /^page-(\d+)$/.exec(location);
    const startIndex = entry !== "ab-initio" && match ? Number(match[1]) - 1 : 0;

    function saveProgress() {
      set("cmi.suspend_data", JSON.stringify(saved));
      commit();
    }

    // The knowledge check's questions, restored as answered when the lesson resumes.
    const rendered = questions.map((q) => {
      const box = document.createElement("div");
      checkBox.appendChild(box);
      return Course.question(box, q, {
        previous: saved.answers[q.id] ? { chosen: saved.answers[q.id] } : undefined,
        feedback: (question, correct) => " " + (correct ? question.feedback.correct : question.feedback.incorrect),
        onAnswer: async (question, chosen, correct) => {
          // SCORM 1.2 interactions are written in order; a resumed session starts at its count.
          const n = Number(get("cmi.interactions._count")) || 0;
          const key = `cmi.interactions.${n}.`;
          set(key + "id", question.id);
          set(key + "type", "choice");
          set(key + "time", clock(new Date()));
          set(key + "correct_responses.0.pattern", [].concat(question.answer).sort().join(","));
          set(key + "student_response", chosen.slice().sort().join(","));
          set(key + "result", correct ? "correct" : "wrong");
          saved.answers[question.id] = chosen;
          saveProgress();
        },
      });
    });

    function finishLesson() {
      if (finished) return;
      finished = true;
      set("cmi.core.session_time", timespan(Date.now() - startedAt));
      set("cmi.core.exit", submitted ? "" : "suspend");
      commit();
      if (api) api.LMSFinish("");
    }

    function showResult(score, passed) {
      resultBox.hidden = false;
      resultBox.textContent = "";
      const heading = Course.element("h3", { tabindex: "-1", id: "result-heading" }, "Your result");
      const summary = Course.element(
        "p",
        { class: passed ? "result-pass" : "result-fail" },
        `You scored ${score}%. The passing score is ${mastery}%. ` +
          (passed ? "You passed this lesson." : "You did not pass this lesson yet."),
      );
      const next = Course.element(
        "p",
        {},
        passed
          ? "Choose Finish lesson, then Continue to go on to the next lesson."
          : "Review the feedback above and the lesson pages. Choose Finish lesson, then choose this lesson again from the course contents to take a new attempt.",
      );
      const button = Course.element("button", { type: "button" }, "Finish lesson");
      button.addEventListener("click", finishLesson);
      resultBox.append(heading, summary, next, button);
      heading.focus();
      Course.announce(summary.textContent);
    }

    const pager = Course.pages(pagesRoot, {
      start: startIndex,
      finishLabel: "Submit knowledge check",
      onChange: (index) => {
        if (submitted) return;
        set("cmi.core.lesson_location", `page-${index + 1}`);
        commit();
      },
      onFinish: () => {
        if (submitted) return;
        const open = rendered.findIndex((question) => !question.answered());
        if (open >= 0) {
          const message = `Check your answer to every question before you submit: question ${open + 1} has no answer yet.`;
          Course.announce(message);
          const notice = document.getElementById("submit-notice");
          notice.textContent = message;
          rendered[open].element.querySelector("input").focus();
          return;
        }
        document.getElementById("submit-notice").textContent = "";
        const right = rendered.filter((question) => question.correct()).length;
        const score = Math.round((100 * right) / rendered.length);
        const passed = score >= mastery;
        submitted = true;
        set("cmi.core.score.min", 0);
        set("cmi.core.score.max", 100);
        set("cmi.core.score.raw", score);
        set("cmi.core.lesson_status", passed ? "passed" : "failed");
        set("cmi.core.exit", "");
        commit();
        pager.nav.hidden = true;
        showResult(score, passed);
      },
    });

    if (entry === "resume" && startIndex > 0) {
      Course.announce(`Welcome back. You are on page ${startIndex + 1} of ${pager.count()}.`);
    }

    // Leaving before the end (the player's Suspend, another lesson chosen, the window closed).
    window.addEventListener("pagehide", finishLesson);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
