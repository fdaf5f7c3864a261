"""Dispatchers take the bundled course Dispatcher Critical Incidents (SCORM 2004 4th Edition)
through its own pages, and its sequencing does what the manifest says: in forced order, a
pre-test that is failed leads through every lesson, one that is passed skips them to the
post-test; a failed post-test with an attempt left goes back through a review to the second
attempt, and after the second no attempt is left. Passing the post-test passes the course and
the Training Profile shows its 2 CPT hours. Every page passes axe-core."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect
from sqlalchemy import select

from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person
from lms.catalog.models import Registration
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
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.e2e

TITLE = "Dispatcher Critical Incidents"
PACKAGE = CONTENT_PACKAGES / "dispatcher-critical-incidents/package"
DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")
HEADINGS = {
    "PRETEST": "Pre-test: show what you already know",
    "RECOGNITION": "Lesson 1 of 3",
    "RADIO": "Lesson 2 of 3",
    "COORDINATION": "Lesson 3 of 3",
    "REVIEW": "Review before your second attempt",
    "POSTTEST": "Post-test",
}
FOLDERS = {"PRETEST": "pretest", "POSTTEST": "posttest"}


def _sco(page: Page, item: str) -> Frame:
    expect(page.frame_locator("#sco-frame").get_by_role("heading", level=1)).to_contain_text(
        HEADINGS[item]
    )
    frame = page.locator("#sco-frame").element_handle().content_frame()
    assert frame is not None
    return frame


def _read(frame: Frame, item: str, first: int = 1) -> None:
    """Read from page `first` to the last page, checking each page as it shows."""
    count = frame.locator("#pages > section.page").count()
    for number in range(first, count + 1):
        expect(frame.locator(".pager-status")).to_have_text(f"Page {number} of {count}")
        assert_accessible(frame, f"{item} page {number}")
        if number < count:
            frame.get_by_role("button", name="Next", exact=True).click()


def _test(frame: Frame, item: str, wrong: int) -> None:
    """Answer the test with `wrong` answers wrong, and submit it."""
    _read(frame, item)
    for n, question in enumerate(questions_of(PACKAGE / FOLDERS[item] / "index.html")):
        box = frame.locator(f"#question-{question['id']}")
        answer = question["answer"]
        if n < wrong:
            answer = next(c["id"] for c in question["choices"] if c["id"] not in answer)
        texts = {choice["id"]: choice["text"] for choice in question["choices"]}
        for choice in [answer] if isinstance(answer, str) else answer:
            box.get_by_label(texts[choice], exact=True).check()
        box.get_by_role("button", name="Check answer").click()
        verdict, text = ("Not quite. ", "incorrect") if n < wrong else ("Correct. ", "correct")
        expect(box.get_by_role("status")).to_have_text(verdict + question["feedback"][text])
    assert_accessible(frame, f"{item} answered")
    frame.get_by_role("button", name="Submit knowledge check").click()
    expect(frame.locator("#result-heading")).to_be_focused()
    assert_accessible(frame, f"{item} result")
    frame.get_by_role("button", name="Continue").click()


def _lesson(page: Page, item: str) -> None:
    frame = _sco(page, item)
    _read(frame, item)
    frame.get_by_role("button", name="Finish lesson").click()
    expect(frame.locator("#result-heading")).to_be_focused()
    frame.get_by_role("button", name="Continue").click()


def _register_and_open(page: Page, email: str, password: str) -> None:
    sign_in(page, email, password)
    register_from_catalog(page, "critical", TITLE)
    open_scorm_course(page, TITLE)


def _dispatcher(live_app: Flask, email: str, post_id: str) -> None:
    with live_app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.agency_number == "90001"))
        make_person(Role.DISPATCHER, agency=agency, email=email, post_id=post_id)


def _delivered(live_app: Flask, email: str) -> list[tuple[str, str]]:
    """(verb, SCO or course) of the person's registration's statements but the answers."""
    with live_app.app_context():
        registration_id = db.session.scalar(
            select(Registration.id).join(Person).where(Person.email == email)
        )
    return [
        (verb, about)
        for verb, about in scorm_statements(live_app, registration_id)
        if verb != "responded"
    ]


def _scos(statements: list[tuple[str, str]]) -> list[str]:
    """The SCOs in the order they were initialized."""
    return [about for verb, about in statements if verb == "initialized"]


def test_a_failed_pre_test_leads_through_every_lesson_and_a_passed_post_test_earns_2_cpt(
    new_page: NewPage, live_app: Flask
) -> None:
    page = new_page()
    _register_and_open(page, *DISPATCHER)
    frame = _sco(page, "PRETEST")
    fits_at_375(page, frame)
    _test(frame, "PRETEST", wrong=3)

    # Lesson 1 is left on page 2 and resumed there.
    frame = _sco(page, "RECOGNITION")
    frame.get_by_role("button", name="Next", exact=True).click()
    expect(frame.locator(".pager-status")).to_have_text("Page 2 of 3")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator("#player-message")).to_contain_text("Your place is saved.")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")
    page.locator("#player-message").get_by_role("link", name="Back to the dashboard").click()
    open_scorm_course(page, TITLE)
    frame = _sco(page, "RECOGNITION")
    expect(frame.locator(".pager-status")).to_have_text("Page 2 of 3")
    _read(frame, "RECOGNITION", first=2)
    frame.get_by_role("button", name="Finish lesson").click()
    frame.get_by_role("button", name="Continue").click()

    _lesson(page, "RADIO")
    _lesson(page, "COORDINATION")
    _test(_sco(page, "POSTTEST"), "POSTTEST", wrong=1)  # the review is skipped
    expect(page.locator("#player-message")).to_contain_text("You have reached the end")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")

    statements = _delivered(live_app, DISPATCHER[0])
    assert _scos(statements) == [
        "PRETEST",
        "RECOGNITION",
        "RADIO",
        "COORDINATION",
        "POSTTEST",
    ]
    assert ("failed", "PRETEST") in statements and ("passed", "POSTTEST") in statements
    assert ("passed", "course") in statements and ("completed", "course") in statements

    assert live_app.extensions["bridge"].wait_idle(10)
    page.goto("/dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training Profile").click()
    expect(page.locator("#cpt-hours")).to_have_text("2")
    expect(page.locator("#completed-courses tbody tr").first).to_contain_text(TITLE)


def test_a_passed_pre_test_skips_the_lessons_to_the_post_test(
    new_page: NewPage, live_app: Flask
) -> None:
    _dispatcher(live_app, "tested.out@example.org", "D30-000-111")
    page = new_page()
    _register_and_open(page, "tested.out@example.org", PASSWORD)
    _test(_sco(page, "PRETEST"), "PRETEST", wrong=0)
    _test(_sco(page, "POSTTEST"), "POSTTEST", wrong=0)
    expect(page.locator("#player-message")).to_contain_text("You have reached the end")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")
    statements = _delivered(live_app, "tested.out@example.org")
    assert _scos(statements) == ["PRETEST", "POSTTEST"]
    assert ("passed", "course") in statements


def test_a_failed_post_test_is_remediated_once_and_then_no_attempt_is_left(
    new_page: NewPage, live_app: Flask
) -> None:
    _dispatcher(live_app, "second.try@example.org", "D30-000-112")
    page = new_page()
    _register_and_open(page, "second.try@example.org", PASSWORD)
    _test(_sco(page, "PRETEST"), "PRETEST", wrong=0)
    _test(_sco(page, "POSTTEST"), "POSTTEST", wrong=4)
    _lesson(page, "REVIEW")
    _test(_sco(page, "POSTTEST"), "POSTTEST", wrong=4)
    expect(page.locator("#player-message")).to_contain_text("You have reached the end")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")
    statements = _delivered(live_app, "second.try@example.org")
    assert _scos(statements) == ["PRETEST", "POSTTEST", "REVIEW", "POSTTEST"]
    assert ("failed", "course") in statements and ("passed", "course") not in statements
    # The course is failed, not completed: it stays active, opening it again finds no attempt
    # left to start, and no CPT is earned.
    page.locator("#player-message").get_by_role("link", name="Back to the dashboard").click()
    open_scorm_course(page, TITLE)
    expect(page.locator("#player-message")).to_contain_text(
        "The course cannot be started: its sequencing allows no activity now"
    )
    expect(page.locator("#toc-list")).to_contain_text("failed 60%")
    assert live_app.extensions["bridge"].wait_idle(10)
    page.goto("/dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training Profile").click()
    expect(page.locator("#cpt-hours")).to_have_text("0")
