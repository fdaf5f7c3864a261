/* LD 42 LGBTQ+ Training Resources: the topic pages, the list of documents, and what they
 * record (shared/tincan.js). A resource: nothing is completed, passed or scored.
 *
 * Statements, all about this package's own activities (tincan.xml):
 *   attempted (first launch) or resumed (a bookmark found)   the course
 *   experienced, when a topic page is shown                    topics/<topic>
 *   experienced, when a document is opened (js/document.js)    documents/<document>
 *   exited, on "Save and exit" or "Close the resources"        the course (the portal then
 *                                                              takes the learner back)
 * The State document "bookmark" keeps {page}; the resources open there again, and on the list
 * of documents when the learner comes back from one.
 */
(function () {
  "use strict";

  const COURSE = "LD 42 LGBTQ+ Training Resources";
  const ACTIVITY = "http://adlnet.gov/expapi/activities/";
  const TYPES = { course: `${ACTIVITY}course`, module: `${ACTIVITY}module` };

  const notice = document.getElementById("course-notice");
  const body = document.getElementById("course-body");
  const leave = document.querySelector(".leave");

  function say(text) {
    notice.textContent = text;
  }

  async function start() {
    const tracker = window.Tracking.connect(COURSE, TYPES.course);
    let saved = null;
    if (!tracker.tracked) {
      say("These resources were opened outside the portal, so nothing you open is recorded.");
    } else {
      try {
        saved = await tracker.bookmark();
        say("");
      } catch (error) {
        say("Your place could not be read, so the resources open at the beginning.");
      }
    }
    const state = Object.assign({ page: 0 }, saved || {});
    const problem = () => say("Your place could not be saved. Check your connection; it is saved again as you go.");
    const save = () => tracker.saveBookmark(state);

    if (tracker.firstPageOfLaunch) {
      await tracker.send(saved ? "resumed" : "attempted", tracker.course()).catch(problem);
    }

    // A document keeps the launch (its Back link returns here with the same parameters).
    document.querySelectorAll("a.read").forEach((link) => {
      link.href = tracker.within(link.getAttribute("href"));
    });

    body.hidden = false;
    leave.hidden = false;
    const root = document.getElementById("pages");
    const sections = Array.from(root.querySelectorAll(":scope > section.page"));
    const experienced = new Set();

    async function exit(button) {
      if (button) button.disabled = true;
      try {
        await save();
        await tracker.send("exited", tracker.course());
      } catch (error) {
        if (button) button.disabled = false;
        say("Leaving could not be recorded. Check your connection and try again.");
        return;
      }
      body.hidden = true;
      leave.hidden = true;
      say(tracker.tracked
        ? "Your place is saved. The portal is taking you back to the course page."
        : "Nothing was recorded. You can close this window.");
      notice.setAttribute("tabindex", "-1");
      notice.focus();
    }

    window.Course.pages(root, {
      start: state.page,
      finishLabel: "Close the resources",
      onChange(index) {
        state.page = index;
        save().catch(problem);
        const topic = sections[index].dataset.topic;
        if (topic && !experienced.has(topic)) {
          experienced.add(topic);
          const name = sections[index].querySelector("h2").textContent;
          tracker.send("experienced", tracker.part(topic, name, TYPES.module)).catch(problem);
        }
      },
      onFinish: () => exit(null),
    });
    document.getElementById("save-and-exit").addEventListener("click", (event) => exit(event.currentTarget));
  }

  start();
})();
