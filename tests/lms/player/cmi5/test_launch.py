"""Launching a cmi5 AU: the course page, the launch URL (cmi5 §8.1), LMS.LaunchData (§10),
the launched statement (§9.3.1), the window it opens in, and the launches that are refused."""

from __future__ import annotations

import json

import pytest

from lms import unit_of_work
from lms.catalog import services as catalog
from tests.builders.cmi5 import AUSpec
from tests.conftest import CONTENT_BASE_URL, csrf_token, sign_in
from tests.factories import PASSWORD, make_imported_course, make_officer, make_registration, publish
from tests.lms.player.cmi5.conftest import (
    CMI5,
    SESSION_ID,
    statements_of,
    verbs,
)

EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/"
QUIZ = AUSpec(
    title="Radio quiz",
    move_on="CompletedAndPassed",
    mastery_score="0.85",
    plan="completed,passed",
    launch_parameters='{"questions": 5}',
    entitlement_key="RADIO-2026",
)


def test_the_launch_url_carries_the_cmi5_parameters(app, enrol):
    learner = enrol([QUIZ])
    au = learner.launch()
    # The AU is served on the content origin, by a token signed for the learner and version.
    assert au.url.startswith(f"{CONTENT_BASE_URL}/content/")
    version_id = learner.registration.package_version_id
    assert f"/{version_id}/au/index.html?plan=completed%2Cpassed&" in au.url
    params = au.params
    assert params["endpoint"] == "http://lms.test/xapi"
    assert params["fetch"].startswith("http://lms.test/cmi5/fetch/")
    assert au.actor == {
        "objectType": "Agent",
        "account": {"homePage": app.config["LMS_BASE_URL"], "name": learner.person.post_id},
    }
    assert "@" not in params["actor"]  # no e-mail address goes into a statement
    assert params["registration"] == learner.registration.uuid
    publisher_id = statements_of(app, learner.registration)[0]["context"]["contextActivities"][
        "grouping"
    ][0]["id"]
    assert params["activityId"] != publisher_id
    assert params["activityId"].startswith(f"{app.config['LMS_BASE_URL']}/courses/")


def test_the_activity_id_is_the_same_on_every_launch_and_the_fetch_url_is_not(enrol):
    learner = enrol([QUIZ])
    first, second = learner.launch().params, learner.launch().params
    assert first["activityId"] == second["activityId"]
    assert first["fetch"] != second["fetch"]


def test_launch_data_is_in_the_lrs_before_the_au_opens(app, enrol):
    learner = enrol([QUIZ])
    au = learner.launch()
    session = learner.sessions()[-1]
    held = app.extensions["lrs"].get_document(
        "state",
        "LMS.LaunchData",
        activity_id=au.params["activityId"],
        agent=au.actor,
        registration=learner.registration.uuid,
    )
    document = json.loads(held.content)
    assert document == {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"objectType": "Activity", "id": session.au_id}]},
            "extensions": {SESSION_ID: session.uuid},
        },
        "launchMode": "Normal",
        "moveOn": "CompletedAndPassed",
        "masteryScore": 0.85,
        "launchParameters": '{"questions": 5}',
        "entitlementKey": {"courseStructure": "RADIO-2026"},
        "returnURL": f"http://lms.test/cmi5/registrations/{learner.registration.id}/return",
    }


def test_the_launched_statement_says_how_the_au_was_launched(app, enrol):
    learner = enrol([QUIZ])
    au = learner.launch()
    session = learner.sessions()[-1]
    (launched,) = statements_of(app, learner.registration)
    assert verbs([launched]) == ["launched"]
    assert launched["actor"] == au.actor
    assert launched["object"]["id"] == au.params["activityId"]
    context = launched["context"]
    assert context["contextActivities"]["category"] == [{"id": CMI5, "objectType": "Activity"}]
    assert context["contextActivities"]["grouping"][0]["id"] == session.au_id
    assert context["extensions"] == {
        SESSION_ID: session.uuid,
        EXTENSION + "launchmode": "Normal",
        # §9.6.3.4: the URL without the cmi5 parameters, the AU's own kept.
        EXTENSION + "launchurl": au.url.split("&endpoint=")[0],
        EXTENSION + "moveon": "CompletedAndPassed",
        EXTENSION + "masteryscore": 0.85,
        EXTENSION + "launchparameters": '{"questions": 5}',
    }
    assert launched["timestamp"].endswith("Z")
    assert session.launched_at is not None and session.fetched_at is None


def test_an_own_window_au_takes_the_window_and_any_window_opens_in_a_frame(enrol):
    learner = enrol([AUSpec(launch_method="OwnWindow"), AUSpec(title="Second")])
    own = learner.launch_response(0)
    assert own.status_code == 303 and "/content/" in own.headers["Location"]
    framed = learner.launch_response(1)
    assert framed.status_code == 200
    assert 'id="au-frame"' in framed.get_data(as_text=True)


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_browse_and_review_launches_say_so_in_launch_data_and_launched(app, enrol, mode):
    learner = enrol([QUIZ])
    au = learner.launch(launch_mode=mode).start()
    assert au.launch_data["launchMode"] == mode
    (launched,) = statements_of(app, learner.registration)
    assert launched["context"]["extensions"][EXTENSION + "launchmode"] == mode


def test_the_course_page_shows_each_au_and_where_the_learner_stands(enrol):
    learner = enrol([QUIZ, AUSpec(title="Radio check-in", in_block=False)])
    page = learner.client.get(learner.course_page).get_data(as_text=True)
    assert "On the radio" in page and "Radio quiz" in page and "Radio check-in" in page
    assert page.count("not started") == 2
    assert "0 of 2 parts done" in page
    learner.launch(0).start().say("initialized", "completed")
    page = learner.client.get(learner.course_page).get_data(as_text=True)
    assert "completed</span>" in page
    assert 'value="Review"' in page  # a completed AU is reviewed, not browsed


def test_an_unknown_launch_mode_is_refused_naming_the_field_and_launches_nothing(enrol):
    learner = enrol([QUIZ])
    response = learner.launch_response(0, "Practice")
    assert response.status_code == 400
    assert "launch_mode" in response.get_data(as_text=True)
    assert learner.sessions() == []


def test_an_au_the_course_does_not_have_is_404(enrol):
    learner = enrol([QUIZ])
    assert learner.launch_response(7).status_code == 404
    assert learner.sessions() == []


def test_a_launch_needs_the_forms_csrf_token(enrol):
    learner = enrol([QUIZ])
    response = learner.client.post(f"{learner.course_page}/launch", data={})
    assert response.status_code == 400
    assert learner.sessions() == []


def test_another_persons_registration_is_404(app, client, enrol):
    learner = enrol([QUIZ])
    make_officer(email="other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org", PASSWORD)
    assert other.get(learner.course_page).status_code == 404
    token = csrf_token(other, "/dashboard")
    launch = other.post(f"{learner.course_page}/launch", data={"csrf_token": token})
    assert launch.status_code == 404
    assert learner.sessions() == []


def test_a_dropped_registration_does_not_launch_and_the_page_says_why(enrol):
    learner = enrol([QUIZ])
    token = csrf_token(learner.client, learner.course_page)
    with unit_of_work.job():
        catalog.drop(learner.person, learner.registration.id)
    page = learner.client.get(learner.course_page)
    assert page.status_code == 403
    assert "You dropped Radio Procedure" in page.get_data(as_text=True)
    launch = learner.client.post(f"{learner.course_page}/launch", data={"csrf_token": token})
    assert launch.status_code == 403
    assert learner.sessions() == []


def test_the_launch_door_sends_a_cmi5_course_to_its_course_page(enrol):
    learner = enrol([QUIZ])
    response = learner.client.get(f"/registrations/{learner.registration.id}/launch")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(learner.course_page)


def test_the_cmi5_pages_of_another_standard_are_404(app, client, tmp_path):
    course = publish(make_imported_course(tmp_path, "scorm12"))
    registration = make_registration(make_officer(email="pat@example.org"), course)
    sign_in(client, "pat@example.org", PASSWORD)
    assert client.get(f"/cmi5/registrations/{registration.id}").status_code == 404


def test_signed_out_the_course_page_sends_to_sign_in(app, enrol):
    learner = enrol([QUIZ])
    response = app.test_client().get(learner.course_page)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_return_url_takes_the_whole_window_back_to_the_course(app, enrol):
    learner = enrol([QUIZ])
    page = learner.client.get(f"{learner.course_page}/return").get_data(as_text=True)
    assert f'data-course-url="{learner.course_page}"' in page
    assert "cmi5_return.js" in page
    # The AU's frame comes from the content origin: the portal's cookie may not come with it.
    signed_out = app.test_client().get(f"{learner.course_page}/return")
    assert signed_out.status_code == 200
    assert f'data-course-url="{learner.course_page}"' in signed_out.get_data(as_text=True)


def test_an_au_number_that_is_no_number_is_refused_naming_the_field(enrol):
    learner = enrol([QUIZ])
    token = csrf_token(learner.client, learner.course_page)
    for bad in ("", "first", "-1", "9" * 40):
        response = learner.client.post(
            f"{learner.course_page}/launch", data={"csrf_token": token, "au_index": bad}
        )
        assert response.status_code == 400, bad
        assert "au_index" in response.get_data(as_text=True)
    assert learner.sessions() == []
