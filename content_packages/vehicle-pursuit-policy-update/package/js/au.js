/* Vehicle Pursuit Policy Update: what both AUs share, on @xapi/cmi5 (vendor/Cmi5.umd.js).
 *
 * PursuitAU.start() initializes the cmi5 session (the fetch URL, LMS.LaunchData, the learner
 * preferences, "initialized") and returns an object with
 *   normal               true in Normal launch mode: only then is anything judged (cmi5 §10.2.2)
 *   state(id) / save(id, doc)   the AU's own State documents for this registration
 *   parameters           the launchParameters the portal gave (JSON), or {}
 *   finish()             terminated, then back to the portal (LMS.LaunchData returnURL)
 * Opened outside a cmi5 launch it says so on the page and records nothing.
 */
(function () {
  "use strict";

  function notConnected(error) {
    const box = document.getElementById("no-lms");
    if (box) {
      box.hidden = false;
      if (error) box.append(" (" + String(error.message || error) + ")");
    }
  }

  async function start() {
    if (typeof Cmi5 === "undefined" || !Cmi5.isCmiAvailable) {
      notConnected();
      return null;
    }
    const cmi5 = new Cmi5();
    try {
      await cmi5.initialize();
    } catch (error) {
      notConnected(error);
      return null;
    }
    const launch = cmi5.getLaunchParameters();
    const data = cmi5.getLaunchData();
    let parameters = {};
    try {
      parameters = data.launchParameters ? JSON.parse(data.launchParameters) : {};
    } catch (error) {
      parameters = {};
    }
    const where = (stateId) => ({
      agent: launch.actor,
      activityId: launch.activityId,
      registration: launch.registration,
      stateId,
    });
    let finishing = false;
    return {
      cmi5,
      launch,
      data,
      parameters,
      normal: data.launchMode === "Normal",
      async state(stateId) {
        try {
          const found = await cmi5.xapi.getState(where(stateId));
          return found.data && typeof found.data === "object" ? found.data : {};
        } catch (error) {
          if (error.response && error.response.status === 404) return {};
          throw error;
        }
      },
      async save(stateId, document) {
        await cmi5.xapi.setState(Object.assign(where(stateId), { state: document }));
      },
      async finish() {
        if (finishing) return;
        finishing = true;
        try {
          await cmi5.terminate();
        } finally {
          if (data.returnURL) window.location.href = data.returnURL;
        }
      },
    };
  }

  window.PursuitAU = { start };
})();
