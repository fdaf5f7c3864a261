"""A learner takes a Tin Can course in the browser: the test course (plain JS, reading the
launch parameters as TinCanJS does) sends its statements with the credential the launch gave
it, which reaches this learner and this registration only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from lms.accounts.models import Person
from lms.catalog.models import Course
from lms.db import db
from lms.packages.services import import_package
from lms.player.models import LaunchSession, NodeStatus
from tests.builders.tincan import tincan_zip
from tests.e2e.helpers import NewPage, sign_in
from tests.factories import make_registration

pytestmark = pytest.mark.e2e

DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")
ACTIVITY = "https://lms.example.org/tincan/radio-procedure"


def _registered_dispatcher(live_app: Flask, tmp_path: Path) -> tuple[str, int, str]:
    """The test course imported and published, and the demo dispatcher registered for it:
    their POST-ID, the registration's id and its UUID."""
    with live_app.app_context():
        result = import_package(
            tincan_zip(tmp_path), live_app.extensions["content_store"], tmp_path / "work"
        )
        course = db.session.get(Course, result.course_id)
        course.published = True
        db.session.commit()
        person = db.session.query(Person).filter_by(email=DISPATCHER[0]).one()
        registration = make_registration(person, course)
        found = (person.post_id, registration.id, registration.uuid)
        db.session.remove()
        return found


def test_a_learner_takes_a_tin_can_course_and_the_lrs_and_the_portal_record_it(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    post_id, registration_id, registration_uuid = _registered_dispatcher(live_app, tmp_path)

    page = new_page()
    sign_in(page, *DISPATCHER)
    page.get_by_role("link", name=re.compile(r"^Open course.*Radio Procedure")).click()
    expect(page.locator("#course-status")).to_have_text("not started")
    page.get_by_role("button", name="Start Radio Procedure").click()
    log = page.frame_locator("#tincan-frame").locator("#log")
    expect(log).to_contain_text("done")
    expect(log).to_contain_text("statements 200")
    expect(log).to_contain_text("bookmark 204")
    expect(log).to_contain_text("other registration 403")  # the credential's limit
    page.get_by_role("link", name="← Radio Procedure").click()
    expect(page.locator("#course-status")).to_have_text("passed")

    with live_app.app_context():
        statements = [
            statement
            for _, statement in live_app.extensions["lrs"].read_from(0)
            if (statement.get("context") or {}).get("registration") == registration_uuid
        ]
        (session,) = db.session.query(LaunchSession).filter_by(registration_id=registration_id)
        status = db.session.query(NodeStatus).filter_by(registration_id=registration_id).one()
        assert [s["verb"]["id"].rsplit("/", 1)[1] for s in statements] == [
            "attempted",
            "completed",
            "passed",
        ]
        for statement in statements:
            assert statement["actor"]["account"]["name"] == post_id
            assert statement["object"]["id"] == ACTIVITY
            assert statement["authority"]["account"]["name"] == session.credential_key
        assert session.standard == "tincan" and session.activity_id == ACTIVITY
        assert session.completed_at and session.passed_at and session.last_statement_at
        assert status.kind == "activity" and status.completed_at and status.passed_at
        db.session.remove()


def test_save_and_exit_takes_the_learner_back_to_the_course_page(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    _registered_dispatcher(live_app, tmp_path)

    page = new_page()
    sign_in(page, *DISPATCHER)
    page.get_by_role("link", name=re.compile(r"^Open course.*Radio Procedure")).click()
    page.get_by_role("button", name="Start Radio Procedure").click()
    expect(page.get_by_text("When you leave the course")).to_be_visible()
    frame = page.frame_locator("#tincan-frame")
    expect(frame.locator("#log")).to_contain_text("done")
    frame.get_by_role("button", name="Save & Exit").click()
    # Not left on the course's "You may now close this window": back on the course page.
    expect(page.locator("#tincan-left")).to_have_text(
        re.compile(r"You have left Radio Procedure\. What you did in it has been saved")
    )
    expect(page).to_have_url(re.compile(r"/tincan/registrations/\d+\?left=1$"))
    expect(page.locator("#course-status")).to_have_text("passed")
