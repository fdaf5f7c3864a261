/* Organization Wellness: the pages, the self-check and what they record (shared/tincan.js).
 *
 * Statements, all about this course's own activities (tincan.xml):
 *   attempted (first launch) or resumed (a bookmark found)   the course
 *   experienced, once a launch per module page shown           modules/<topic>
 *   answered, one per self-check question                      self-check/<question>
 *   completed, with completion and duration, on Finish         the course
 *   suspended on "Save and exit", terminated on "Exit"         the course (the portal then
 *                                                              takes the learner back)
 * The State document "bookmark" keeps {page, answers, done}; the course opens there again.
 */
(function () {
  "use strict";

  const COURSE = "Organization Wellness";
  const ACTIVITY = "http://adlnet.gov/expapi/activities/";
  const TYPES = {
    course: `${ACTIVITY}course`,
    module: `${ACTIVITY}module`,
    interaction: `${ACTIVITY}cmi.interaction`,
  };

  const QUESTIONS = [
    {
      id: "reactions",
      prompt: "Two weeks after a call in which a child died, a dispatcher still replays it at night and dreads one ring tone. What is the best way to understand this?",
      choices: [
        { id: "a", text: "It shows she is not suited to dispatch work." },
        { id: "b", text: "It is a common reaction to a critical incident that often eases with rest and support; peer support or the EAP can help now." },
        { id: "c", text: "It is best ignored: talking about it will make it worse." },
        { id: "d", text: "It only matters if it is still there a year from now." },
      ],
      answer: "b",
      feedback: {
        correct: " Reactions like these are normal after an abnormal event. Support early helps them ease; if they last beyond about a month or get worse, a clinician who knows first responders can help.",
        incorrect: " These are common reactions to a critical incident, not a sign of weakness or unsuitability. Talking with peer support or the EAP early helps; reactions lasting beyond about a month are a reason to see a clinician, not a year.",
      },
    },
    {
      id: "night-sleep",
      prompt: "Which of these help an officer on night shifts sleep and stay alert?",
      choices: [
        { id: "a", text: "A dark, cool, quiet bedroom with blackout curtains" },
        { id: "b", text: "A large energy drink an hour before going to bed" },
        { id: "c", text: "A nap of 20 to 30 minutes before the shift" },
        { id: "d", text: "Keeping part of the sleep period at the same hours on days off" },
      ],
      answer: ["a", "c", "d"],
      feedback: {
        correct: " A protected sleep room, a planned short nap and anchor sleep on days off all work with the body clock. Caffeine belongs early in the shift, not in the six hours before sleep.",
        incorrect: " The bedroom, the short nap before the shift and anchor sleep all help. Caffeine in the last six hours before sleep, energy drinks above all, makes the daytime sleep shorter and lighter.",
      },
    },
    {
      id: "coworker-at-risk",
      prompt: "A coworker says, \"Everyone would be better off without me.\" What should you do?",
      choices: [
        { id: "a", text: "Change the subject so as not to make it awkward." },
        { id: "b", text: "Promise to keep it between the two of you." },
        { id: "c", text: "Ask directly whether they are thinking about suicide, stay with them, and connect them with help: 988, the EAP or peer support, or 911 if the danger is immediate." },
        { id: "d", text: "Suggest they take a day off and check on them next week." },
      ],
      answer: "c",
      feedback: {
        correct: " Asking directly does not plant the idea; it opens the door. Stay, help keep them safe, connect them with help, and follow up in the days after.",
        incorrect: " Words like these can be a warning sign. Ask directly about suicide, do not promise secrecy, stay with them and connect them with help now: 988, the EAP, peer support, or 911 if the danger is immediate.",
      },
    },
    {
      id: "leadership",
      prompt: "Which action by a sergeant does the most for the wellness of the squad?",
      choices: [
        { id: "a", text: "Asking the peer support team for the names of the people who used it" },
        { id: "b", text: "Checking in after hard calls and speaking of peer support and the EAP as a normal part of the job" },
        { id: "c", text: "Approving every overtime request so no one loses income" },
        { id: "d", text: "Saying that anyone who needs counseling should think about another assignment" },
      ],
      answer: "b",
      feedback: {
        correct: " Leaders make help-seeking normal by what they say and do: check-ins after hard calls, routine referrals, and strict respect for confidentiality.",
        incorrect: " Asking who used peer support breaks the confidentiality the program depends on, unlimited overtime feeds fatigue, and tying counseling to reassignment teaches people to hide problems. Check-ins and making support normal are what help.",
      },
    },
  ];

  const notice = document.getElementById("course-notice");
  const body = document.getElementById("course-body");
  const leave = document.querySelector(".leave");
  const finished = document.getElementById("finished");

  function say(text) {
    notice.textContent = text;
  }

  function interaction(tracker, q) {
    const answer = Array.isArray(q.answer) ? q.answer : [q.answer];
    return tracker.part(`self-check/${q.id}`, q.prompt, TYPES.interaction, {
      interactionType: "choice",
      correctResponsesPattern: [answer.join("[,]")],
      choices: q.choices.map((choice) => ({ id: choice.id, description: { "en-US": choice.text } })),
    });
  }

  async function start() {
    const tracker = window.Tracking.connect(COURSE, TYPES.course);
    let saved = null;
    if (!tracker.tracked) {
      say("This course was opened outside the portal, so nothing you do in it is recorded.");
    } else {
      try {
        saved = await tracker.bookmark();
        say("");
      } catch (error) {
        say("Your place in the course could not be read, so it opens at the beginning.");
      }
    }
    const state = Object.assign({ page: 0, answers: {}, done: false }, saved || {});
    const problem = () => say("Your progress could not be saved. Check your connection; the course keeps trying as you go.");
    const save = () => tracker.saveBookmark(state);

    if (tracker.firstPageOfLaunch) {
      await tracker.send(saved ? "resumed" : "attempted", tracker.course()).catch(problem);
    }

    body.hidden = false;
    leave.hidden = false;
    const root = document.getElementById("pages");
    const sections = Array.from(root.querySelectorAll(":scope > section.page"));
    const experienced = new Set();
    window.Course.pages(root, {
      start: state.page,
      finishLabel: "Finish the course",
      onChange(index) {
        state.page = index;
        save().catch(problem);
        const module = sections[index].dataset.module;
        if (module && !experienced.has(module)) {
          experienced.add(module);
          const name = sections[index].querySelector("h2").textContent;
          tracker.send("experienced", tracker.part(module, name, TYPES.module)).catch(problem);
        }
      },
      async onFinish() {
        try {
          if (!state.done) {
            await tracker.send("completed", tracker.course(), {
              completion: true, duration: tracker.duration(),
            });
          }
          state.done = true;
          await save();
        } catch (error) {
          say("Finishing could not be recorded. Check your connection and choose Finish the course again.");
          return;
        }
        say("");
        body.hidden = true;
        leave.hidden = true;
        finished.hidden = false;
        document.getElementById("finished-heading").focus();
      },
    });

    const box = document.getElementById("questions");
    QUESTIONS.forEach((q) => {
      const chosen = state.answers[q.id];
      window.Course.question(box, q, {
        previous: chosen ? { chosen } : undefined,
        feedback: (question, correct) => (correct ? question.feedback.correct : question.feedback.incorrect),
        async onAnswer(question, ids, correct) {
          await tracker.send("answered", interaction(tracker, question), {
            success: correct, response: ids.join("[,]"),
          });
          state.answers[question.id] = ids;
          await save();
        },
      });
    });

    async function leaveCourse(verb, button) {
      button.disabled = true;
      try {
        await save();
        await tracker.send(verb, tracker.course(), { duration: tracker.duration() });
      } catch (error) {
        button.disabled = false;
        say("Leaving could not be recorded. Check your connection and try again.");
        return;
      }
      body.hidden = true;
      leave.hidden = true;
      finished.hidden = true;
      say(tracker.tracked
        ? "Your place is saved. The portal is taking you back to the course page."
        : "Nothing was recorded. You can close this window.");
      notice.setAttribute("tabindex", "-1");
      notice.focus();
    }
    document.getElementById("save-and-exit").addEventListener("click", (event) => leaveCourse("suspended", event.currentTarget));
    document.getElementById("exit-finished").addEventListener("click", (event) => leaveCourse("terminated", event.currentTarget));
  }

  start();
})();
