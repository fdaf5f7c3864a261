/* The bundled courses' shared kit: copied into every package as shared/course.js.
 *
 * Course.announce(text)          says text through a polite live region
 * Course.pages(root, options)    one <section class="page"> at a time, with Previous / Next
 * Course.question(box, q, opts)  one multiple-choice question with its check and feedback
 *
 * Plain script (no modules, no build step), no other origin, keyboard and screen-reader first:
 * real buttons and inputs, labels, a fieldset and legend per question, focus moved to the new
 * page's heading, results said through role=status regions.
 */
(function () {
  "use strict";

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  let liveRegion = null;
  function announce(text) {
    if (!liveRegion) {
      liveRegion = element("div", { class: "visually-hidden", role: "status", "aria-live": "polite" });
      document.body.appendChild(liveRegion);
    }
    liveRegion.textContent = "";
    // A change after a tick is announced even when the text repeats.
    window.setTimeout(() => { liveRegion.textContent = text; }, 50);
  }

  function pages(root, options) {
    const settings = Object.assign({ start: 0, finishLabel: "Finish" }, options || {});
    const sections = Array.from(root.querySelectorAll(":scope > section.page"));
    if (!sections.length) throw new Error("Course.pages: no <section class=\"page\"> in the root");
    sections.forEach((section, i) => {
      const heading = section.querySelector("h2");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        if (!heading.id) heading.id = `page-heading-${i + 1}`;
        section.setAttribute("aria-labelledby", heading.id);
      }
    });
    const nav = element("nav", { class: "pager", "aria-label": "Pages" });
    const status = element("p", { class: "pager-status", "aria-live": "polite" });
    const buttons = element("div", { class: "pager-buttons" });
    const previous = element("button", { type: "button", class: "button-secondary" }, "Previous");
    const next = element("button", { type: "button" }, "Next");
    buttons.append(previous, next);
    nav.append(status, buttons);
    root.after(nav);

    let current = -1;
    let busy = false;
    function show(index, moveFocus) {
      const target = Math.max(0, Math.min(sections.length - 1, Number(index) || 0));
      sections.forEach((section, i) => { section.hidden = i !== target; });
      current = target;
      status.textContent = `Page ${target + 1} of ${sections.length}`;
      previous.hidden = target === 0;
      next.textContent = target === sections.length - 1 ? settings.finishLabel : "Next";
      if (moveFocus !== false) {
        const heading = sections[target].querySelector("h2");
        if (heading) heading.focus();
        window.scrollTo(0, 0);
      }
      if (settings.onChange) settings.onChange(target, sections.length);
    }
    previous.addEventListener("click", () => show(current - 1));
    next.addEventListener("click", async () => {
      if (current < sections.length - 1) {
        show(current + 1);
        return;
      }
      if (!settings.onFinish || busy) return;
      busy = true;
      next.setAttribute("aria-disabled", "true");
      try {
        await settings.onFinish();
      } finally {
        busy = false;
        next.removeAttribute("aria-disabled");
      }
    });
    show(settings.start, false);
    return {
      show: (i) => show(i),
      index: () => current,
      count: () => sections.length,
      nav,
    };
  }

  let questionCount = 0;
  function question(container, q, options) {
    const settings = options || {};
    const multiple = Array.isArray(q.answer);
    const expected = multiple ? q.answer.slice().sort() : [q.answer];
    const number = ++questionCount;
    const box = element("fieldset", { class: "question", id: `question-${q.id}` });
    const legend = element("legend", {}, q.prompt);
    box.appendChild(legend);
    if (multiple) box.appendChild(element("p", { class: "hint" }, "Choose all that apply."));
    const inputs = q.choices.map((choice) => {
      const id = `q${number}-${choice.id}`;
      const row = element("div", { class: "choice" });
      const input = element("input", {
        type: multiple ? "checkbox" : "radio",
        name: `question-${number}`,
        id,
        value: choice.id,
      });
      row.append(input, element("label", { for: id }, choice.text));
      box.appendChild(row);
      return input;
    });
    const check = element("button", { type: "button" }, "Check answer");
    const feedback = element("div", { class: "feedback", role: "status", "aria-live": "polite" });
    box.append(check, feedback);
    container.appendChild(box);

    let answered = false;
    let wasCorrect = false;
    let chosen = [];

    async function settle(ids) {
      chosen = ids.slice();
      wasCorrect = ids.slice().sort().join(",") === expected.join(",");
      answered = true;
      inputs.forEach((input) => {
        input.checked = ids.includes(input.value);
        input.disabled = true;
      });
      check.hidden = true;
      let text = "";
      if (settings.feedback) text = (await settings.feedback(q, wasCorrect)) || "";
      feedback.className = `feedback ${wasCorrect ? "correct" : "incorrect"}`;
      feedback.textContent = "";
      feedback.append(element("strong", {}, wasCorrect ? "Correct." : "Not quite."));
      if (text) feedback.append(typeof text === "string" ? document.createTextNode(text) : text);
    }

    check.addEventListener("click", async () => {
      if (answered) return;
      const ids = inputs.filter((input) => input.checked).map((input) => input.value);
      if (!ids.length) {
        feedback.className = "feedback notice";
        feedback.textContent = "Choose an answer first.";
        return;
      }
      check.disabled = true;
      const correct = ids.slice().sort().join(",") === expected.join(",");
      try {
        if (settings.onAnswer) await settings.onAnswer(q, ids, correct);
      } catch (error) {
        check.disabled = false;
        feedback.className = "feedback notice";
        feedback.textContent = "Your answer could not be saved. Check your connection and try again.";
        return;
      }
      await settle(ids);
    });

    if (settings.previous && Array.isArray(settings.previous.chosen) && settings.previous.chosen.length) {
      settle(settings.previous.chosen);
    }
    return {
      answered: () => answered,
      correct: () => wasCorrect,
      chosen: () => chosen.slice(),
      element: box,
    };
  }

  window.Course = { announce, pages, question, element };
})();
