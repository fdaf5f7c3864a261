"""The player page and its runtime endpoints: only the registration's owner, only while they
may launch it, bad input refused by name with nothing changed, beacons' text/plain taken."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask.testing import FlaskClient
from sqlalchemy import select

from lms import unit_of_work
from lms.catalog import services as catalog
from lms.db import db
from lms.player import records
from lms.player.scorm import services, tokens
from lms.player.scorm.models import PendingStatement, ScoAttempt
from lrs.ops.query import StatementQuery
from tests.conftest import CONTENT_BASE_URL, sign_in
from tests.factories import PASSWORD, make_officer
from tests.lms.player.scorm.conftest import commit_12, player_page, player_settings

SETTINGS = re.compile(r'<script type="application/json" id="scorm-settings">(.*?)</script>', re.S)


def _player(client: FlaskClient, registration_id: int) -> dict:
    return player_settings(client, registration_id)


def _open(client: FlaskClient, settings: dict, sco_id: str) -> dict:
    response = client.post(settings["urls"]["session"].replace("SCO_ID", sco_id), data="{}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_player_page_gives_scorm_again_what_the_manifest_says(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    settings = _player(client, learner12.registration.id)
    assert settings["standard"] == "scorm12" and settings["firstSco"] == "CHECK"
    assert settings["api"]["mastery_override"] is True
    [sco] = settings["scos"]
    version_id = learner12.registration.package_version_id
    assert sco["url"].startswith(f"{CONTENT_BASE_URL}/content/")
    assert sco["url"].endswith(f"/{version_id}/index.html")
    assert settings["toc"][0]["title"] == "Knowledge check"


def test_the_player_page_is_on_the_content_origin_without_anything_of_the_portal(
    app, client, learner12
):
    sign_in(client, "pat@example.org", PASSWORD)
    page = player_page(client, learner12.registration.id)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert "csrf" not in text.lower() and "Sign out" not in text
    portal = app.config["LMS_BASE_URL"]
    assert f'href="{portal}/dashboard"' in text
    assert f'href="{portal}/registrations/{learner12.registration.id}/scorm/attempts"' in text
    # Its scripts come from its own origin (the page's host).
    assert '<script src="/static/js/scorm_player.js">' in text


def test_a_player_ticket_opens_one_launch_once(app, client, learner12, monkeypatch):
    sign_in(client, "pat@example.org", PASSWORD)
    registration_id = learner12.registration.id
    launchable = learner12.launchable()
    door = client.get(f"/registrations/{registration_id}/scorm")
    assert door.status_code == 303
    ticket_url = door.headers["Location"]
    assert services.next_launch(launchable) == 1  # the portal's door opens nothing
    assert client.get(ticket_url).status_code == 200
    assert services.next_launch(launchable) == 2
    # The page reloaded: the ticket is used; the portal makes a new one.
    again = client.get(ticket_url)
    portal_door = f"{app.config['LMS_BASE_URL']}/registrations/{registration_id}/scorm"
    assert again.status_code == 303 and again.headers["Location"] == portal_door
    assert services.next_launch(launchable) == 2
    forged = _with(ticket_url, ticket=dict(parse_qsl(urlsplit(ticket_url).query))["ticket"] + "x")
    assert client.get(forged).status_code == 404
    on_the_portal = urlsplit(ticket_url)._replace(scheme="", netloc="").geturl()
    assert client.get(on_the_portal).status_code == 404
    fresh = client.get(f"/registrations/{registration_id}/scorm").headers["Location"]
    monkeypatch.setattr(tokens, "TICKET_MAX_AGE", dt.timedelta(seconds=-1))
    late = client.get(fresh)
    assert late.status_code == 303 and late.headers["Location"] == portal_door


def test_the_launch_page_sends_a_scorm_course_to_its_player(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    response = client.get(f"/registrations/{learner12.registration.id}/launch")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/registrations/{learner12.registration.id}/scorm"
    )


def test_a_commit_sent_as_text_plain_by_sendbeacon_is_saved(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    session = _open(client, _player(client, learner12.registration.id), "CHECK")
    assert session["entry"] == "ab-initio"
    response = client.post(
        session["commitUrl"],
        data=commit_12(1, terminate=True, lesson_location="q-2", exit="suspend"),
        content_type="text/plain;charset=UTF-8",
    )
    assert response.status_code == 200
    assert response.get_json()["result"] is True and response.get_json()["errorCode"] == 0
    attempt = db.session.get(ScoAttempt, session["attemptId"])
    assert attempt.suspended and json.loads(attempt.cmi)["cmi"]["core"]["lesson_location"] == "q-2"


def test_the_statements_of_a_commit_reach_the_lrs_once_it_is_answered(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    session = _open(client, _player(client, learner12.registration.id), "CHECK")
    response = client.post(session["commitUrl"], data=commit_12(1, lesson_status="completed"))
    assert not records.store().newest_seq()  # not before the answer has gone out
    response.close()  # what the server does once it has sent the answer
    page = records.store().query(
        StatementQuery(registration=learner12.registration.uuid, ascending=True)
    )
    verbs = [statement["verb"]["id"].rsplit("/", 1)[1] for statement in page.statements]
    assert verbs == ["initialized", "completed", "completed"]  # the SCO, then the course
    assert not db.session.scalars(select(PendingStatement)).all()


def test_a_bad_commit_is_refused_by_field_and_changes_nothing(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    session = _open(client, _player(client, learner12.registration.id), "CHECK")
    client.post(session["commitUrl"], data=commit_12(1, lesson_location="kept"))
    bad = client.post(
        session["commitUrl"],
        data=commit_12(2, lesson_location="lost", lesson_status="finished"),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.get_json()["field"] == "cmi.core.lesson_status"
    assert "finished" in bad.get_json()["message"]
    db.session.expire_all()
    attempt = db.session.get(ScoAttempt, session["attemptId"])
    assert json.loads(attempt.cmi)["cmi"]["core"]["lesson_location"] == "kept"
    assert attempt.commit_sequence == 1
    for body in ("", "{", "[]", "\x00"):
        response = client.post(session["commitUrl"], data=body)
        assert response.status_code == 400 and response.get_json()["field"] == "body"


def test_runtime_urls_need_their_launch_token_and_answer_on_the_content_host_only(
    app, client, learner12
):
    sign_in(client, "pat@example.org", PASSWORD)
    session = _open(client, _player(client, learner12.registration.id), "CHECK")
    missing = client.post(_with(session["commitUrl"], token=""), data=commit_12(1))
    assert missing.status_code == 403 and missing.get_json()["field"] == "token"
    token = dict(parse_qsl(urlsplit(session["commitUrl"]).query))["token"]
    forged = client.post(_with(session["commitUrl"], token=token + "x"), data=commit_12(1))
    assert forged.status_code == 403
    other = make_officer(email="other@example.org")
    theirs = tokens.launch_token(other, learner12.registration.id, 1)
    assert (
        client.post(_with(session["commitUrl"], token=theirs), data=commit_12(1)).status_code == 404
    )
    portal = urlsplit(session["commitUrl"])._replace(scheme="", netloc="").geturl()
    assert client.post(portal, data=commit_12(1)).status_code == 404  # the portal's host
    db.session.expire_all()
    assert db.session.get(ScoAttempt, session["attemptId"]).commit_sequence == 0
    # The token alone authorises: a browser with no cookie at all (the content origin never
    # has one) saves.
    assert app.test_client().post(session["commitUrl"], data=commit_12(1)).status_code == 200


def test_another_persons_registration_is_404(client, learner12):
    make_officer(email="other@example.org")
    sign_in(client, "other@example.org", PASSWORD)
    registration_id = learner12.registration.id
    assert client.get(f"/registrations/{registration_id}/scorm").status_code == 404
    assert client.get(f"/registrations/{registration_id}/scorm/attempts").status_code == 404


def test_a_dropped_course_neither_opens_nor_takes_commits_and_says_why(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    session = _open(client, _player(client, learner12.registration.id), "CHECK")
    door = client.get(f"/registrations/{learner12.registration.id}/scorm")
    with unit_of_work.job():
        catalog.drop(learner12.person, learner12.registration.id)
    page = client.get(f"/registrations/{learner12.registration.id}/scorm")
    assert page.status_code == 403
    assert "You dropped Use of Force Refresher" in page.get_data(as_text=True)
    # A ticket the portal gave before the drop opens nothing either.
    late = client.get(door.headers["Location"])
    assert late.status_code == 403
    assert "You dropped Use of Force Refresher" in late.get_data(as_text=True)
    refused = client.post(session["commitUrl"], data=commit_12(1))
    assert refused.status_code == 403
    assert refused.get_json()["message"].startswith("You dropped")


def _with(url: str, **arguments: str) -> str:
    """The URL with some of its query arguments changed."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(arguments)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_a_commit_to_an_unknown_sco_or_attempt_is_404_and_a_bad_url_400(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    settings = _player(client, learner12.registration.id)
    response = client.post(settings["urls"]["session"].replace("SCO_ID", "NOPE"), data="{}")
    assert response.status_code == 404 and response.get_json()["field"] == "sco_id"
    session = _open(client, settings, "CHECK")
    wrong = _with(session["commitUrl"], attempt="999999")
    assert client.post(wrong, data=commit_12(1)).status_code == 404
    for name, value in (("attempt", "x"), ("session", "-1"), ("session", "")):
        response = client.post(_with(session["commitUrl"], **{name: value}), data=commit_12(1))
        assert response.status_code == 400 and response.get_json()["field"] == name


def test_the_sequencing_state_of_a_scorm12_course_is_404(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    settings = _player(client, learner12.registration.id)
    response = client.post(settings["urls"]["sequencing"], data='{"sequence": 1, "state": "{}"}')
    assert response.status_code == 404


def test_a_bad_sequencing_save_is_refused_by_field(client, learner2004):
    sign_in(client, "sam@example.org", PASSWORD)
    settings = _player(client, learner2004.registration.id)
    assert settings["activityTree"]["id"] == "ORG"
    url = settings["urls"]["sequencing"]
    for body, field in (
        ('{"sequence": 0, "state": "{}"}', "sequence"),
        ('{"sequence": 1, "state": "not json"}', "state"),
        ('{"sequence": 1, "state": "{}", "course": {"completion": "done"}}', "course.completion"),
    ):
        response = client.post(url, data=body)
        assert response.status_code == 400 and response.get_json()["field"] == field
    ok = client.post(url, data='{"sequence": 1, "state": "{}"}', content_type="text/plain")
    assert ok.status_code == 200 and ok.get_json()["applied"] is True


def test_the_attempt_history_page_lists_the_learners_attempts(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    session = _open(client, _player(client, learner12.registration.id), "CHECK")
    client.post(
        session["commitUrl"],
        data=commit_12(1, terminate=True, lesson_status="completed", raw="95"),
    )
    page = client.get(f"/registrations/{learner12.registration.id}/scorm/attempts")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Knowledge check" in text and "passed" in text and "95%" in text and "finished" in text
