"""A peace officer takes the bundled course Basic Course Instructor (SCORM 2004 3rd Edition)
through its own pages: registers from the catalog, finishes lesson 1, suspends lesson 2 and
resumes it on the page left, answers the knowledge check (one answer wrong) and finishes; the LRS
holds the course's statements and the Training Profile records the completion with no CPT
hours (its credit rule is *recorded*). Every page passes axe-core and fits 375 px."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect
from sqlalchemy import select

from lms.accounts.models import Agency
from lms.catalog.models import Course, Registration
from lms.db import db
from tests.e2e.courses.helpers import (
    CONTENT_PACKAGES,
    fits_at_375,
    open_scorm_course,
    questions_of,
    register_from_catalog,
    scorm_statements,
)
from tests.e2e.helpers import NewPage, assert_accessible, sign_in
from tests.factories import PASSWORD, make_officer

pytestmark = pytest.mark.e2e

TITLE = "Basic Course Instructor"
PACKAGE = CONTENT_PACKAGES / "basic-course-instructor/package"


def _lesson(page: Page, number: int) -> Frame:
    sco = page.frame_locator("#sco-frame")
    expect(sco.get_by_role("heading", level=1)).to_contain_text(f"Lesson {number} of 3")
    frame = page.locator("#sco-frame").element_handle().content_frame()
    assert frame is not None
    return frame


def _read(frame: Frame, lesson: int, first: int = 1) -> None:
    """Read from page `first` to the last page, checking each page as it shows."""
    count = frame.locator("#pages > section.page").count()
    for number in range(first, count + 1):
        expect(frame.locator(".pager-status")).to_have_text(f"Page {number} of {count}")
        expect(frame.locator("section.page:not([hidden]) h2")).to_be_visible()
        assert_accessible(frame, f"lesson {lesson} page {number}")
        if number < count:
            frame.get_by_role("button", name="Next", exact=True).click()
            expect(frame.locator("section.page:not([hidden]) h2")).to_be_focused()


def _continue(page: Page, frame: Frame) -> None:
    """The lesson's own Continue: completed, and sequencing goes on."""
    expect(frame.get_by_role("heading", name="Lesson complete")).to_be_focused()
    assert_accessible(frame, "a lesson's end")
    frame.get_by_role("button", name="Continue").click()


def test_an_officer_completes_the_course_and_the_profile_records_it_without_cpt(
    new_page: NewPage, live_app: Flask
) -> None:
    with live_app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.agency_number == "90001"))
        officer = make_officer(agency, email="bci.instructor@example.org")
        officer_id = officer.id
        course_id = db.session.scalar(select(Course.id).where(Course.title == TITLE))
    page = new_page()
    sign_in(page, "bci.instructor@example.org", PASSWORD)
    register_from_catalog(page, "instructor", TITLE)
    with live_app.app_context():
        registration_id = db.session.scalar(
            select(Registration.id).where(
                Registration.person_id == officer_id, Registration.course_id == course_id
            )
        )
    open_scorm_course(page, TITLE)

    # Lesson 1, read to the end and finished.
    frame = _lesson(page, 1)
    fits_at_375(page, frame)
    _read(frame, 1)
    frame.get_by_role("button", name="Finish lesson").click()
    _continue(page, frame)

    # Lesson 2: left on page 3 with the player's Suspend, resumed there from the dashboard.
    frame = _lesson(page, 2)
    for number in (1, 2):
        assert_accessible(frame, f"lesson 2 page {number}")
        frame.get_by_role("button", name="Next", exact=True).click()
    expect(frame.get_by_role("heading", level=2)).to_have_text("Safety in skills training")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator("#player-message")).to_contain_text("Your place is saved.")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")
    page.locator("#player-message").get_by_role("link", name="Back to the dashboard").click()
    open_scorm_course(page, TITLE)
    frame = _lesson(page, 2)
    expect(frame.locator(".pager-status")).to_have_text("Page 3 of 4")
    expect(frame.get_by_role("heading", level=2, name="Safety in skills training")).to_be_visible()
    _read(frame, 2, first=3)
    frame.get_by_role("button", name="Finish lesson").click()
    _continue(page, frame)

    # Lesson 3 and its knowledge check, the first answer wrong.
    frame = _lesson(page, 3)
    _read(frame, 3)
    frame.get_by_role("button", name="Submit knowledge check").click()
    expect(frame.locator("#submit-notice")).to_contain_text("question 1 has no answer yet")
    for n, question in enumerate(questions_of(PACKAGE / "3-testing" / "index.html")):
        box = frame.locator(f"#question-{question['id']}")
        answer = question["answer"]
        if n == 0:
            answer = next(c["id"] for c in question["choices"] if c["id"] != answer)
        texts = {choice["id"]: choice["text"] for choice in question["choices"]}
        for choice in [answer] if isinstance(answer, str) else answer:
            box.get_by_label(texts[choice], exact=True).check()
        box.get_by_role("button", name="Check answer").click()
        verdict, text = ("Not quite. ", "incorrect") if n == 0 else ("Correct. ", "correct")
        expect(box.get_by_role("status")).to_have_text(verdict + question["feedback"][text])
    assert_accessible(frame, "the knowledge check answered")
    fits_at_375(page, frame)
    frame.get_by_role("button", name="Submit knowledge check").click()
    expect(frame.locator("#result")).to_contain_text("You answered 5 of 6 questions correctly")
    _continue(page, frame)
    expect(page.locator("#player-message")).to_contain_text("You have reached the end")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")

    statements = scorm_statements(live_app, registration_id)
    lifecycle = [(verb, about) for verb, about in statements if verb != "responded"]
    assert [verb for verb, about in lifecycle if about == "ROLE"] == [
        "initialized",
        "completed",
        "terminated",
    ]
    assert [verb for verb, about in lifecycle if about == "FACILITATION"] == [
        "initialized",
        "suspended",
        "resumed",
        "completed",
        "terminated",
    ]
    testing = [verb for verb, about in lifecycle if about == "TESTING"]
    assert testing[0] == "initialized" and testing[-1] == "terminated"
    assert "completed" in testing and "passed" in testing
    answered = [about for verb, about in statements if verb == "responded"]
    assert len(answered) == 6 and all(about.startswith("TESTING/") for about in answered)
    assert ("completed", "course") in lifecycle

    assert live_app.extensions["bridge"].wait_idle(10)
    page.goto("/dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training Profile").click()
    expect(page.locator("#cpt-hours")).to_have_text("0")
    completed = page.locator("#completed-courses tbody tr", has_text=TITLE)
    expect(completed).to_have_count(1)
