// Package import pages: send the file as the raw request body with its upload progress shown,
// then follow the import on its page until it is done. Without this script the form posts the
// file as multipart and the status page refreshes itself.
"use strict";

(function () {
  const POLL_MS = 700;

  function humanSize(count) {
    if (count < 1000) return count + " bytes";
    let value = count;
    for (const unit of ["KB", "MB", "GB"]) {
      value /= 1000;
      if (value < 1000) return value.toFixed(1) + " " + unit;
    }
    return (value / 1000).toFixed(1) + " TB";
  }

  function showProblem(message) {
    const error = document.getElementById("package-error");
    const input = document.getElementById("package");
    error.textContent = message;
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.closest(".field").classList.add("field-invalid");
  }

  function setUpUpload(form) {
    const input = document.getElementById("package");
    const button = document.getElementById("upload-button");
    const box = document.getElementById("upload-progress");
    const bar = document.getElementById("upload-bar");
    const text = document.getElementById("upload-text");
    const token = form.querySelector("input[name=csrf_token]").value;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const file = input.files[0];
      if (!file) {
        showProblem("Choose a package file (a .zip, or a cmi5.xml) to import.");
        return;
      }
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Content-Type", "application/octet-stream");
      request.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
      request.setRequestHeader("X-CSRFToken", token);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (progress) {
        if (!progress.lengthComputable) return;
        bar.max = progress.total;
        bar.value = progress.loaded;
        const percent = Math.floor((100 * progress.loaded) / progress.total);
        text.textContent =
          humanSize(progress.loaded) + " of " + humanSize(progress.total) + " (" + percent + "%)";
      });
      request.addEventListener("load", function () {
        let body = {};
        try {
          body = JSON.parse(request.responseText);
        } catch (ignored) {
          body = { message: "The server answered " + request.status + "." };
        }
        if (request.status === 202 && body.page_url) {
          window.location.assign(body.page_url);
          return;
        }
        box.hidden = true;
        button.disabled = false;
        showProblem(body.message || "The upload was refused (" + request.status + ").");
      });
      request.addEventListener("error", function () {
        box.hidden = true;
        button.disabled = false;
        showProblem("The upload was interrupted (the connection dropped); nothing was kept. Please try again.");
      });
      document.getElementById("package-error").hidden = true;
      box.hidden = false;
      button.disabled = true;
      text.textContent = "Starting…";
      request.send(file);
    });
  }

  function showOutcome(status) {
    const outcome = document.getElementById("import-outcome");
    outcome.replaceChildren();
    const message = document.createElement("p");
    message.id = "import-message";
    message.textContent = status.message;
    if (status.status === "failed") message.className = "error";
    outcome.appendChild(message);
    if (status.result) {
      const result = document.createElement("p");
      result.id = "import-result";
      const link = document.createElement("a");
      link.href = status.result.course_url;
      link.textContent = status.result.course_title;
      result.append(
        link,
        ": version " + status.result.version + ", " + status.result.standard +
          (status.result.edition ? " (" + status.result.edition + ")" : "") + ", " +
          status.result.files + " files."
      );
      outcome.appendChild(result);
      if (status.result.warnings && status.result.warnings.length) {
        outcome.appendChild(warningsBox(status.result));
      }
    }
  }

  // The same box as the status page's template draws: what to read before publishing.
  function warningsBox(result) {
    const box = document.createElement("div");
    box.className = "form-errors";
    box.id = "import-warnings";
    box.setAttribute("role", "note");
    const intro = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = "Read before publishing the course:";
    intro.append(strong, " the package imported, but");
    const list = document.createElement("ul");
    for (const warning of result.warnings) {
      const item = document.createElement("li");
      item.textContent = warning;
      list.appendChild(item);
    }
    const after = document.createElement("p");
    const link = document.createElement("a");
    link.href = result.course_url;
    link.textContent = "course page";
    after.append("The ", link, " shows these again beside its Published box.");
    box.append(intro, list, after);
    return box;
  }

  function followImport(panel) {
    const url = panel.dataset.statusUrl;
    const state = document.getElementById("import-state");
    const stage = document.getElementById("import-stage");
    const bar = document.getElementById("import-bar");
    const text = document.getElementById("import-text");
    const box = document.getElementById("import-progress");

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.json();
        })
        .then(function (status) {
          state.textContent = status.status;
          panel.dataset.status = status.status;
          stage.textContent = status.stage;
          bar.max = status.total_bytes || 1;
          bar.value = status.done_bytes;
          text.textContent = status.total_bytes
            ? humanSize(status.done_bytes) + " of " + humanSize(status.total_bytes)
            : "";
          if (status.status === "done" || status.status === "failed") {
            box.hidden = true;
            showOutcome(status);
            return;
          }
          window.setTimeout(poll, POLL_MS);
        })
        .catch(function () {
          // The server did not answer this time; the import goes on without us. Ask again.
          window.setTimeout(poll, POLL_MS * 4);
        });
    }

    if (panel.dataset.status !== "done" && panel.dataset.status !== "failed") poll();
  }

  const form = document.getElementById("package-upload");
  if (form) setUpUpload(form);
  const panel = document.getElementById("import-status");
  if (panel) followImport(panel);
})();
