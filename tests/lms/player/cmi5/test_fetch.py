"""The fetch URL (cmi5 §8.2): one auth token per session, for a credential limited to the
learner and the registration; every later call gets the error the spec names."""

from __future__ import annotations

import base64
import threading
from urllib.parse import urlsplit

from lms import unit_of_work
from lms.player.cmi5 import services
from tests.builders.cmi5 import AUSpec
from tests.builders.xapi import statement


def test_the_first_post_returns_the_auth_token_and_the_second_the_spec_error(enrol):
    au = enrol([AUSpec()]).launch()
    first = au.fetch()
    assert first.status_code == 200 and first.mimetype == "application/json"
    token = first.get_json()["auth-token"]
    key, _, secret = base64.b64decode(token).decode().partition(":")
    assert key and secret
    second = au.fetch()
    assert second.status_code == 200  # §8.2.1: an error is answered with 200 too
    assert second.get_json() == {
        "error-code": "1",
        "error-text": "The authorization token has already been returned.",
    }


def test_the_token_opens_the_lrs_for_this_learner_and_registration_only(app, enrol):
    learner = enrol([AUSpec()])
    au = learner.launch().start()
    assert au.xapi("GET", "/statements", query_string={"limit": "1"}).status_code == 200
    someone_else = statement(
        context={"registration": learner.registration.uuid},
        actor={"objectType": "Agent", "account": {"homePage": "https://x", "name": "B1"}},
    )
    assert au.xapi("POST", "/statements", json=someone_else).status_code == 403
    other_registration = au.statement("experienced", defined=False)
    other_registration["context"]["registration"] = "0f6e7d3c-5b1a-4f2e-9d8c-7b6a5f4e3d2c"
    assert au.send(other_registration).status_code == 403
    session = learner.sessions()[-1]
    listed = [
        c for c in app.extensions["lrs"].list_credentials() if c.key == session.credential_key
    ]
    assert listed[0].registration == learner.registration.uuid
    assert listed[0].agent == au.actor
    assert listed[0].expires_at is not None


def test_a_get_is_refused_and_answers_no_token(enrol):
    au = enrol([AUSpec()]).launch()
    response = au.client.get(au.params["fetch"])
    assert response.status_code == 405
    assert "auth-token" in au.fetch().get_json()  # the GET spent nothing


def test_a_fetch_url_the_portal_never_gave_is_404_with_a_security_error(client):
    response = client.post("/cmi5/fetch/not-a-token-we-gave")
    assert response.status_code == 404
    assert response.get_json()["error-code"] == "2"


def test_the_au_on_another_origin_may_call_it(enrol):
    au = enrol([AUSpec()]).launch()
    preflight = au.client.options(au.params["fetch"], headers={"Origin": "https://cdn.example"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert au.fetch().headers["Cache-Control"] == "no-store"


def test_two_calls_at_once_get_one_token(app, enrol):
    au = enrol([AUSpec()]).launch()
    token = urlsplit(au.params["fetch"]).path.rsplit("/", 1)[1]
    answers: list[dict] = []
    start = threading.Barrier(3)

    def fetch() -> None:
        with app.app_context(), unit_of_work.job():  # as the fetch request's unit of work
            start.wait()
            answers.append(services.fetch_auth_token(token))

    threads = [threading.Thread(target=fetch) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum("auth-token" in answer for answer in answers) == 1
    assert sorted(answer.get("error-code", "") for answer in answers) == ["", "1", "1"]


def test_a_session_abandoned_before_its_fetch_hands_out_nothing(enrol):
    learner = enrol([AUSpec()])
    first = learner.launch()
    learner.launch()  # abandons the first session (§9.3.6)
    answer = first.fetch().get_json()
    assert answer["error-code"] == "1" and "auth-token" not in answer
    assert answer["error-text"].startswith("This launch session has ended")
