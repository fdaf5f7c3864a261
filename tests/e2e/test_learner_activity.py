"""A training manager reads the Learner Activity report: filters it to one course's
completions, downloads that table as CSV, and drills from a person to their attempts and to
the statement behind a CPT entry; on a phone the report fits the screen."""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import NewPage, assert_accessible, horizontal_overflow, sign_in

pytestmark = pytest.mark.e2e

MANAGER = ("admin@example.org", "admin-demo-2026")
COURSE = "Dispatcher Critical Incidents"


def test_a_filtered_report_its_csv_and_the_drill_down(new_page: NewPage, tmp_path) -> None:
    page = new_page()
    sign_in(page, *MANAGER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance").click()
    page.get_by_role("link", name="Learner activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Learner activity: Capitol City Police Department"
    )
    assert_accessible(page, "learner activity")
    page.get_by_label("Course").select_option(label=COURSE)
    page.get_by_label("Status").select_option(label="Completed")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#activity-count")).to_contain_text("2 registrations")
    rows = page.locator("#activity-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(COURSE)
    expect(page.locator("#activity-table")).to_contain_text("Renee Holloway")
    expect(page.locator("#activity-table")).to_contain_text("Theo Marchetti")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all 2 as CSV").click()
    saved = tmp_path / "activity.csv"
    download_info.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert sorted(row["last_name"] for row in exported) == ["Holloway", "Marchetti"]
    assert {row["course"] for row in exported} == {COURSE}
    assert {row["status"] for row in exported} == {"completed"}
    assert all(int(row["attempts"]) >= 1 and row["completed_at"] for row in exported)

    # From the person to their attempts and to the statement behind a CPT entry.
    page.locator("#activity-table").get_by_role("link", name="Renee Holloway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Renee Holloway")
    assert_accessible(page, "person's activity")
    page.locator("#person-registrations").get_by_role("link", name=COURSE).click()
    expect(page.locator("#attempts-table tbody tr").first).to_contain_text("1")
    expect(page.locator("#statements-table")).to_contain_text("completed")
    assert_accessible(page, "registration's attempts")
    page.go_back()
    page.locator("#person-entries").get_by_role(
        "link", name=f"The statement behind {COURSE}"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Statement ")
    expect(page.locator(".statement-json")).to_contain_text('"registration"')
    assert_accessible(page, "statement")


def test_the_report_fits_a_phone(new_page: NewPage) -> None:
    page = new_page(viewport={"width": 360, "height": 740})
    sign_in(page, *MANAGER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance").click()
    page.get_by_role("link", name="Learner activity").click()
    expect(page.locator("#activity-table")).to_be_visible()
    assert horizontal_overflow(page) == 0
