"""The Tin Can launch (https://github.com/RusticiSoftware/launch/blob/master/lms_lrs.md):
the course page, the launch URL with endpoint, auth, actor, registration and activity_id, a
credential for this learner and this registration only, and the session's record of what the
course sent."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from lms import unit_of_work
from lms.catalog import services as catalog
from lms.catalog.models import Course
from lms.db import db
from lms.packages.services import import_package
from lms.player.models import LaunchSession, NodeStatus
from lms.player.tincan.services import launch_path
from tests.builders.tincan import tincan_zip
from tests.conftest import CONTENT_BASE_URL, csrf_token, sign_in
from tests.factories import PASSWORD, make_officer, make_registration

ACTIVITY = "https://lms.example.org/tincan/radio-procedure"
FRAME_SRC = re.compile(r'<iframe id="tincan-frame"[^>]*src="([^"]+)"')


@pytest.fixture
def learner(app, client, tmp_path):
    result = import_package(tincan_zip(tmp_path), app.extensions["content_store"], tmp_path / "w")
    course = db.session.get(Course, result.course_id)
    course.published = True
    db.session.commit()
    officer = make_officer(email="pat@example.org")
    registration = make_registration(officer, course)
    sign_in(client, "pat@example.org", PASSWORD)
    return officer, registration


def _launch(client, registration):
    page = f"/tincan/registrations/{registration.id}"
    response = client.post(f"{page}/launch", data={"csrf_token": csrf_token(client, page)})
    assert response.status_code == 200, response.get_data(as_text=True)
    url = html.unescape(FRAME_SRC.search(response.get_data(as_text=True)).group(1))
    return url, {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def _xapi(client, params, method, path, **kwargs):
    headers = {"Authorization": params["auth"], "X-Experience-API-Version": "1.0.3"}
    return client.open(f"{params['endpoint']}{path}", method=method, headers=headers, **kwargs)


def test_the_launch_url_carries_the_tin_can_parameters(app, client, learner):
    officer, registration = learner
    url, params = _launch(client, registration)
    assert url.startswith(f"{CONTENT_BASE_URL}/content/")
    assert f"/{registration.package_version_id}/index.html?" in url
    assert params["endpoint"] == "http://lms.test/xapi/"
    assert params["auth"].startswith("Basic ")
    assert json.loads(params["actor"]) == {
        "objectType": "Agent",
        "account": {"homePage": app.config["LMS_BASE_URL"], "name": officer.post_id},
    }
    assert params["registration"] == registration.uuid
    assert params["activity_id"] == ACTIVITY


def test_the_course_sends_statements_and_the_session_records_them(app, client, learner):
    _, registration = learner
    _, params = _launch(client, registration)
    actor = json.loads(params["actor"])
    statements = [
        {
            "actor": actor,
            "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
            "object": {"id": ACTIVITY},
            "context": {"registration": registration.uuid},
            **({"result": result} if result else {}),
        }
        for verb, result in (
            ("attempted", None),
            ("completed", None),
            ("passed", {"success": True}),
        )
    ]
    response = _xapi(client, params, "POST", "statements", json=statements)
    assert response.status_code == 200
    (session,) = db.session.query(LaunchSession).filter_by(registration_id=registration.id)
    db.session.refresh(session)
    assert session.standard == "tincan" and session.launched_at and session.last_statement_at
    assert session.completed_at and session.passed_at and session.failed_at is None
    status = db.session.query(NodeStatus).filter_by(node_id=ACTIVITY).one()
    assert status.kind == "activity" and status.completed_at and status.passed_at
    page = client.get(f"/tincan/registrations/{registration.id}").get_data(as_text=True)
    assert ">passed<" in page


def test_the_credential_reaches_this_learner_and_registration_only(client, learner):
    _, registration = learner
    _, params = _launch(client, registration)
    actor = json.loads(params["actor"])
    other_registration = {
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": ACTIVITY},
        "context": {"registration": "6f2a3c1e-8c7b-4d2a-9e1f-0a1b2c3d4e5f"},
    }
    assert _xapi(client, params, "POST", "statements", json=other_registration).status_code == 403
    someone = {**other_registration, "actor": {"mbox": "mailto:someone@example.org"}}
    someone["context"] = {"registration": registration.uuid}
    assert _xapi(client, params, "POST", "statements", json=someone).status_code == 403
    bookmark = {
        "stateId": "bookmark",
        "activityId": ACTIVITY,
        "agent": params["actor"],
        "registration": registration.uuid,
    }
    saved = _xapi(client, params, "PUT", "activities/state", query_string=bookmark, json={"p": 3})
    assert saved.status_code == 204


def test_every_launch_gets_a_session_and_credential_of_its_own(client, learner):
    _, registration = learner
    first, second = _launch(client, registration)[1], _launch(client, registration)[1]
    assert first["auth"] != second["auth"]
    assert db.session.query(LaunchSession).filter_by(registration_id=registration.id).count() == 2


def test_a_dropped_registration_does_not_launch_and_the_page_says_why(client, learner):
    officer, registration = learner
    token = csrf_token(client, f"/tincan/registrations/{registration.id}")
    with unit_of_work.job():
        catalog.drop(officer, registration.id)
    page = client.get(f"/tincan/registrations/{registration.id}")
    assert page.status_code == 403 and "You dropped Radio Procedure" in page.get_data(as_text=True)
    launch = client.post(
        f"/tincan/registrations/{registration.id}/launch", data={"csrf_token": token}
    )
    assert launch.status_code == 403
    assert db.session.query(LaunchSession).count() == 0


def test_another_persons_registration_is_404(app, learner):
    _, registration = learner
    make_officer(email="other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org", PASSWORD)
    assert other.get(f"/tincan/registrations/{registration.id}").status_code == 404
    token = csrf_token(other, "/dashboard")
    response = other.post(
        f"/tincan/registrations/{registration.id}/launch", data={"csrf_token": token}
    )
    assert response.status_code == 404


def test_the_launch_door_sends_a_tin_can_course_to_its_page(client, learner):
    _, registration = learner
    response = client.get(f"/registrations/{registration.id}/launch")
    assert response.headers["Location"].endswith(f"/tincan/registrations/{registration.id}")


@pytest.mark.parametrize(
    ("languages", "path"),
    [(["fr-CA", "en"], "fr/story.html"), (["fr"], "fr/story.html"), (["de"], "story.html")],
)
def test_the_launch_is_in_the_learners_language_when_the_package_has_it(languages, path):
    activity = {"launch": {"en-US": "story.html", "fr-CA": "fr/story.html"}}
    assert launch_path(activity, languages) == path


STATUS_URL = re.compile(r'data-status-url="([^"]+)"')


def _status(client, launched_page: str):
    url = html.unescape(STATUS_URL.search(launched_page).group(1))
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


@pytest.mark.parametrize("verb", ["suspended", "exited", "terminated"])
def test_a_course_that_says_the_learner_left_ends_its_launch(client, learner, verb):
    _, registration = learner
    page = f"/tincan/registrations/{registration.id}"
    launched = client.post(f"{page}/launch", data={"csrf_token": csrf_token(client, page)})
    text = launched.get_data(as_text=True)
    url = html.unescape(FRAME_SRC.search(text).group(1))
    params = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    assert _status(client, text) == {"ended": False, "state": "in progress"}

    def send(verb: str, activity: str) -> None:
        statement = {
            "actor": json.loads(params["actor"]),
            "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
            "object": {"id": activity},
            "context": {"registration": registration.uuid},
        }
        assert _xapi(client, params, "POST", "statements", json=statement).status_code == 200

    send("attempted", ACTIVITY)
    if verb != "terminated":
        send(verb, f"{ACTIVITY}/slide-3")  # a slide left is not the course left
        assert _status(client, text)["ended"] is False
    send(verb, ACTIVITY)
    assert _status(client, text) == {"ended": True, "state": "in progress"}
    # The course page the player sends the learner back to says where they are.
    back = client.get(f"{page}?left=1").get_data(as_text=True)
    assert "You have left Radio Procedure" in back and ">in progress<" in back


def test_a_launch_of_another_registration_or_none_is_not_ended(app, client, learner):
    _, registration = learner
    _launch(client, registration)
    answer = client.get(f"/tincan/registrations/{registration.id}/status?session=not-a-session")
    assert answer.get_json() == {"ended": False, "state": "in progress"}
    other = make_officer(email="sam@example.org")
    other_registration = make_registration(other, registration.course)
    assert client.get(f"/tincan/registrations/{other_registration.id}/status").status_code == 404
