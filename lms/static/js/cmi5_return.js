// The AU's returnURL (cmi5 §10.2.6) opens in the AU's window or frame; the course page takes
// the whole window again.
(function () {
  "use strict";
  var link = document.getElementById("cmi5-return");
  if (!link) {
    return;
  }
  var target = window.top === window.self ? window : window.top;
  target.location.replace(link.getAttribute("data-course-url"));
})();
