/* A search box over a list of people to tick (a roster's attendees, access to a course): the
 * names and POST-IDs that do not match are hidden; ticked ones always stay. Without this script
 * the whole list shows. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-filters]").forEach((input) => {
      const list = document.getElementById(input.dataset.filters);
      const status = document.getElementById(`${input.id}-status`);
      if (!list) return;
      input.hidden = false;
      input.previousElementSibling.hidden = false;
      input.addEventListener("input", () => {
        const wanted = input.value.trim().toLowerCase();
        let shown = 0;
        list.querySelectorAll("label.choice").forEach((item) => {
          const box = item.querySelector("input");
          const match = !wanted || item.textContent.toLowerCase().includes(wanted) || (box && box.checked);
          item.hidden = !match;
          if (match) shown += 1;
        });
        if (status) status.textContent = `${shown} ${shown === 1 ? "person" : "people"} shown`;
      });
    });
  });
})();
