/* Tin Can tracking for the bundled Tin Can courses, with @xapi/xapi (vendor/XAPI.umd.js,
 * the global XAPI); the shared kit gives it to every package as shared/tincan.js.
 *
 * The portal launches the course as Rustici's launch guidelines say: the page's query string
 * holds endpoint, auth (the whole "Basic ..." value), actor, registration and activity_id.
 * Tracking.connect() reads them and returns a tracker that
 *   send(verb, object, result)  sends one statement (the actor, the registration, and the
 *                               course as parent when the object is one of its parts)
 *   bookmark() / saveBookmark(document)
 *                               reads and writes the State document "bookmark" of the course
 *                               activity, this actor and this registration
 *   part(path, name, type)      one of the course's own activities (activity_id + "/" + path,
 *                               as tincan.xml declares them)
 *   within(href)                a link to another page of the package that keeps the launch
 *                               (firstPageOfLaunch is false there)
 * Opened outside the portal (no launch parameters) the tracker records nothing and says so.
 */
(function () {
  "use strict";

  const ADL = "http://adlnet.gov/expapi/verbs/";
  const VERBS = {};
  ["attempted", "resumed", "experienced", "answered", "completed", "suspended", "terminated", "exited"]
    .forEach((name) => { VERBS[name] = { id: ADL + name, display: { "en-US": name } }; });
  const BOOKMARK = "bookmark";
  const WITHIN = "within-launch";

  function launchParameters() {
    if (typeof XAPI === "undefined") return null;
    let data;
    try {
      data = XAPI.getTinCanLaunchData();
    } catch (error) {
      return null;
    }
    if (!data.endpoint || !data.auth || !data.actor || !data.activity_id) return null;
    return data;
  }

  function offline() {
    return {
      tracked: false,
      firstPageOfLaunch: true,
      within: (href) => href,
      part: (path, name, type) => ({ objectType: "Activity", id: path, definition: { name: { "en-US": name }, type } }),
      course: () => ({ objectType: "Activity", id: "course" }),
      send: () => Promise.resolve(),
      bookmark: () => Promise.resolve(null),
      saveBookmark: () => Promise.resolve(),
      duration: () => "PT0S",
    };
  }

  function connect(courseName, courseType) {
    const data = launchParameters();
    if (!data) return offline();
    const xapi = new XAPI({ endpoint: String(data.endpoint), auth: String(data.auth) });
    const actor = data.actor;
    const registration = data.registration ? String(data.registration) : undefined;
    const courseId = String(data.activity_id);
    const started = new Date();

    // The first page of this launch, or a page the learner came back to inside it (a
    // document and back): pages passed on inside a launch add WITHIN to its query string.
    // (Not sessionStorage: a browser may refuse storage to a course framed by the portal.)
    const firstPageOfLaunch = !new URLSearchParams(window.location.search).has(WITHIN);

    function activity(id, name, type, more) {
      const definition = Object.assign({ name: { "en-US": name }, type }, more || {});
      return { objectType: "Activity", id, definition };
    }

    function statement(verb, object, result) {
      const context = { language: "en-US" };
      if (registration) context.registration = registration;
      if (object.id !== courseId) {
        context.contextActivities = { parent: [{ objectType: "Activity", id: courseId }] };
      }
      const sent = { actor, verb: VERBS[verb], object, context, timestamp: new Date().toISOString() };
      if (result) sent.result = result;
      return sent;
    }

    // Bookmark writes go one after the other, so the last one sent is the one kept.
    let saving = Promise.resolve();

    return {
      tracked: true,
      firstPageOfLaunch,
      // `href` (a page of this package) with this launch's parameters, inside the launch.
      within(href) {
        const query = new URLSearchParams(window.location.search);
        query.set(WITHIN, "1");
        return `${href}?${query.toString()}`;
      },
      part: (path, name, type, more) => activity(`${courseId}/${path}`, name, type, more),
      course: () => activity(courseId, courseName, courseType),
      send(verb, object, result) {
        return xapi.sendStatement({ statement: statement(verb, object, result) });
      },
      async bookmark() {
        try {
          const response = await xapi.getState({
            agent: actor, activityId: courseId, stateId: BOOKMARK, registration,
          });
          const found = typeof response.data === "string" ? JSON.parse(response.data) : response.data;
          return found && typeof found === "object" ? found : null;
        } catch (error) {
          if (error && error.response && error.response.status === 404) return null;
          throw error;
        }
      },
      saveBookmark(document) {
        saving = saving.catch(() => undefined).then(() => xapi.setState({
          agent: actor, activityId: courseId, stateId: BOOKMARK, registration, state: document,
        }));
        return saving;
      },
      duration: () => XAPI.calculateISO8601Duration(started, new Date()),
    };
  }

  window.Tracking = { connect };
})();
