"""A training manager opens the agency dashboard: the cycle's figures agree with the compliance
page, the charts say what they show, a sub-affiliation is chosen, the person furthest behind is
one click from their activity, and the role's actions are one click away; on a phone it fits
the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import NewPage, assert_accessible, horizontal_overflow, sign_in

pytestmark = pytest.mark.e2e

MANAGER = ("admin@example.org", "admin-demo-2026")  # Capitol's LP administrator and manager
AGENCY = "Capitol City Police Department"


def open_dashboard(page) -> None:
    sign_in(page, *MANAGER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agency dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Agency dashboard: {AGENCY}")


def test_the_dashboard_figures_charts_and_actions(new_page: NewPage) -> None:
    page = new_page()
    open_dashboard(page)
    assert_accessible(page, "agency dashboard")
    on_track = page.locator('[data-figure="on-track"]').inner_text()
    completions = int(page.locator('[data-figure="completions"]').inner_text().replace(",", ""))
    assert completions > 0
    for chart in ("#months-chart", "#hours-chart", "#cpt-standing-chart"):
        expect(page.locator(chart)).to_be_visible()
    expect(page.locator("#hours-chart")).to_contain_text("Patrol")
    months = page.locator("#months-table tbody tr")
    page.get_by_text("The figures").click()
    expect(months.first).to_be_visible()
    by_month = sum(int(row.locator("td").nth(1).inner_text()) for row in months.all())
    assert by_month == completions

    # The compliance page judges the same people the same way.
    page.get_by_role("link", name="Compliance", exact=True).last.click()
    summary = page.locator("#compliance-summary").inner_text()
    assert re.match(r"\d+ of \d+", summary).group(0) == on_track
    page.go_back()

    # A sub-affiliation's own dashboard.
    page.get_by_label("Sub-affiliation", exact=True).select_option(label="Patrol")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agency dashboard: Patrol")
    expect(page.locator("#dashboard-groups tbody tr").first).to_contain_text("Patrol")

    # The person furthest behind, one click from their activity.
    first = page.locator("#attention-table tbody tr").first
    name = first.get_by_role("link").inner_text()
    first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.go_back()

    # The role's actions.
    actions = page.locator("#dashboard-actions")
    actions.get_by_role("link", name="Give access to facilitated courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Facilitated courses")
    page.go_back()
    actions.get_by_role("link", name="Enter a roster").click()
    expect(page).to_have_url(re.compile(r"/agency/presentations$"))
    page.go_back()
    actions.get_by_role("link", name="Add NPO users").click()
    expect(page.get_by_role("heading", name="Add a non-peace officer (NPO)")).to_be_visible()
    page.go_back()
    actions.get_by_role("link", name="Create sub-affiliations").click()
    expect(page.get_by_role("heading", name="Sub-affiliations")).to_be_visible()


def test_the_dashboard_fits_a_phone(new_page: NewPage) -> None:
    page = new_page(viewport={"width": 360, "height": 740})
    open_dashboard(page)
    expect(page.locator("#months-chart")).to_be_visible()
    assert horizontal_overflow(page) == 0
