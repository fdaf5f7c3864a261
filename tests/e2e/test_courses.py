"""A learner registers for a course, sees it under Active Courses, and drops it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import NewPage, sign_in

pytestmark = pytest.mark.e2e

DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")


def test_register_see_it_active_and_drop(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, *DISPATCHER)
    page.get_by_role("link", name="Register for Courses").first.click()
    page.get_by_label("Search").fill("critical incidents")
    page.get_by_role("button", name="Search").click()
    course = page.locator("li.course", has_text="Dispatcher Critical Incidents")
    expect(course).to_contain_text("Dispatcher course")
    course.get_by_role("button", name=re.compile("^Register")).click()

    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.locator(".flashes")).to_contain_text("registered for Dispatcher Critical Incidents")
    active = page.locator("section", has=page.get_by_role("heading", name="Active Courses"))
    expect(active).to_contain_text("Dispatcher Critical Incidents")

    active.get_by_role("button", name=re.compile("^Drop Course")).click()
    expect(page.locator(".flashes")).to_contain_text("You dropped Dispatcher Critical Incidents")
    active = page.locator("section", has=page.get_by_role("heading", name="Active Courses"))
    expect(active).to_contain_text("No active courses.")


def test_an_npo_is_told_the_pursuit_course_is_not_for_them(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "npo@example.org", "npo-demo-2026")
    page.goto("/courses?q=pursuit")
    course = page.locator("li.course", has_text="Vehicle Pursuit Policy Update")
    expect(course).to_contain_text("for dispatchers, peace officers only")
    expect(course.get_by_role("button")).to_have_count(0)
