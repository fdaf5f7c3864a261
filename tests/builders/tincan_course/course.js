// A Tin Can course for the tests, in plain JS: it reads the launch parameters of the Tin Can
// launch guidelines (endpoint, auth, actor, registration, activity_id) as TinCanJS does,
// sends attempted, completed and passed about its activity, keeps a bookmark in State, and
// writes what happened into #log.
(function () {
  "use strict";

  const VERBS = "http://adlnet.gov/expapi/verbs/";
  const params = new URLSearchParams(window.location.search);
  let endpoint = params.get("endpoint");
  if (endpoint.slice(-1) !== "/") {
    endpoint += "/";  // as TinCanJS does
  }
  const headers = {
    "X-Experience-API-Version": "1.0.3",
    "Authorization": params.get("auth"),  // TinCanJS sends it verbatim
    "Content-Type": "application/json"
  };
  const actor = JSON.parse(params.get("actor"));
  const registration = params.get("registration");
  const activityId = params.get("activity_id");

  function log(line) {
    document.getElementById("log").textContent += line + "\n";
  }

  function statement(verb, result) {
    const st = {
      actor: actor,
      verb: {id: VERBS + verb, display: {"en-US": verb}},
      object: {id: activityId, objectType: "Activity"},
      context: {registration: registration},
      timestamp: new Date().toISOString()
    };
    if (result) {
      st.result = result;
    }
    return st;
  }

  async function run() {
    const sent = await fetch(endpoint + "statements", {
      method: "POST",
      headers: headers,
      body: JSON.stringify([
        statement("attempted"),
        statement("completed", {completion: true}),
        statement("passed", {success: true, score: {scaled: 0.8}})
      ])
    });
    log("statements " + sent.status);
    const bookmark = await fetch(endpoint + "activities/state?" + new URLSearchParams({
      stateId: "bookmark", activityId: activityId, agent: JSON.stringify(actor),
      registration: registration
    }), {method: "PUT", headers: headers, body: JSON.stringify({page: 3})});
    log("bookmark " + bookmark.status);
    const other = await fetch(endpoint + "statements", {
      method: "POST",
      headers: headers,
      body: JSON.stringify(Object.assign(statement("completed"), {
        context: {registration: "6f2a3c1e-8c7b-4d2a-9e1f-0a1b2c3d4e5f"}
      }))
    });
    log("other registration " + other.status);
    log("done");
  }

  // "Save & Exit", as authoring tools publish it: a suspended statement, an attempt to close
  // the window (which a browser refuses to a page it did not open), then a goodbye page.
  async function saveAndExit() {
    const sent = await fetch(endpoint + "statements", {
      method: "POST",
      headers: headers,
      body: JSON.stringify(statement("suspended"))
    });
    log("suspended " + sent.status);
    window.top.close();
    document.body.innerHTML = "<p>You may now close this window.</p>";
  }

  document.getElementById("save-and-exit").addEventListener("click", () => {
    saveAndExit().catch((error) => log("error " + error));
  });
  run().catch((error) => log("error " + error));
})();
