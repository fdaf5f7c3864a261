"""A learner's completions reach their Training Profile; the training manager sees compliance."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.e2e.helpers import NewPage, record_completion, sign_in

pytestmark = pytest.mark.e2e

DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")
ADMIN = ("admin@example.org", "admin-demo-2026")


# What completes each demo course (its credit rule): Dispatcher Critical Incidents is completed
# by its post-test's passed; a cmi5 course by the portal's satisfied for the course.
PASSED = "http://adlnet.gov/expapi/verbs/passed"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"


def test_a_completion_appears_on_the_training_profile(new_page: NewPage, live_app: Flask) -> None:
    statement_id = record_completion(
        live_app, "D21-000-002", "Dispatcher Critical Incidents", PASSED
    )
    page = new_page()
    sign_in(page, *DISPATCHER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training Profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training Profile")
    expect(page.locator("#cpt-hours")).to_have_text("2")
    expect(page.locator("#cpt-standing")).to_contain_text("22 hours still needed")
    row = page.locator("#completed-courses tbody tr").first
    expect(row).to_contain_text("Dispatcher Critical Incidents")
    expect(row).to_contain_text(statement_id)
    # A dispatcher has no Perishable Skills Program and no officer mandates.
    expect(page.locator("#psp-summary")).to_have_count(0)
    expect(page.locator("#mandates")).to_have_count(0)


def test_the_training_manager_filters_sorts_and_exports_compliance(
    new_page: NewPage, live_app: Flask
) -> None:
    record_completion(live_app, "M19-000-003", "Vehicle Pursuit Policy Update", SATISFIED)
    page = new_page()
    sign_in(page, *ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compliance: Capitol City")
    table = page.locator("#compliance-table")
    expect(table).to_contain_text("Jordan Lee")
    expect(table).to_contain_text("Morgan Chen")
    expect(page.locator("#progress-chart")).to_be_visible()
    morgan = table.locator("tr", has_text="Morgan Chen")
    expect(morgan).to_contain_text("High-speed vehicle pursuit: met")

    page.get_by_label("Sub-affiliation", exact=True).select_option(label="Dispatch Center")
    page.get_by_role("button", name="Apply").click()
    expect(table).to_contain_text("Jordan Lee")
    expect(table).not_to_contain_text("Morgan Chen")  # not of the Dispatch Center

    page.get_by_label("Sub-affiliation", exact=True).select_option(label="The whole agency")
    page.get_by_role("button", name="Apply").click()
    table.get_by_role("link", name="CPT hours").click()
    expect(page).to_have_url(re.compile(r"sort=hours"))
    table.get_by_role("link", name="CPT hours").click()  # again: highest first

    with page.expect_download() as download:
        page.get_by_role("link", name="Download this table as CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    hours = [float(row["cpt_hours"]) for row in rows]
    assert hours == sorted(hours, reverse=True)  # highest first, as the table was sorted
    assert next(row for row in rows if row["last_name"] == "Chen")["cpt_hours"] == "2.00"
