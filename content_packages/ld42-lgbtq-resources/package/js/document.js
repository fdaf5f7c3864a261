/* A document page of the LD 42 resources: says it was opened (experienced documents/<name>,
 * with the launch the list passed on), links back to the list with the same launch, and prints. */
(function () {
  "use strict";

  const DOCUMENT_TYPE = "http://id.tincanapi.com/activitytype/document";
  const name = document.body.dataset.document;
  const title = document.querySelector("h1").textContent;

  const tracker = window.Tracking.connect("LD 42 LGBTQ+ Training Resources", "http://adlnet.gov/expapi/activities/course");
  document.getElementById("back").href = tracker.within("../index.html");
  const print = document.getElementById("print");
  print.hidden = false;
  print.addEventListener("click", () => window.print());

  if (tracker.tracked) {
    tracker.send("experienced", tracker.part(`documents/${name}`, title, DOCUMENT_TYPE)).catch(() => {
      document.getElementById("document-notice").textContent = "Opening this document could not be recorded.";
    });
  }
})();
