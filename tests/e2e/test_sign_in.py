"""Signing in, linking a POST-ID, and the pages' fit at a phone's width and by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import NewPage, horizontal_overflow, sign_in

pytestmark = pytest.mark.e2e

OFFICER = ("officer@example.org", "officer-demo-2026")
ADMIN = ("admin@example.org", "admin-demo-2026")


def test_officer_signs_in_links_post_id_and_reaches_dashboard(page: Page) -> None:
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    page.get_by_label("E-mail address").fill(OFFICER[0])
    page.get_by_label("Password").fill(OFFICER[1])
    page.get_by_role("button", name="Sign in").click()

    # An officer without a POST-ID is sent to link one before anything else.
    expect(page).to_have_url(re.compile(r"/post-id$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Link your POST-ID")
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/post-id$"))

    page.get_by_label("POST-ID").fill("b12-345-678")
    page.get_by_role("button", name="Link my POST-ID").click()

    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Alex")
    expect(page.get_by_role("status")).to_contain_text("Your POST-ID B12-345-678 is linked.")
    account = page.get_by_role("region", name="Your account")
    expect(account).to_contain_text("Alex Rivera")
    expect(account).to_contain_text("Capitol City Police Department (90001)")
    expect(account.locator("dt:text-is('POST-ID') + dd")).to_contain_text("B12-345-678")

    # Linked once: the POST-ID page now leads to the dashboard.
    page.goto("/post-id")
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_malformed_post_id_is_refused_beside_the_field(page: Page) -> None:
    sign_in(page, *OFFICER)
    expect(page).to_have_url(re.compile(r"/post-id$"))
    page.get_by_label("POST-ID").fill("12345678")
    page.get_by_role("button", name="Link my POST-ID").click()

    expect(page).to_have_url(re.compile(r"/post-id$"))
    field = page.locator(".field", has=page.get_by_label("POST-ID"))
    expect(field.locator(".error")).to_have_text(
        "A POST-ID is a letter and eight digits, written like A12-345-678."
    )
    expect(page.get_by_label("POST-ID")).to_have_attribute("aria-invalid", "true")


def test_wrong_password_shows_the_error_beside_the_password_field(page: Page) -> None:
    sign_in(page, OFFICER[0], "not-the-password")

    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    password = page.get_by_label("Password")
    error = page.locator(".field", has=password).locator(".error")
    expect(error).to_have_text("The e-mail address or the password is wrong.")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_attribute("aria-describedby", re.compile(r"\bpassword-error\b"))
    # The e-mail field is not blamed, and what was typed there is kept.
    email = page.get_by_label("E-mail address")
    expect(email).to_have_value(OFFICER[0])
    expect(page.locator(".field", has=email).locator(".error")).to_have_count(0)
    # Nobody is signed in.
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_pages_fit_a_phone_width(new_page: NewPage) -> None:
    page = new_page(viewport={"width": 375, "height": 740})

    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert horizontal_overflow(page) == 0, "the sign-in page scrolls sideways at 375px"

    sign_in(page, *ADMIN)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Morgan")
    assert horizontal_overflow(page) == 0, "the dashboard scrolls sideways at 375px"

    page.get_by_role("link", name="Manage your agency").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Capitol City Police Department")
    assert horizontal_overflow(page) == 0, "the agency page scrolls sideways at 375px"


def _focused_outline(page: Page) -> str:
    return page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")


def _tab_to(page: Page, selector: str, limit: int = 20) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} never got the focus after {limit} presses of Tab")


def test_keyboard_skip_link_and_visible_focus(page: Page) -> None:
    page.goto("/sign-in")
    skip = page.get_by_role("link", name="Skip to main content")
    hidden = skip.bounding_box()
    assert hidden is not None
    assert hidden["x"] + hidden["width"] <= 0, "the skip link shows before it has the focus"

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    shown = skip.bounding_box()
    assert shown is not None
    viewport = page.viewport_size
    assert viewport is not None
    assert shown["x"] >= 0 and shown["y"] >= 0, "the focused skip link is off the screen"
    assert shown["x"] + shown["width"] <= viewport["width"]
    assert _focused_outline(page) != "none"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/sign-in#main$"))

    _tab_to(page, "main input[type=email]")
    expect(page.get_by_label("E-mail address")).to_be_focused()
    assert _focused_outline(page) != "none", "the focused e-mail input has no outline"

    _tab_to(page, "main button[type=submit]")
    expect(page.get_by_role("button", name="Sign in")).to_be_focused()
    assert _focused_outline(page) != "none", "the focused Sign in button has no outline"
