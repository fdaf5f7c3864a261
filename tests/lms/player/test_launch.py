"""Whether a launch is allowed is decided in one place, and a refused launch says why."""

from __future__ import annotations

import pytest

from lms import unit_of_work
from lms.catalog import services as catalog
from lms.catalog.models import Course
from lms.db import db
from lms.player import launch
from lms.player.interfaces import LaunchRefused, RegistrationNotFound
from tests.conftest import sign_in
from tests.factories import (
    PASSWORD,
    make_officer,
    make_package_version,
    make_person,
    make_registration,
    publish,
)


@pytest.fixture
def course_and_officer(app, tmp_path):
    version = make_package_version(tmp_path, "scorm12")
    course = publish(db.session.get(Course, version.course_id))
    officer = make_officer(email="pat@example.org")
    registration = make_registration(officer, course)
    return course, version, officer, registration


def test_a_registered_learner_may_launch_their_version(course_and_officer):
    course, version, officer, registration = course_and_officer
    launchable = launch.launchable(officer, registration.id)
    assert launchable.version.id == version.id and launchable.package.standard == "scorm12"


def test_someone_elses_registration_is_not_found(course_and_officer):
    _, _, _, registration = course_and_officer
    with pytest.raises(RegistrationNotFound):
        launch.launchable(make_officer(), registration.id)


def test_a_dropped_registration_does_not_launch_and_says_why(course_and_officer):
    course, _, officer, registration = course_and_officer
    with unit_of_work.job():
        catalog.drop(officer, registration.id)
    with pytest.raises(LaunchRefused) as refused:
        launch.launchable(officer, registration.id)
    assert "You dropped" in refused.value.message


def test_a_course_taken_out_of_the_catalog_does_not_launch(course_and_officer):
    course, _, officer, registration = course_and_officer
    db.session.get(Course, course.id).published = False
    db.session.commit()
    with pytest.raises(LaunchRefused) as refused:
        launch.launchable(officer, registration.id)
    assert "not in the catalog" in refused.value.message


def test_a_course_without_content_does_not_launch(app):
    from lms.catalog.models import Registration

    course = Course(
        slug="video", title="Video", audience_codes="peace_officer", delivery="distance"
    )
    course.published = True
    db.session.add(course)
    db.session.commit()
    officer = make_officer()
    registration = Registration(person_id=officer.id, course_id=course.id)
    db.session.add(registration)
    db.session.commit()
    with pytest.raises(LaunchRefused) as refused:
        launch.launchable(officer, registration.id)
    assert "no course content yet" in refused.value.message


def test_a_later_rule_joins_the_decision(course_and_officer, monkeypatch):
    _, _, officer, registration = course_and_officer
    monkeypatch.setattr(launch, "_rules", list(launch._rules))
    launch.add_launch_rule(lambda person, reg: "Your agency has not published its policy yet.")
    with pytest.raises(LaunchRefused) as refused:
        launch.launchable(officer, registration.id)
    assert refused.value.message == "Your agency has not published its policy yet."


def test_the_launch_page_says_why_it_refuses(app, client, course_and_officer):
    course, _, officer, registration = course_and_officer
    with unit_of_work.job():
        catalog.drop(officer, registration.id)
    sign_in(client, "pat@example.org", PASSWORD)
    response = client.get(f"/registrations/{registration.id}/launch")
    assert response.status_code == 403
    assert f"You dropped {course.title}" in response.get_data(as_text=True)


def test_the_launch_page_of_another_persons_registration_is_404(app, client, course_and_officer):
    _, _, _, registration = course_and_officer
    make_person(email="other@example.org", post_id="B12-345-678")
    sign_in(client, "other@example.org", PASSWORD)
    assert client.get(f"/registrations/{registration.id}/launch").status_code == 404
