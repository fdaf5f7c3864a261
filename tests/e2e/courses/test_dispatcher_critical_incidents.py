"""Dispatchers take the bundled course Dispatcher Critical Incidents (SCORM 2004 4th Edition)
through its own pages, and its sequencing does what the manifest says: in forced order, a
pre-test that is failed leads through every lesson, one that is passed skips them to the
post-test; a failed post-test with an attempt left goes back through a review to the second
attempt, and after the second no attempt is left. Passing the post-test passes the course and
the Training Profile shows its 2 CPT hours. Every page passes axe-core."""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect
from sqlalchemy import func, select

from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person
from lms.catalog.models import Registration
from lms.db import db
from lms.player.scorm.models import PendingStatement
from lrs.ops.query import StatementQuery
from tests.e2e.helpers import (
    NewPage,
    assert_accessible,
    frame_overflow,
    horizontal_overflow,
    sign_in,
)
from tests.factories import PASSWORD, make_person

pytestmark = pytest.mark.e2e

TITLE = "Dispatcher Critical Incidents"
PACKAGE = (
    Path(__file__).resolve().parents[3] / "content_packages/dispatcher-critical-incidents/package"
)
DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")
ADL = "http://adlnet.gov/expapi/verbs/"
HEADINGS = {
    "PRETEST": "Pre-test: show what you already know",
    "RECOGNITION": "Lesson 1 of 3",
    "RADIO": "Lesson 2 of 3",
    "COORDINATION": "Lesson 3 of 3",
    "REVIEW": "Review before your second attempt",
    "POSTTEST": "Post-test",
}
FOLDERS = {"PRETEST": "pretest", "POSTTEST": "posttest"}


class _QuestionsScript(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "script" and ("id", "questions") in attrs

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.text += data


def _questions(item: str) -> list[dict]:
    parser = _QuestionsScript()
    parser.feed((PACKAGE / FOLDERS[item] / "index.html").read_text(encoding="utf-8"))
    return json.loads(parser.text)


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
    for n, question in enumerate(_questions(item)):
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
    page.get_by_role("link", name="Register for Courses").first.click()
    page.get_by_label("Search").fill("critical")
    page.get_by_role("button", name="Search").click()
    page.locator("li.course", has_text=TITLE).get_by_role(
        "button", name=re.compile("^Register")
    ).click()
    expect(page.locator(".flashes")).to_contain_text(f"registered for {TITLE}")
    _open(page)


def _open(page: Page) -> None:
    page.get_by_role("link", name=re.compile(rf"^Open course.*{TITLE}")).click()
    expect(page.locator("#save-status")).to_have_text("All progress saved.")


def _dispatcher(live_app: Flask, email: str, post_id: str) -> None:
    with live_app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.agency_number == "90001"))
        make_person(Role.DISPATCHER, agency=agency, email=email, post_id=post_id)


def _delivered(live_app: Flask, email: str) -> list[tuple[str, str]]:
    """(verb, SCO or course) of every statement of the person's registration, stored order."""
    deadline = time.monotonic() + 5
    with live_app.app_context():
        registration = db.session.scalar(
            select(Registration).join(Person).where(Person.email == email)
        )
        while db.session.scalar(
            select(func.count())
            .select_from(PendingStatement)
            .where(PendingStatement.registration_id == registration.id)
        ):
            assert time.monotonic() < deadline, "statements still pending"
            db.session.rollback()
            time.sleep(0.05)
        found = live_app.extensions["lrs"].query(
            StatementQuery(registration=registration.uuid, ascending=True, limit=500)
        )
        course_iri = f"{live_app.config['LMS_BASE_URL']}/courses/{registration.course_id}"
    return [
        (
            s["verb"]["id"].removeprefix(ADL),
            s["object"]["id"].removeprefix(course_iri).removeprefix("/scos/") or "course",
        )
        for s in found.statements
        if not s["verb"]["id"].endswith("/responded")
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
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 740})
    assert horizontal_overflow(page) == 0 and frame_overflow(frame) == 0
    page.set_viewport_size(size)
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
    _open(page)
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
    _open(page)
    expect(page.locator("#player-message")).to_contain_text(
        "The course cannot be started: its sequencing allows no activity now"
    )
    expect(page.locator("#toc-list")).to_contain_text("failed 60%")
    assert live_app.extensions["bridge"].wait_idle(10)
    page.goto("/dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training Profile").click()
    expect(page.locator("#cpt-hours")).to_have_text("0")
