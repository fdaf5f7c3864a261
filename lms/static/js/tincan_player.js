// The Tin Can player page: a Tin Can launch has no return URL, so when the course says the
// learner has left it (terminated, exited or suspended on its activity, recorded by the
// portal's LRS), this page takes them back to the course page instead of leaving them on the
// course's own "you may now close this window".
(function () {
  "use strict";
  var frame = document.getElementById("tincan-frame");
  if (!frame) {
    return;
  }
  var statusUrl = frame.getAttribute("data-status-url");
  var courseUrl = frame.getAttribute("data-course-url");
  var said = document.getElementById("tincan-status");
  var EVERY = 3000; // ms between looks while the page is in view
  var HIDDEN_EVERY = 15000; // and while it is not
  var timer = null;
  var failures = 0;

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(look, delay);
  }

  function look() {
    fetch(statusUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (answer) {
        if (answer.status === 401 || answer.status === 403 || answer.redirected) {
          said.textContent = "Your portal session has ended. What the course recorded is kept; " +
            "sign in again to see it.";
          return null;
        }
        return answer.ok ? answer.json() : Promise.reject(answer.status);
      })
      .then(function (state) {
        if (state === null) {
          return;
        }
        failures = 0;
        if (state.ended) {
          said.textContent = "You have left the course. Taking you back to the course page.";
          window.location.replace(courseUrl);
          return;
        }
        schedule(document.hidden ? HIDDEN_EVERY : EVERY);
      })
      .catch(function () {
        failures += 1; // offline for a moment: look again, less often
        schedule(Math.min(EVERY * Math.pow(2, failures), 60000));
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      schedule(0);
    }
  });
  // Each time the course's frame loads a page (its exit page, say), look at once.
  frame.addEventListener("load", function () {
    schedule(500);
  });
  schedule(EVERY);
})();
