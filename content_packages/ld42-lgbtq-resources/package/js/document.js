/* A document page of the LD 42 resources: says it was opened (experienced documents/<name>,
 * with the launch the list passed on), links back to the list with the same launch, and prints. */
(function () {
  "use strict";

  const DOCUMENT_TYPE = "http://id.tincanapi.com/activitytype/document";
  const name = document.body.dataset.document;
  const title = document.querySelector("h1").textContent;

  const tracker = window.Tracking.connect("LD 42 LGBTQ+ Training Resources", "http://adlnet.gov/expapi/activities/course");
  const back = document.getElementById("back");
  back.href = tracker.within("../index.html");
  const print = document.getElementById("print");
  print.hidden = false;
  print.addEventListener("click", () => window.print());

  let recorded = Promise.resolve();
  if (tracker.tracked) {
    recorded = tracker.send("experienced", tracker.part(`documents/${name}`, title, DOCUMENT_TYPE)).catch(() => {
      document.getElementById("document-notice").textContent = "Opening this document could not be recorded.";
    });
  }
  // Leaving the page would cancel a statement still on its way: Back waits for it (a few
  // seconds at most).
  back.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const wait = new Promise((resolve) => { window.setTimeout(resolve, 3000); });
    Promise.race([recorded, wait]).then(() => { window.location.href = back.href; });
  });
})();
