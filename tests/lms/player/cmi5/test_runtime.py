"""An AU's session through the LRS: what it sends is stored and recorded, what the cmi5 rules
forbid is refused with 403 and changes nothing, LMS.LaunchData and the learner preferences are
the portal's, and meeting moveOn brings the satisfied statements right after."""

from __future__ import annotations

import json
import threading

from tests.builders.cmi5 import AUSpec
from tests.lms.player.cmi5.conftest import CMI5, SESSION_ID, statements_of, verbs

SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
COMPLETED_AU = AUSpec(move_on="Completed")


def test_a_whole_session_is_stored_and_recorded(app, enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch().start()
    assert au.say("initialized") == [204]
    assert au.send(au.statement("experienced", defined=False)).status_code == 204
    assert au.say("completed", "terminated") == [204, 204]

    stored = statements_of(app, learner.registration)
    assert verbs(stored) == [
        "launched",
        "initialized",
        "experienced",
        "completed",
        "satisfied",
        "satisfied",
        "terminated",
    ]
    (session,) = learner.sessions()
    assert session.fetched_at and session.learner_preferences_read_at
    assert session.initialized_at and session.completed_at and session.terminated_at
    assert session.passed_at is None and session.abandoned_at is None
    node = learner.node(session.au_id)
    assert node.completed_at and node.satisfied_at and node.passed_at is None


def test_satisfied_names_the_block_then_the_course_under_the_sessions_id(app, enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch().start()
    au.say("initialized", "completed")
    block, course = statements_of(app, learner.registration)[-2:]
    session = learner.sessions()[-1]
    for satisfied, kind in ((block, "block"), (course, "course")):
        assert satisfied["verb"]["id"] == SATISFIED
        assert satisfied["actor"] == au.actor
        assert satisfied["object"]["definition"]["type"] == (
            f"https://w3id.org/xapi/cmi5/activitytype/{kind}"
        )
        assert satisfied["context"]["extensions"][SESSION_ID] == session.uuid
        assert {"id": CMI5, "objectType": "Activity"} in satisfied["context"]["contextActivities"][
            "category"
        ]
        assert "result" not in satisfied
    block_publisher = block["context"]["contextActivities"]["grouping"][0]["id"]
    course_publisher = course["context"]["contextActivities"]["grouping"][0]["id"]
    assert block_publisher.endswith("/blocks/radio")
    assert block["object"]["id"] != block_publisher  # the LMS's own ids (§9.4)
    assert (
        course["object"]["id"]
        == f"{app.config['LMS_BASE_URL']}/courses/{learner.registration.course_id}"
    )
    assert course["object"]["id"] != course_publisher
    assert learner.node(block_publisher).satisfied_at is not None
    assert learner.node(course_publisher).satisfied_at is not None
    page = learner.client.get(learner.course_page).get_data(as_text=True)
    assert "Course satisfied" in page


def test_a_statement_the_rules_forbid_is_refused_naming_the_rule_and_changes_nothing(app, enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch().start()
    au.say("initialized")
    no_duration = au.statement("completed")
    del no_duration["result"]["duration"]
    refused = au.send(no_duration)
    assert refused.status_code == 403
    assert refused.get_json()["error"].startswith("cmi5 §9.5.4.1: $.result.duration")
    assert verbs(statements_of(app, learner.registration)) == ["launched", "initialized"]
    session = learner.sessions()[-1]
    assert session.completed_at is None and learner.node(session.au_id) is None
    voiding = au.statement("voided", defined=False)
    voiding["object"] = {
        "objectType": "StatementRef",
        "id": statements_of(app, learner.registration)[1]["id"],
    }
    assert au.send(voiding).status_code == 403  # §6.3: no voiding for the AU


def test_a_batch_with_one_forbidden_statement_is_refused_whole(app, enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch().start()
    batch = [au.statement("initialized"), au.statement("initialized")]
    response = au.xapi("POST", "/statements", json=batch)
    assert response.status_code == 403
    assert "initialized was already sent" in response.get_json()["error"]
    assert verbs(statements_of(app, learner.registration)) == ["launched"]


def test_a_retried_statement_is_answered_again_and_stored_once(app, enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch().start()
    initialized = au.statement("initialized")
    assert au.send(initialized).status_code == 204
    assert au.send(initialized).status_code == 204  # the network lost the first answer
    assert verbs(statements_of(app, learner.registration)) == ["launched", "initialized"]


def test_two_completed_racing_in_one_session_store_one(app, enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch().start()
    au.say("initialized")
    statuses: list[int] = []
    start = threading.Barrier(2)

    def send_completed() -> None:
        client = app.test_client()
        statement = au.statement("completed")
        start.wait()
        response = client.put(
            f"{au.params['endpoint']}/statements",
            query_string={"statementId": statement["id"]},
            headers={"X-Experience-API-Version": "1.0.3", **au.headers},
            json=statement,
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send_completed) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [204, 403]
    assert verbs(statements_of(app, learner.registration)).count("completed") == 1
    assert verbs(statements_of(app, learner.registration)).count("satisfied") == 2


def test_the_au_may_not_change_or_delete_launch_data(app, enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch().start()
    params = au.state_params()
    for method in ("PUT", "POST", "DELETE"):
        response = au.xapi(method, "/activities/state", query_string=params, json={"x": 1})
        assert response.status_code == 403, method
        assert "§10.2.1" in response.get_json()["error"]
    every_state = {k: v for k, v in params.items() if k != "stateId"}
    assert au.xapi("DELETE", "/activities/state", query_string=every_state).status_code == 403
    read = au.xapi("GET", "/activities/state", query_string=params).get_json()
    assert read["launchMode"] == "Normal"
    bookmark = au.state_params("bookmark")
    saved = au.xapi("PUT", "/activities/state", query_string=bookmark, json={"page": 4})
    assert saved.status_code == 204  # its own State documents are the AU's


def test_learner_preferences_are_the_portals_and_must_be_read_first(app, enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch().start(preferences=False)
    refused = au.send(au.statement("initialized"))
    assert refused.status_code == 403
    assert refused.get_json()["error"].startswith("cmi5 §11:")
    assert au.read_preferences().status_code == 404  # the portal keeps none yet
    assert au.say("initialized") == [204]
    preferences = {"profileId": "cmi5LearnerPreferences", "agent": json.dumps(au.actor)}
    body = {"languagePreference": "en-US", "audioPreference": "on"}
    written = au.xapi("PUT", "/agents/profile", query_string=preferences, json=body)
    assert written.status_code == 403
    no_agent = au.xapi(
        "PUT", "/agents/profile", query_string={"profileId": "cmi5LearnerPreferences"}, json=body
    )
    assert no_agent.status_code == 400  # xAPI's own answer to a missing agent


def test_an_ended_session_takes_nothing_more_not_even_a_read(app, enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch().start()
    au.say("initialized", "terminated")
    after = au.send(au.statement("experienced", defined=False))
    assert after.status_code == 403
    assert "§9.3.8" in after.get_json()["error"]
    assert au.xapi("GET", "/activities/state", query_string=au.state_params()).status_code == 403


def test_browse_and_review_send_no_judgement(app, enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch(launch_mode="Browse").start()
    assert au.say("initialized", "completed", "terminated") == [204, 403, 204]
    session = learner.sessions()[-1]
    assert learner.node(session.au_id) is None
    assert "satisfied" not in verbs(statements_of(app, learner.registration))


def test_a_registration_takes_one_completed_and_one_passed_across_sessions(app, enrol):
    learner = enrol([AUSpec(move_on="CompletedAndPassed")])
    first = learner.launch().start()
    assert first.say("initialized", "completed", "terminated") == [204, 204, 204]
    second = learner.launch().start()
    assert second.params["activityId"] == first.params["activityId"]
    assert second.say("initialized", "completed") == [204, 403]
    assert second.say("failed") == [204]
    third = learner.launch().start()  # abandons the second, which never terminated
    assert third.say("initialized", "passed", "terminated") == [204, 204, 204]
    fourth = learner.launch().start()
    assert fourth.say("initialized", "passed", "failed") == [204, 403, 403]
    assert verbs(statements_of(app, learner.registration)).count("satisfied") == 2


def test_activity_profile_changes_only_for_the_launched_activity(enrol):
    learner = enrol([COMPLETED_AU])
    au = learner.launch().start()
    own = {"activityId": au.params["activityId"], "profileId": "notes"}
    other = {"activityId": "https://lms.test/courses/99", "profileId": "notes"}
    create = {"If-None-Match": "*"}
    for params, status in ((own, 204), (other, 403)):
        response = au.xapi(
            "PUT", "/activities/profile", query_string=params, json={}, headers=create
        )
        assert response.status_code == status, params
