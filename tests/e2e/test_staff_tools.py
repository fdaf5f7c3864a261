"""POST staff's tools and role management, driven through the pages."""

from __future__ import annotations

import base64
import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import NewPage, sign_in

pytestmark = pytest.mark.e2e

ADMIN = ("admin@example.org", "admin-demo-2026")
STAFF = ("staff@example.org", "staff-demo-2026")
STATEMENT = {
    "actor": {
        "objectType": "Agent",
        "account": {"homePage": "https://lms.test", "name": "A12-345-678"},
    },
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"id": "https://lms.test/courses/vehicle-pursuit"},
}


def _post_statement(page: Page, key: str, secret: str) -> int:
    """Send one statement with the credential, as a tool outside the browser would."""
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    response = page.request.post(
        "/xapi/statements",
        data=json.dumps(STATEMENT),
        headers={
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": "2.0.0",
            "Content-Type": "application/json",
        },
    )
    return response.status


def test_post_staff_issue_an_lrs_credential_that_works_until_revoked(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, *STAFF)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="LRS credentials").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning Record Store credentials")
    page.get_by_label("Name", exact=True).fill("Dispatch simulator")
    page.get_by_label("statements/write").check()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("status")).to_contain_text("shown only this once")
    key = page.locator(".credential-key").inner_text()
    secret = page.locator(".credential-secret").inner_text()
    assert _post_statement(page, key, secret) == 200

    page.goto("/staff/lrs-credentials")
    expect(page.locator(".credential-secret")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text=key)
    expect(row).to_contain_text("active")
    row.get_by_role("button", name="Revoke").click()
    expect(page.locator(".flashes")).to_contain_text("revoked")
    assert _post_statement(page, key, secret) == 401


def test_post_staff_add_an_agency(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, *STAFF)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agencies").click()
    page.get_by_role("link", name="New agency").click()
    page.get_by_label("Name").fill("Coast Rail Police")
    page.get_by_label("Agency number").fill("91234")
    page.get_by_role("button", name="Create the agency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coast Rail Police (91234)")
    page.goto("/agencies/new")
    page.get_by_label("Name").fill("Duplicate")
    page.get_by_label("Agency number").fill("91234")
    page.get_by_role("button", name="Create the agency").click()
    expect(page.locator("#agency_number-error")).to_contain_text("already has this agency number")


def test_lp_administrator_makes_a_colleague_training_manager(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, *ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My agency").click()
    page.get_by_role("link", name="Jordan Lee").click()
    expect(page.get_by_label("POST staff")).to_have_count(0)
    page.get_by_label("Training manager").check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.locator(".flashes")).to_contain_text("Roles of Jordan Lee saved.")
    expect(page.get_by_label("Training manager")).to_be_checked()
    expect(page.get_by_text(re.compile("Dispatcher, Training manager"))).to_be_visible()
