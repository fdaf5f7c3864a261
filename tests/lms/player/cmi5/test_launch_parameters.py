"""launchParameters (cmi5 §10.2.5): the course structure's are passed on as they are; an AU
without its own gets a source's: a bundled course's feedback, which the AU reads from the LRS
with its launch credential and cannot change."""

from __future__ import annotations

import json

import pytest

from lms.packages import bundled
from tests.builders.cmi5 import AUSpec
from tests.lms.player.cmi5.conftest import statements_of

LAUNCH_PARAMETERS = "https://w3id.org/xapi/cmi5/context/extensions/launchparameters"
FEEDBACK = {
    "version": "POST default 2026-12",
    "questions": {"q01": {"correct": "Right: the danger is weighed.", "incorrect": "Weigh it."}},
}


@pytest.fixture
def feedback_course(tmp_path, monkeypatch):
    """The test course ("Radio Procedure") as a bundled course with feedback."""
    sources = tmp_path / "content_packages"
    (sources / "radio-procedure").mkdir(parents=True)
    (sources / "radio-procedure" / "feedback.json").write_text(json.dumps(FEEDBACK))
    monkeypatch.setattr(bundled, "SOURCES", sources)
    return sources


def _launch_data(au):
    return au.xapi("GET", "/activities/state", query_string=au.state_params()).get_json()


def test_an_au_of_a_course_with_feedback_is_told_where_to_read_it(app, enrol, feedback_course):
    learner = enrol([AUSpec()])
    au = learner.launch().start()
    parameters = json.loads(_launch_data(au)["launchParameters"])
    where = parameters["feedback"]
    assert parameters["policy"] is None
    assert where["activityId"] == (
        f"{app.config['LMS_BASE_URL']}/courses/{learner.registration.course_id}/feedback"
    )
    read = au.xapi("GET", "/activities/profile", query_string=where)
    assert read.status_code == 200
    assert read.get_json() == FEEDBACK

    launched = statements_of(app, learner.registration)[0]
    assert launched["context"]["extensions"][LAUNCH_PARAMETERS] == json.dumps(
        parameters, separators=(",", ":")
    )


def test_the_au_cannot_change_the_feedback_it_reads(app, enrol, feedback_course):
    learner = enrol([AUSpec()])
    au = learner.launch().start()
    where = json.loads(_launch_data(au)["launchParameters"])["feedback"]
    for method in ("PUT", "POST", "DELETE"):
        changed = au.xapi(method, "/activities/profile", query_string=where, json={"q01": {}})
        assert changed.status_code == 403, method
    assert au.xapi("GET", "/activities/profile", query_string=where).get_json() == FEEDBACK


def test_feedback_changed_in_its_file_is_what_the_next_launch_reads(app, enrol, feedback_course):
    learner = enrol([AUSpec()])
    learner.launch().start()
    changed = dict(FEEDBACK, version="POST default 2027-01")
    (feedback_course / "radio-procedure" / "feedback.json").write_text(json.dumps(changed))
    au = learner.launch().start()
    where = json.loads(_launch_data(au)["launchParameters"])["feedback"]
    assert au.xapi("GET", "/activities/profile", query_string=where).get_json() == changed


def test_the_course_structures_own_launch_parameters_are_passed_on_as_they_are(
    app, enrol, feedback_course
):
    own = '{"scenario": "night shift"}'
    learner = enrol([AUSpec(launch_parameters=own)])
    au = learner.launch().start()
    assert _launch_data(au)["launchParameters"] == own
    launched = statements_of(app, learner.registration)[0]
    assert launched["context"]["extensions"][LAUNCH_PARAMETERS] == own


def test_a_course_without_feedback_gets_no_launch_parameters(app, enrol):
    learner = enrol([AUSpec()])
    au = learner.launch().start()
    assert "launchParameters" not in _launch_data(au)
