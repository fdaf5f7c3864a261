/* The customization editor: each question's form saves itself as the administrator types
 * (a moment after the last key, and when the field loses focus), and before the page is left.
 * The form still works without this script (its Save button posts it).
 *
 * Each save sends the question's revision; a save another administrator made in between is
 * answered 409 and shown beside the question, and the text typed stays in the field.
 */
(function () {
  "use strict";

  const DELAY = 1200;

  function setup(form) {
    const state = form.querySelector(".save-state");
    const revision = form.querySelector("input[name$='-revision']");
    const badge = form.closest(".question-edit").querySelector(".question-state");
    let timer = null;
    let saved = new FormData(form);
    let sending = null;

    function changed() {
      const now = new FormData(form);
      for (const [name, value] of now.entries()) {
        if (saved.get(name) !== value) return true;
      }
      return false;
    }

    function showErrors(errors) {
      form.querySelectorAll(".error").forEach((p) => { p.textContent = ""; });
      form.querySelectorAll("textarea").forEach((t) => t.setAttribute("aria-invalid", "false"));
      let general = [];
      Object.entries(errors || {}).forEach(([field, messages]) => {
        const input = form.querySelector(`[name='${CSS.escape(field)}']`);
        const box = input && document.getElementById(`${input.id}-error`);
        if (box) {
          box.textContent = messages.join(" ");
          input.setAttribute("aria-invalid", "true");
        } else {
          general = general.concat(messages);
        }
      });
      return general;
    }

    async function save() {
      clearTimeout(timer);
      timer = null;
      if (!changed()) return;
      if (sending) await sending;
      const body = new FormData(form);
      state.textContent = "Saving…";
      sending = fetch(form.action, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        keepalive: true,
      }).then(async (response) => {
        let answer = {};
        try { answer = await response.json(); } catch (error) { answer = {}; }
        if (response.ok && answer.saved) {
          saved = body;
          revision.value = String(answer.revision);
          saved.set(revision.name, revision.value);
          showErrors({});
          state.textContent = "Saved.";
          state.classList.remove("error");
          if (badge) {
            badge.textContent = answer.done ? "Agency feedback" : "POST's default";
            badge.dataset.done = answer.done ? "yes" : "no";
          }
          const progress = document.getElementById("progress");
          if (progress) progress.textContent = `${answer.progress} of ${answer.total}`;
          return;
        }
        const general = showErrors(answer.errors);
        if (answer.message) general.push(answer.message);
        state.textContent = "Not saved. " + (general.join(" ") || "Correct the text above.");
        state.classList.add("error");
      }).catch(() => {
        state.textContent = "Not saved: the portal could not be reached. Your text is still here; it saves when you type again.";
        state.classList.add("error");
      }).finally(() => { sending = null; });
      await sending;
    }

    form.addEventListener("input", () => {
      state.textContent = "Unsaved changes.";
      clearTimeout(timer);
      timer = setTimeout(save, DELAY);
    });
    form.querySelectorAll("textarea").forEach((t) => t.addEventListener("blur", save));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save();
    });
    return { pending: () => timer !== null || changed(), save };
  }

  document.addEventListener("DOMContentLoaded", () => {
    const editors = Array.from(document.querySelectorAll("form.feedback-form")).map(setup);
    // Leaving with a save still to make: send it (keepalive lets it finish) and ask first.
    window.addEventListener("beforeunload", (event) => {
      const waiting = editors.filter((e) => e.pending());
      if (waiting.length) {
        waiting.forEach((e) => e.save());
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
