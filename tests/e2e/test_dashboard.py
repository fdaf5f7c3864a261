"""A learner finishes a course in the browser and finds it under Completed Courses on the
dashboard, with the day it was completed and the CPT hours it earned, and opens it again."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect

from lms import unit_of_work
from lms.accounts.models import Person
from lms.catalog import services as catalog
from lms.catalog.models import Course
from lms.db import db
from lms.packages.services import import_package
from lms.training.cycles import completion_date
from tests.builders.tincan import tincan_zip
from tests.e2e.helpers import NewPage, sign_in
from tests.factories import certify

pytestmark = pytest.mark.e2e

DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")


def _certified_tin_can_course(live_app: Flask, tmp_path: Path) -> str:
    """The Tin Can test course, certified by POST staff for 3 CPT hours, registered for by the
    demo dispatcher; returns its title."""
    with live_app.app_context():
        with unit_of_work.job():
            result = import_package(
                tincan_zip(tmp_path), live_app.extensions["content_store"], tmp_path / "work"
            )
            course = db.session.get(Course, result.course_id)
            certify(course, number="1850-49999")
            person = db.session.query(Person).filter_by(email=DISPATCHER[0]).one()
            catalog.register(person, course.id)
            title = course.title
        db.session.remove()
    return title


def test_a_completed_course_moves_to_completed_courses_and_opens_again(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    title = _certified_tin_can_course(live_app, tmp_path)
    page = new_page()
    sign_in(page, *DISPATCHER)
    active = page.locator("section", has=page.locator("#active-heading"))
    completed = page.locator("section", has=page.locator("#completed-heading"))
    expect(active).to_contain_text(title)
    expect(completed.get_by_role("link", name=re.compile(title))).to_have_count(0)

    active.get_by_role("link", name=re.compile(rf"^Open course.*{title}")).click()
    page.get_by_role("button", name=f"Start {title}").click()
    expect(page.frame_locator("#tincan-frame").locator("#log")).to_contain_text("done")
    assert live_app.extensions["bridge"].wait_idle(10)  # the statements' pass has run
    today = completion_date(dt.datetime.now(dt.UTC)).strftime("%-d %b %Y")

    page.goto("/dashboard")
    expect(active).not_to_contain_text(title)
    row = completed.locator("li", has_text=title)
    expect(row).to_contain_text(f"completed {today} · 3 CPT hours")
    expect(row.get_by_role("button", name=re.compile("Drop"))).to_have_count(0)
    row.get_by_role("link", name=re.compile(rf"^Review course.*{title}")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator("#course-status")).to_have_text("passed")
