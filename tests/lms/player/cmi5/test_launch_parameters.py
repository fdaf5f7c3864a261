"""launchParameters (cmi5 §10.2.5): the course structure's are passed on as they are; an AU
without its own gets a source's, if any (an agency's customization: tests/lms/customization/)."""

from __future__ import annotations

from tests.builders.cmi5 import AUSpec
from tests.lms.player.cmi5.conftest import statements_of

LAUNCH_PARAMETERS = "https://w3id.org/xapi/cmi5/context/extensions/launchparameters"


def _launch_data(au):
    return au.xapi("GET", "/activities/state", query_string=au.state_params()).get_json()


def test_the_course_structures_own_launch_parameters_are_passed_on_as_they_are(app, enrol):
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
