"""A refused runtime request answers the SCORM edition's own error code for the rule broken
(lms.player.scorm.error_codes), which scorm-again gives the SCO's GetLastError; the mapping
for both editions, and what the commit endpoint answers."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from lms import unit_of_work
from lms.catalog import services as catalog
from lms.player.interfaces import LaunchRefused
from lms.player.scorm import error_codes
from lms.player.scorm.interfaces import (
    BadCommit,
    BadLaunchToken,
    Rule,
    SessionNotOpened,
    SessionTerminated,
    Superseded,
)
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.lms.player.scorm.conftest import commit_12, commit_2004, player_settings

# The editions' tables as scorm-again keeps them (scorm12_errors, scorm2004_errors).
EXPECTED = {
    "scorm12": {
        Rule.GENERAL: 101,
        Rule.TYPE_MISMATCH: 405,
        Rule.OUT_OF_RANGE: 405,
        Rule.READ_ONLY: 403,
        Rule.NOT_INITIALIZED: 301,
        Rule.AFTER_TERMINATION: 101,
    },
    "scorm2004": {
        Rule.GENERAL: 391,
        Rule.TYPE_MISMATCH: 406,
        Rule.OUT_OF_RANGE: 407,
        Rule.READ_ONLY: 404,
        Rule.NOT_INITIALIZED: 142,
        Rule.AFTER_TERMINATION: 143,
    },
}


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
@pytest.mark.parametrize("rule", list(Rule))
def test_each_rule_has_its_editions_code(standard, rule):
    error = BadCommit("refused", "cmi", rule)
    assert error_codes.error_code(standard, error) == EXPECTED[standard][rule]


@pytest.mark.parametrize(
    ("error", "code_12", "code_2004"),
    [
        (SessionTerminated("ended", "session"), 101, 143),
        (SessionNotOpened("never opened", "session"), 301, 142),
        (Superseded("older window", "session"), 101, 391),
        (BadLaunchToken("forged", "token"), 101, 391),
        (LaunchRefused("dropped"), 101, 391),
        (BadCommit("not JSON", "body"), 101, 391),
    ],
)
def test_each_refusal_names_its_rule(error, code_12, code_2004):
    assert error_codes.error_code("scorm12", error) == code_12
    assert error_codes.error_code("scorm2004", error) == code_2004


def test_a_refusal_before_the_edition_is_known_is_the_general_exception():
    assert error_codes.error_code(None, BadLaunchToken("forged", "token")) == 101


def _session(client: FlaskClient, registration_id: int, sco_id: str) -> dict:
    settings = player_settings(client, registration_id)
    response = client.post(settings["urls"]["session"].replace("SCO_ID", sco_id), data="{}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _refusal(client: FlaskClient, url: str, body: str) -> tuple[int, dict]:
    response = client.post(url, data=body, content_type="text/plain")
    response.close()
    assert response.get_json()["result"] is False
    return response.status_code, response.get_json()


def _with_session(url: str, number: int) -> str:
    return url.replace("session=1", f"session={number}")


def test_a_scorm12_commit_is_refused_with_the_12_code_of_the_rule(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    session = _session(client, learner12.registration.id, "CHECK")
    url = session["commitUrl"]
    status, body = _refusal(client, url, commit_12(1, lesson_status="finished"))
    assert (status, body["errorCode"], body["field"]) == (400, 405, "cmi.core.lesson_status")
    status, body = _refusal(client, url, commit_12(1, suspend_data="x" * 4097))
    assert (status, body["errorCode"], body["field"]) == (400, 405, "cmi.suspend_data")
    status, body = _refusal(client, url, "[]")
    assert (status, body["errorCode"]) == (400, 101)
    status, body = _refusal(client, _with_session(url, 7), commit_12(1))
    assert (status, body["errorCode"]) == (404, 301)
    client.post(url, data=commit_12(1, terminate=True)).close()
    status, body = _refusal(client, url, commit_12(2))
    assert (status, body["errorCode"]) == (409, 101)


def test_a_scorm2004_commit_is_refused_with_the_2004_code_of_the_rule(client, learner2004):
    sign_in(client, "sam@example.org", PASSWORD)
    session = _session(client, learner2004.registration.id, "INTRO")
    url = session["commitUrl"]
    status, body = _refusal(client, url, commit_2004(1, completion_status="done"))
    assert (status, body["errorCode"], body["field"]) == (400, 406, "cmi.completion_status")
    status, body = _refusal(client, url, commit_2004(1, scaled=1.5))
    assert (status, body["errorCode"], body["field"]) == (400, 407, "cmi.score.scaled")
    status, body = _refusal(client, url, json.dumps({"cmi": {}, "commitSequence": 0}))
    assert (status, body["errorCode"]) == (400, 391)
    status, body = _refusal(client, _with_session(url, 7), commit_2004(1))
    assert (status, body["errorCode"]) == (404, 142)
    client.post(url, data=commit_2004(1, terminate=True)).close()
    status, body = _refusal(client, url, commit_2004(2))
    assert (status, body["errorCode"]) == (409, 143)


def test_a_commit_to_a_dropped_course_is_the_editions_general_failure(client, learner2004):
    sign_in(client, "sam@example.org", PASSWORD)
    session = _session(client, learner2004.registration.id, "INTRO")
    with unit_of_work.job():
        catalog.drop(learner2004.person, learner2004.registration.id)
    status, body = _refusal(client, session["commitUrl"], commit_2004(1))
    assert (status, body["errorCode"]) == (403, 391)
    assert body["message"].startswith("You dropped")


def test_a_forged_token_is_the_general_exception(client, learner2004):
    sign_in(client, "sam@example.org", PASSWORD)
    session = _session(client, learner2004.registration.id, "INTRO")
    forged = session["commitUrl"].replace("token=", "token=x")
    status, body = _refusal(client, forged, commit_2004(1))
    assert (status, body["errorCode"]) == (403, 101)
