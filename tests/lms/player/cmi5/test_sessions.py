"""Sessions that end without terminated are abandoned (cmi5 §9.3.6, §9.5.4.2): on the next
launch of the registration, or by the sweep; AUs are waived (§9.3.7); and moveOn is evaluated
at registration (§9.6.1)."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from lms.db import db
from lms.player.cmi5 import registrations, services
from tests.builders.cmi5 import AUSpec
from tests.lms.player.cmi5.conftest import CMI5, MOVEON, SESSION_ID, statements_of, verbs

ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
REASON = "https://w3id.org/xapi/cmi5/result/extensions/reason"


def _cli(app, *args: str):
    from lms.cli import main

    runner = CliRunner(
        env={
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "LMS_INSTANCE_PATH": app.instance_path,
        }
    )
    return runner.invoke(main, list(args))


def test_a_new_launch_abandons_the_open_session_with_its_duration(app, enrol):
    learner = enrol([AUSpec(), AUSpec(title="Second")])
    first = learner.launch(0).start()
    first.say("initialized")
    learner.launch(1)  # the same registration, another AU (§9.3.6: "the same registration")
    old, new = learner.sessions()
    assert old.abandoned_at is not None and new.abandoned_at is None
    abandoned = next(
        s for s in statements_of(app, learner.registration) if s["verb"]["id"] == ABANDONED
    )
    assert abandoned["context"]["extensions"][SESSION_ID] == old.uuid
    assert abandoned["object"]["id"] == first.params["activityId"]
    assert abandoned["actor"] == first.actor
    assert abandoned["context"]["contextActivities"]["category"] == [
        {"id": CMI5, "objectType": "Activity"}
    ]
    assert abandoned["result"]["duration"].startswith("PT")
    refused = first.send(first.statement("terminated"))
    assert refused.status_code == 403 and "§9.3.6" in refused.get_json()["error"]


def test_a_terminated_session_is_not_abandoned(app, enrol):
    learner = enrol([AUSpec()])
    learner.launch().start().say("initialized", "terminated")
    learner.launch()
    assert "abandoned" not in verbs(statements_of(app, learner.registration))


def test_a_session_is_abandoned_once(app, enrol):
    learner = enrol([AUSpec()])
    learner.launch().start().say("initialized")
    session = learner.sessions()[0]
    assert services.abandon(session) is True
    assert services.abandon(db.session.get(type(session), session.id)) is False
    assert verbs(statements_of(app, learner.registration)).count("abandoned") == 1


def test_the_sweep_abandons_sessions_silent_past_the_limit(app, enrol):
    learner = enrol([AUSpec()])
    learner.launch().start().say("initialized")
    session = learner.sessions()[0]
    session.last_statement_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=5)
    db.session.commit()
    quiet = _cli(app, "cmi5", "abandon-stale", "--idle-minutes", "360")
    assert quiet.exit_code == 0 and "abandoned 0 sessions" in quiet.output
    swept = _cli(app, "cmi5", "abandon-stale")  # four hours by default
    assert swept.exit_code == 0, swept.output
    assert "abandoned 1 session" in swept.output
    assert learner.sessions()[0].abandoned_at is not None
    assert verbs(statements_of(app, learner.registration))[-1] == "abandoned"


def test_an_administrator_waives_an_au_and_its_block_and_course_are_satisfied(app, enrol):
    learner = enrol([AUSpec(move_on="Passed")])
    au_id = registrations.registration_structure(learner.registration).aus[0].id
    result = _cli(
        app, "cmi5", "waive", learner.registration.uuid, au_id, "--reason", "Administrative"
    )
    assert result.exit_code == 0, result.output
    waived, block, course = statements_of(app, learner.registration)
    assert verbs([waived, block, course]) == ["waived", "satisfied", "satisfied"]
    assert waived["result"]["success"] is True and waived["result"]["completion"] is True
    assert waived["result"]["extensions"][REASON] == "Administrative"
    categories = [c["id"] for c in waived["context"]["contextActivities"]["category"]]
    assert categories == [CMI5, MOVEON]
    session_id = waived["context"]["extensions"][SESSION_ID]
    assert course["context"]["extensions"][SESSION_ID] == session_id
    assert block["context"]["extensions"][SESSION_ID] == session_id
    assert learner.sessions() == []  # a session id of its own, no launch session behind it
    node = learner.node(au_id)
    assert node.waived_at and node.waive_reason == "Administrative" and node.satisfied_at
    page = learner.client.get(learner.course_page).get_data(as_text=True)
    assert "waived" in page and "Course satisfied" in page


def test_an_au_is_waived_once_with_a_reason_cmi5_names(app, enrol):
    learner = enrol([AUSpec(move_on="Passed"), AUSpec(title="Other")])
    au_id = registrations.registration_structure(learner.registration).aus[0].id
    registration = learner.registration.uuid
    bad = _cli(app, "cmi5", "waive", registration, au_id, "--reason", "Busy")
    assert bad.exit_code != 0 and "reason: one of Tested Out" in bad.output
    unknown = _cli(app, "cmi5", "waive", registration, "https://x/none", "--reason", "Tested Out")
    assert unknown.exit_code != 0 and "au_id: the course has no AU" in unknown.output
    nobody = _cli(
        app,
        "cmi5",
        "waive",
        "1d2c3b4a-0000-4000-8000-000000000000",
        au_id,
        "--reason",
        "Tested Out",
    )
    assert nobody.exit_code != 0 and "no registration" in nobody.output
    assert _cli(app, "cmi5", "waive", registration, au_id, "--reason", "Tested Out").exit_code == 0
    again = _cli(app, "cmi5", "waive", registration, au_id, "--reason", "Tested Out")
    assert again.exit_code != 0 and "waived already" in again.output
    assert verbs(statements_of(app, learner.registration)) == ["waived"]


def test_a_course_of_not_applicable_aus_is_satisfied_before_any_launch(app, enrol):
    learner = enrol(
        [AUSpec(move_on="NotApplicable"), AUSpec(move_on="NotApplicable", in_block=False)]
    )
    # Registering was enough (§9.6.1): the statements are there before the page is seen.
    block, course = statements_of(app, learner.registration)
    page = learner.client.get(learner.course_page).get_data(as_text=True)
    assert "Course satisfied" in page
    assert verbs([block, course]) == ["satisfied", "satisfied"]
    assert block["context"]["extensions"][SESSION_ID] == course["context"]["extensions"][SESSION_ID]
    learner.client.get(learner.course_page)
    au = learner.launch(0).start()
    assert au.say("initialized", "terminated") == [204, 204]
    assert verbs(statements_of(app, learner.registration)) == [
        "satisfied",
        "satisfied",
        "launched",
        "initialized",
        "terminated",
    ]
