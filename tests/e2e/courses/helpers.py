"""What the bundled courses' browser tests share: registering from the catalog, opening a SCORM
course, the questions a page holds, the phone-width check, and a SCORM registration's
statements as (verb, SCO or "course")."""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

from flask import Flask
from playwright.sync_api import Frame, Page, expect
from sqlalchemy import func, select

from lms.catalog.models import Registration
from lms.db import db
from lms.player.scorm.models import PendingStatement
from lrs.ops.query import StatementQuery
from tests.e2e.helpers import frame_overflow, horizontal_overflow

CONTENT_PACKAGES = Path(__file__).resolve().parents[3] / "content_packages"
ADL = "http://adlnet.gov/expapi/verbs/"
STATEMENTS_TIMEOUT_S = 5


class _QuestionsScript(HTMLParser):
    """The JSON of a page's <script type="application/json" id="questions">."""

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


def questions_of(page_file: Path) -> list[dict]:
    """The questions (with their answers and feedback) a course page holds."""
    parser = _QuestionsScript()
    parser.feed(page_file.read_text(encoding="utf-8"))
    return json.loads(parser.text)


def register_from_catalog(page: Page, search: str, title: str) -> None:
    """Find the course in the catalog and register, as a learner does."""
    page.get_by_role("link", name="Register for Courses").first.click()
    page.get_by_label("Search").fill(search)
    page.get_by_role("button", name="Search").click()
    page.locator("li.course", has_text=title).get_by_role(
        "button", name=re.compile("^Register")
    ).click()
    expect(page.locator(".flashes")).to_contain_text(f"registered for {title}")


def open_scorm_course(page: Page, title: str) -> None:
    """Open the course from the dashboard and wait for the player to have started it."""
    page.get_by_role("link", name=re.compile(rf"^Open course.*{re.escape(title)}")).click()
    expect(page.locator("#save-status")).to_have_text("All progress saved.")


def fits_at_375(page: Page, frame: Frame) -> None:
    """At a phone's 375 px, neither the portal's page nor the course needs scrolling sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 740})
    assert horizontal_overflow(page) == 0
    assert frame_overflow(frame) == 0
    page.set_viewport_size(size)


def scorm_statements(live_app: Flask, registration_id: int) -> list[tuple[str, str]]:
    """(verb, what it is about: a SCO's id, its interaction, or "course") of every statement of
    the registration, in stored order, once the player has sent all it holds."""
    deadline = time.monotonic() + STATEMENTS_TIMEOUT_S
    with live_app.app_context():
        while db.session.scalar(
            select(func.count())
            .select_from(PendingStatement)
            .where(PendingStatement.registration_id == registration_id)
        ):
            assert time.monotonic() < deadline, "statements still pending"
            db.session.rollback()
            time.sleep(0.05)
        registration = db.session.get(Registration, registration_id)
        found = live_app.extensions["lrs"].query(
            StatementQuery(registration=registration.uuid, ascending=True, limit=500)
        )
        course_iri = f"{live_app.config['LMS_BASE_URL']}/courses/{registration.course_id}"
    return [
        (
            statement["verb"]["id"].removeprefix(ADL),
            statement["object"]["id"].removeprefix(course_iri).removeprefix("/scos/") or "course",
        )
        for statement in found.statements
    ]
