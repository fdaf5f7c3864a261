// The SCORM player's glue around scorm-again: the API built from the server's settings, each
// SCO delivered into the frame (by SCORM 2004 sequencing, or in manifest order for SCORM 1.2),
// and every commit kept in a queue on this device (localStorage) until the server has
// acknowledged it, sent again when the connection returns, and said plainly when it cannot be;
// and a SCO that never calls Initialize is noticed and told, since it can record nothing.
"use strict";

(function () {
  const settings = JSON.parse(document.getElementById("scorm-settings").textContent);
  const is2004 = settings.standard === "scorm2004";
  const scos = new Map(settings.scos.map((sco) => [sco.id, sco]));
  const order = settings.scos.map((sco) => sco.id);
  const statuses = Object.assign({}, settings.statuses);
  const statusLine = document.getElementById("save-status");
  const message = document.getElementById("player-message");
  const tocList = document.getElementById("toc-list");
  const buttons = {
    previous: document.getElementById("nav-previous"),
    continue: document.getElementById("nav-continue"),
    suspendAll: document.getElementById("nav-suspend"),
    exitAll: document.getElementById("nav-exit"),
  };
  const FAILURE_NOTE = settings.queueKey + ".failure";
  const RETRY_MAX_MS = 30000;
  let frame = document.getElementById("sco-frame");

  // --- what the learner is told ------------------------------------------------------------

  let failure = null; // a refusal by the server: sticks until the page is opened again
  let stalled = false; // the SCO in the frame never called Initialize: it records nothing
  const STALLED_TEXT = "The course content did not start: nothing has been recorded.";

  function showStatus(state, text) {
    if (failure && state !== "failed") {
      state = "failed";
      text = "Some of your progress could not be saved: " + failure;
    } else if (stalled && state === "saved") {
      // Nothing the SCO did was saved, since it did nothing: "All progress saved." would mislead.
      state = "stalled";
      text = STALLED_TEXT;
    }
    statusLine.dataset.state = state;
    statusLine.textContent = text;
  }

  function refuse(reason) {
    failure = reason;
    try {
      sessionStorage.setItem(FAILURE_NOTE, reason);
    } catch (error) {
      // the note only survives a reload where the browser allows it
    }
    showStatus("failed", "");
  }

  function showMessage(html, focus) {
    message.innerHTML = html;
    message.hidden = false;
    if (focus) message.focus();
  }

  function hideMessage() {
    message.hidden = true;
    message.textContent = "";
  }

  function escapeHtml(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  // --- the queue: commits and sequencing saves kept until the server acknowledges them ------

  const queue = {
    durable: true,
    memory: [],
    read() {
      if (!this.durable) return this.memory.slice();
      try {
        return JSON.parse(localStorage.getItem(settings.queueKey) || "[]");
      } catch (error) {
        return [];
      }
    },
    write(entries) {
      if (this.durable) {
        try {
          localStorage.setItem(settings.queueKey, JSON.stringify(entries));
          return true;
        } catch (error) {
          // No storage (private mode) or no room: keep them in this page instead.
          this.durable = false;
        }
      }
      this.memory = entries.slice();
      return false;
    },
    // A newer save of the same slot (one session of one attempt, or the sequencing state)
    // replaces the one still waiting: each carries the whole data.
    put(entry) {
      const entries = this.read().filter((queued) => queued.slot !== entry.slot);
      entries.push(entry);
      return this.write(entries);
    },
    remove(id) {
      this.write(this.read().filter((queued) => queued.id !== id));
    },
  };

  function newId() {
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  let flushing = null;
  let retryTimer = null;
  let retryDelay = 1000;
  let waiters = [];

  function scheduleFlush(delay) {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      retryTimer = null;
      flush();
    }, delay);
  }

  function retryLater(state, text) {
    showStatus(state, text);
    scheduleFlush(retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function offlineText() {
    return queue.durable
      ? "You are offline. Your progress is kept on this device and will be sent when the connection returns."
      : "You are offline and this browser does not let the course keep your progress on the device: keep this page open until it is sent.";
  }

  // Sends the queue in order; resolves true once it is empty, false if it must wait.
  function flush() {
    if (flushing) return flushing;
    flushing = (async function () {
      for (;;) {
        const entry = queue.read()[0];
        if (!entry) break;
        showStatus("saving", "Saving your progress…");
        let response;
        try {
          response = await fetch(entry.url, {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json" },
            body: JSON.stringify(entry.body),
            credentials: "omit", // the launch token in the URL authorises it: no cookie
            cache: "no-store",
          });
        } catch (error) {
          retryLater("offline", offlineText());
          return false;
        }
        let answer = null;
        try {
          answer = await response.json();
        } catch (error) {
          answer = null;
        }
        if (response.ok && answer && (answer.result === true || answer.result === "true")) {
          queue.remove(entry.id);
          retryDelay = 1000;
          if (entry.scoId && answer.status) {
            statuses[entry.scoId] = answer.status;
            renderStatuses();
          }
          continue;
        }
        const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
        if (!retryable && response.status >= 400) {
          // The server refused it for good (the course was dropped, the data is not SCORM's,
          // a newer window saved since): sending it again would not help.
          queue.remove(entry.id);
          tellSco(entry, answer);
          refuse((answer && answer.message) || "the server refused it (" + response.status + ").");
          continue;
        }
        retryLater("offline", "The server did not take your progress; trying again shortly. It is kept on this device.");
        return false;
      }
      showStatus("saved", "All progress saved.");
      return true;
    })().finally(function () {
      flushing = null;
      if (!queue.read().length) {
        const ready = waiters;
        waiters = [];
        ready.forEach((resolve) => resolve());
      }
    });
    return flushing;
  }

  // Resolves once everything waiting has been acknowledged (or refused), however long that is.
  function sent() {
    if (!queue.read().length && !flushing) return Promise.resolve();
    const promise = new Promise((resolve) => waiters.push(resolve));
    flush();
    return promise;
  }

  function beacon(entry) {
    try {
      const body = new Blob([JSON.stringify(entry.body)], { type: "text/plain;charset=UTF-8" });
      return navigator.sendBeacon(entry.url, body);
    } catch (error) {
      return false;
    }
  }

  window.addEventListener("online", () => scheduleFlush(0));

  // --- a refusal told to the SCO --------------------------------------------------------------

  // The server refuses a commit with the SCORM error code of the rule it broke (405, 406, 143...,
  // docs/player-scorm.md, "Commits"). The SCO's Commit returned long before (the queue took the
  // data), so the code is handed to scorm-again as the last error at once, for the SCO's
  // GetLastError / LMSGetLastError, and its next Commit of that session returns "false" with it.
  const refusals = new Map(); // a session's commit URL -> the code its next Commit reports

  function tellSco(entry, answer) {
    const code = answer ? Number(answer.errorCode) : 0;
    if (!entry.scoId || !code) return; // a sequencing save: no SCO asked for it
    if (!current || !current.session || current.session.commitUrl !== entry.url) return;
    refusals.set(entry.url, code);
    if (running()) api.throwSCORMError("api", code, (answer && answer.message) || "");
  }

  // --- scorm-again's transport: every commit goes through the queue --------------------------

  let api = null;
  let current = null; // {scoId, session} of the SCO in the frame
  let position = null; // the SCO delivered last: where SCORM 1.2's Continue and Previous start

  function navRequestNow() {
    try {
      return api.adl.nav.request || "_none_";
    } catch (error) {
      return "_none_";
    }
  }

  const transport = {
    processHttpRequest(url, params, immediate) {
      const body = Object.assign({}, params, { committedAt: new Date().toISOString() });
      if (is2004) body.navRequest = navRequestNow();
      // SCORM 1.2 has no navigation requests: the player's Suspend and Exit are told the same
      // way, so that Exit ends the course's attempt whatever cmi.core.exit the SCO left.
      else if (lmsRequest && ["suspendAll", "exitAll"].includes(lmsRequest.request)) {
        body.navRequest = lmsRequest.request;
      }
      const entry = { id: newId(), slot: url, url: url, body: body, scoId: current && current.scoId };
      queue.put(entry);
      // The terminate commit often comes while the page goes away: the beacon survives that.
      // It stays queued and goes again by fetch; the server takes the same commit once.
      if (immediate) beacon(entry);
      scheduleFlush(0);
      // The server refused this session's last commit: this Commit says so (its own data is
      // still sent, and taken if it is right). Terminate always ends the session.
      const refused = refusals.get(url);
      if (refused && !immediate) {
        refusals.delete(url);
        return { result: "false", errorCode: refused };
      }
      // The data is in the queue: what the server has not acknowledged yet will be sent.
      return { result: "true", errorCode: 0 };
    },
    updateSettings() {},
  };

  let sequencingCount = 0;
  let attemptEnded = false; // sequencing ended the attempt on the whole tree (SN TB.2.3)
  // Sequencing delivered an activity whose SCO has not started yet, and the state saved with
  // that delivery, held until it does. SN's End Attempt Process (UP.4) counts a SCO that set
  // no status as completed and satisfied: a state in which a SCO that never started had been
  // delivered would, on the next launch, earn the course for nothing. Never sent, the state
  // stays as it was before (none, or suspended), and the next launch starts or resumes from it.
  let awaitingStart = false;
  let heldSave = null;

  function releaseHeldSave() {
    awaitingStart = false;
    if (!heldSave) return;
    queue.put(heldSave);
    heldSave = null;
    scheduleFlush(0);
  }

  function saveSequencingState(state) {
    const root = api.getActivityTrackingData(settings.activityTree.id) || {};
    const body = {
      sequence: ++sequencingCount,
      state: state,
      attemptEnded: attemptEnded,
      course: {
        completion: root.completionStatus || "unknown",
        success: root.successStatus || "unknown",
        scoreScaled: typeof root.score === "number" ? root.score : null,
      },
    };
    const url = settings.urls.sequencing;
    const entry = { id: newId(), slot: url, url: url, body: body };
    if (awaitingStart) {
      heldSave = entry;
      return Promise.resolve(true);
    }
    queue.put(entry);
    if (leaving) beacon(entry);
    scheduleFlush(0);
    return Promise.resolve(true);
  }

  // --- the frame ------------------------------------------------------------------------------

  // Removing the frame unloads the SCO at once (its unload handlers run, most call Terminate);
  // a fresh frame then takes the next SCO.
  function replaceFrame() {
    const fresh = frame.cloneNode(false);
    fresh.removeAttribute("src");
    frame.replaceWith(fresh);
    frame = fresh;
    return frame;
  }

  function running() {
    return api && api.isInitialized();
  }

  function terminateForSco() {
    if (!running()) return;
    if (is2004) api.Terminate("");
    else api.LMSFinish("");
  }

  // --- delivering a SCO -----------------------------------------------------------------------

  let deliveries = Promise.resolve();
  let delivered = false; // set when sequencing asked for a delivery during Terminate
  let ended = false;
  let lmsRequest = null; // a navigation the learner asked the player for

  function requestDelivery(scoId) {
    delivered = true;
    deliveries = deliveries.then(() => deliver(scoId)).catch(function (error) {
      showMessage("<p>The course could not continue: " + escapeHtml(String(error)) + "</p>", true);
    });
  }

  async function openSession(scoId) {
    const url = settings.urls.session.replace("SCO_ID", encodeURIComponent(scoId));
    let delay = 1000;
    for (;;) {
      let response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { Accept: "application/json", "Content-Type": "application/json" },
          body: "{}",
          credentials: "omit", // the launch token in the URL authorises it: no cookie
        });
      } catch (error) {
        showStatus("offline", "You are offline. The next part opens when the connection returns; your progress is kept.");
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
        continue;
      }
      const answer = await response.json().catch(() => null);
      if (response.ok && answer) return answer;
      if (response.status >= 500) {
        showStatus("offline", (answer && answer.message) || "The server is not answering; trying again shortly.");
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
        continue;
      }
      throw new Error((answer && answer.message) || "the server refused to open it (" + response.status + ")");
    }
  }

  // A SCO calls Initialize as it starts (RTE 3.2.2.1); one that has not, long after its page
  // loaded, broke or lacks a file. The wait allows for slow phones and networks, and a SCO
  // that starts later still is taken as usual (started).
  const INITIALIZE_TIMEOUT_MS = (settings.initializeTimeoutSeconds || 20) * 1000;
  let startWatch = null;

  // An asset (adlcp:scormType asset) is content without the API: it never calls Initialize.
  function isSco(scoId) {
    const sco = scos.get(scoId);
    return Boolean(sco) && sco.type !== "asset";
  }

  function watchStart(delivery) {
    clearTimeout(startWatch);
    if (delivery.started) return;
    frame.addEventListener(
      "load",
      function () {
        if (current !== delivery || delivery.started) return;
        startWatch = setTimeout(function () {
          if (current === delivery && !delivery.started) stall(delivery);
        }, INITIALIZE_TIMEOUT_MS);
      },
      { once: true },
    );
  }

  function stall(delivery) {
    stalled = true;
    updateButtons();
    showStatus("stalled", STALLED_TEXT);
    showMessage(
      "<p><strong>The course content did not start.</strong> " +
        escapeHtml(scos.get(delivery.scoId).title) +
        " opened but never began, so nothing has been recorded: no progress, no attempt, no credit.</p>" +
        "<p>What to do: reload this page to try again. If it still does not start, try another " +
        "browser. If that does not help either, contact your agency's LP administrator and tell " +
        "them the course's name: the course may be broken.</p>" +
        '<p><button type="button" id="player-reload">Reload the page</button></p>',
      true,
    );
    document.getElementById("player-reload").addEventListener("click", () => location.reload());
  }

  function started() {
    if (!current) return;
    current.started = true;
    clearTimeout(startWatch);
    releaseHeldSave();
    updateButtons();
    if (!stalled) return;
    // It started after all (a very slow device): the course goes on as usual.
    stalled = false;
    hideMessage();
    showStatus("saving", "The course content has started.");
    updateButtons();
  }

  // scorm-again's SCORM 1.2 reset keeps the last SCO's status, location and suspend data, and
  // loadFromJSON skips empty values: a new attempt of another SCO would start with them (and
  // its first commit report the other SCO's status). They start blank, as RTE 3.4.4 says.
  function clearPreviousSco() {
    try {
      api.cmi.core.lesson_status = "not attempted";
      api.cmi.core.lesson_location = "";
      api.cmi.suspend_data = "";
    } catch (error) {
      // A value scorm-again refuses here is one the saved data below replaces anyway.
    }
  }

  async function deliver(scoId) {
    const sco = scos.get(scoId);
    hideMessage();
    stalled = false;
    clearTimeout(startWatch);
    replaceFrame();
    showStatus("saving", "Opening " + sco.title + "…");
    // The SCO's earlier sessions must be saved before a new one opens: the server starts
    // the next attempt (or resumes this one) from what it holds.
    await sent();
    const session = await openSession(scoId);
    current = { scoId: scoId, session: session, started: !isSco(scoId) };
    position = scoId;
    api.reset({ lmsCommitUrl: session.commitUrl }, { preserveListeners: true });
    if (!is2004) clearPreviousSco();
    api.loadFromJSON({ cmi: session.cmi.cmi });
    statuses[scoId] = session.status;
    renderStatuses();
    updateButtons();
    frame.hidden = false;
    frame.title = sco.title;
    watchStart(current);
    frame.src = sco.url;
  }

  // --- SCORM 2004: sequencing decides what comes next -----------------------------------------

  let validity = { continue: false, previous: false, choice: {}, hideLmsUi: [] };

  function sequencedNavigate(request, target) {
    if (running()) {
      // Let the SCO end its session first (SN 4.2: the LMS asks, the SCO terminates, and the
      // request is processed with the SCO's final data).
      if (request === "suspendAll") api.SetValue("cmi.exit", "suspend");
      api.SetValue("adl.nav.request", request === "choice" ? "{target=" + target + "}choice" : request);
      replaceFrame();
      terminateForSco();
      return;
    }
    if (!api.processNavigationRequest(request, target)) {
      showMessage("<p>That is not available now.</p>", true);
    }
    api.saveSequencingState();
  }

  function startSequencing() {
    if (settings.sequencingState) api.deserializeSequencingState(settings.sequencingState);
    for (const request of ["resumeAll", "start"]) {
      if (api.processNavigationRequest(request)) {
        api.saveSequencingState();
        return;
      }
    }
    // An organization without flow starts by choice (SN 4.2.1): the first launchable item.
    if (api.processNavigationRequest("choice", order[0])) {
      api.saveSequencingState();
      return;
    }
    // Nothing to deliver (every part used up, e.g. no attempt left on a test): say so, and
    // leave the status line saying what was saved rather than "Starting…".
    showStatus("saved", "All progress saved.");
    showMessage(
      "<p>The course cannot be started: its sequencing allows no activity now (for example, no attempt is left on a test).</p>" +
        '<p><a href="' + settings.urls.dashboard + '">Back to the dashboard</a></p>',
      true,
    );
  }

  function sequencingOptions() {
    return {
      activityTree: settings.activityTree,
      eventListeners: {
        onActivityDelivery: function (activity) {
          awaitingStart = isSco(activity.id);
          requestDelivery(activity.id);
        },
        onNavigationValidityUpdate: function (update) {
          validity = update;
          updateButtons();
        },
        onSequencingSessionEnd: function (end) {
          ended = true;
          attemptEnded = Boolean(end) && (end.reason === "exit_all" || end.reason === "abandon_all");
          const suspended =
            lastLmsRequest === "suspendAll" || (end && end.navigationRequest === "suspendAll");
          setTimeout(() => finish(suspended ? "suspended" : "ended"), 0);
        },
      },
    };
  }

  // --- SCORM 1.2: the manifest's order, the learner's choice ----------------------------------

  function orderedNavigate(request, target) {
    lmsRequest = { request: request, target: target };
    if (running()) {
      if (request === "suspendAll") api.LMSSetValue("cmi.core.exit", "suspend");
      // LMSFinish (by the SCO as it unloads, or by the player) goes on in afterSession.
      replaceFrame();
      terminateForSco();
      return;
    }
    afterSession();
  }

  let scoRequest = null; // cmi.nav.event, scorm-again's SequenceNext/SequencePrevious

  function nextOf(request, target) {
    const index = position ? order.indexOf(position) : -1;
    if (request === "choice") return target;
    if (request === "continue") return order[index + 1] || null;
    if (request === "previous") return index > 0 ? order[index - 1] : null;
    return null;
  }

  // --- after a SCO's session ends -------------------------------------------------------------

  function afterSession() {
    const request = lmsRequest || scoRequest;
    lmsRequest = null;
    scoRequest = null;
    if (is2004) {
      // Sequencing either delivered the next activity, ended the session (finish), or waits
      // for the learner to choose.
      if (!ended && !delivered) showBetween();
      return;
    }
    const next = request ? nextOf(request.request, request.target) : null;
    if (next) return requestDelivery(next);
    if (request && request.request === "suspendAll") return finish("suspended");
    if (request && request.request === "exitAll") return finish("ended");
    if (order.length === 1 || (request && request.request === "continue")) return finish("ended");
    showBetween();
  }

  function showBetween() {
    current = null;
    frame.hidden = true;
    updateButtons();
    showMessage(
      "<p>This part is finished. Press Continue, or choose a part of the course from the contents.</p>",
      false,
    );
  }

  function finish(how) {
    current = null;
    ended = true;
    frame.hidden = true;
    updateButtons();
    const text =
      how === "suspended"
        ? "Your place is saved. Open the course again from your dashboard to resume where you left off."
        : "You have reached the end of this attempt of the course.";
    showMessage(
      "<p>" + text + '</p><p><a href="' + settings.urls.dashboard + '">Back to the dashboard</a></p>',
      true,
    );
    sent();
  }

  // --- the contents and the buttons -----------------------------------------------------------

  function statusText(scoId) {
    const status = statuses[scoId];
    if (!status) return "not started";
    if (status.success === "passed" || status.success === "failed") {
      const score = typeof status.scoreScaled === "number" ? " " + Math.round(status.scoreScaled * 100) + "%" : "";
      return status.success + score;
    }
    if (status.completion === "completed") return "completed";
    if (status.suspended) return "suspended";
    return status.completion === "not attempted" ? "not started" : "in progress";
  }

  function renderToc(items, list) {
    for (const item of items) {
      const entry = document.createElement("li");
      if (item.launchable) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "toc-item";
        button.dataset.sco = item.id;
        const title = document.createElement("span");
        title.textContent = item.title;
        const state = document.createElement("span");
        state.className = "toc-status";
        state.dataset.statusOf = item.id;
        button.append(title, state);
        button.addEventListener("click", () => navigate("choice", item.id));
        entry.append(button);
      } else {
        const heading = document.createElement("div");
        heading.className = "toc-heading";
        heading.textContent = item.title;
        entry.append(heading);
      }
      if (item.children.length) {
        const children = document.createElement("ol");
        renderToc(item.children, children);
        entry.append(children);
      }
      list.append(entry);
    }
  }

  function renderStatuses() {
    for (const label of tocList.querySelectorAll("[data-status-of]")) {
      label.textContent = statusText(label.dataset.statusOf);
    }
  }

  function hidden(name) {
    const sco = current && scos.get(current.scoId);
    const fromSco = sco ? sco.hideLmsUi : [];
    return fromSco.includes(name) || (validity.hideLmsUi || []).includes(name);
  }

  function updateButtons() {
    // Until the SCO has started (called Initialize) nothing can be done with it: it has no
    // data to suspend, and sequencing would end its attempt as completed (SN UP.4).
    const inCourse = !ended && !(current && !current.started);
    let previous;
    let next;
    if (is2004) {
      previous = validity.previous === true;
      next = validity.continue === true;
    } else {
      const index = position ? order.indexOf(position) : -1;
      previous = index > 0;
      next = index >= 0 && index < order.length - 1;
    }
    buttons.previous.disabled = !inCourse || !previous;
    buttons.continue.disabled = !inCourse || !next;
    buttons.suspendAll.disabled = !inCourse || !current;
    buttons.exitAll.disabled = !inCourse || !current;
    for (const name of Object.keys(buttons)) buttons[name].hidden = hidden(name);
    for (const button of tocList.querySelectorAll("button[data-sco]")) {
      const id = button.dataset.sco;
      const allowed = is2004 ? validity.choice && validity.choice[id] === "true" : true;
      button.disabled = !inCourse || !allowed;
      if (current && current.scoId === id) button.setAttribute("aria-current", "step");
      else button.removeAttribute("aria-current");
    }
  }

  let lastLmsRequest = null;

  function navigate(request, target) {
    lastLmsRequest = request;
    hideMessage();
    if (is2004) sequencedNavigate(request, target);
    else orderedNavigate(request, target);
  }

  for (const name of Object.keys(buttons)) {
    buttons[name].addEventListener("click", () => navigate(name));
  }

  // --- leaving the page -----------------------------------------------------------------------

  let leaving = false;

  // The learner is leaving mid-SCO: keep the place (SCORM 2004 RTE 4.2.9 exit "suspend",
  // SCORM 1.2 RTE 3.4.4 cmi.core.exit) unless the SCO already said how it ends. Done before
  // the page unloads too, since a closing tab may unload the SCO's frame first.
  function keepPlace() {
    if (!running()) return;
    const data = api.renderCMIToJSONObject();
    const exit = is2004 ? data.cmi.exit : data.cmi.core.exit;
    if (exit && exit !== "suspend") return;
    if (is2004) {
      api.SetValue("cmi.exit", "suspend");
      if (navRequestNow() === "_none_") api.SetValue("adl.nav.request", "suspendAll");
    } else {
      api.LMSSetValue("cmi.core.exit", "suspend");
    }
  }

  window.addEventListener("beforeunload", keepPlace);

  window.addEventListener("pagehide", function () {
    leaving = true;
    keepPlace();
    if (running()) {
      replaceFrame();
      terminateForSco();
    }
    for (const entry of queue.read()) beacon(entry);
  });

  window.addEventListener("pageshow", function (event) {
    // Back from the browser's page cache: the SCO was unloaded on the way out.
    if (event.persisted) location.reload();
  });

  window.addEventListener("beforeunload", function (event) {
    if (!queue.durable && queue.read().length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- starting -------------------------------------------------------------------------------

  function apiOptions() {
    const options = Object.assign({}, settings.api, { httpService: transport });
    if (is2004) {
      options.sequencing = sequencingOptions();
      options.sequencingStatePersistence = {
        persistence: {
          saveState: saveSequencingState,
          loadState: () => Promise.resolve(null),
        },
        autoLoadOnInitialize: false,
        autoSaveOn: "navigate",
        compress: false,
      };
    }
    return options;
  }

  function listen() {
    if (is2004) {
      api.on("Initialize", function () {
        started();
        setTimeout(() => running() && api.Commit(""), 0);
      });
      api.on("Terminate", function () {
        // Fired before sequencing runs: whatever it delivers from here on follows this session.
        delivered = false;
        setTimeout(afterSession, 0);
      });
    } else {
      api.on("LMSInitialize", function () {
        started();
        setTimeout(() => running() && api.LMSCommit(""), 0);
      });
      api.on("LMSFinish", () => setTimeout(afterSession, 0));
      api.on("SequenceNext", () => (scoRequest = { request: "continue" }));
      api.on("SequencePrevious", () => (scoRequest = { request: "previous" }));
    }
  }

  async function start() {
    try {
      failure = sessionStorage.getItem(FAILURE_NOTE);
      sessionStorage.removeItem(FAILURE_NOTE);
    } catch (error) {
      failure = null;
    }
    if (queue.read().length) {
      // Progress from an earlier visit is still on this device: it goes to the server before
      // the course opens, so that the course opens from it.
      showStatus("saving", "Sending the progress kept on this device…");
      await sent();
      location.reload();
      return;
    }
    renderToc(settings.toc, tocList);
    renderStatuses();
    if (is2004) {
      api = new window.Scorm2004API(apiOptions());
      window.API_1484_11 = api;
      listen();
      startSequencing();
    } else {
      api = new window.Scorm12API(apiOptions());
      window.API = api;
      listen();
      requestDelivery(settings.firstSco);
    }
    updateButtons();
  }

  start().catch(function (error) {
    showMessage("<p>The course player could not start: " + escapeHtml(String(error)) + "</p>", true);
  });
})();
