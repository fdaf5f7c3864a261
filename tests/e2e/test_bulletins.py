"""POST staff publish a bulletin with a PDF; an officer finds it marked New on the dashboard,
opens it (and its PDF), and it is New no more."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.builders.policy import policy_pdf
from tests.e2e.helpers import STAFF, NewPage, assert_accessible, sign_in

pytestmark = pytest.mark.e2e

OFFICER = ("officer@example.org", "officer-demo-2026")
TITLE = "Training Bulletin 26-04: pursuit guidelines"


def test_staff_publish_a_bulletin_an_officer_reads(new_page: NewPage, tmp_path: Path) -> None:
    pdf = tmp_path / "bulletin-26-04.pdf"
    pdf.write_bytes(policy_pdf("Training Bulletin 26-04"))
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("plain text, whatever the name says")

    staff = new_page()
    sign_in(staff, *STAFF)
    staff.get_by_role("link", name="Publish bulletins").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Bulletins")
    expect(staff.get_by_label("Date")).to_have_value(dt.date.today().isoformat())
    assert_accessible(staff, "the staff bulletins page")

    staff.get_by_label("Title").fill(TITLE)
    staff.get_by_label("Text").fill("The guidelines change on 1 January.\n\nRead the PDF.")
    staff.get_by_label("PDF (optional)").set_input_files(str(not_pdf))
    staff.get_by_role("button", name="Publish").click()
    expect(staff.locator("#pdf-error")).to_contain_text("not a PDF file")
    expect(staff.get_by_label("Title")).to_have_value(TITLE)
    assert_accessible(staff, "the bulletin form with an error")

    staff.get_by_label("PDF (optional)").set_input_files(str(pdf))
    staff.get_by_role("button", name="Publish").click()
    expect(staff.get_by_text("published to every account")).to_be_visible()
    expect(staff.get_by_role("row").filter(has_text=TITLE)).to_contain_text("bulletin-26-04.pdf")

    officer = new_page()
    sign_in(officer, *OFFICER)
    # The demo officer links a POST-ID first, as every officer does before the dashboard.
    officer.get_by_label("POST-ID").fill("B12-345-678")
    officer.get_by_role("button", name="Link my POST-ID").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Welcome, Alex")
    panel = officer.locator("#bulletins")
    row = panel.get_by_role("listitem").filter(has_text=TITLE)
    expect(row).to_contain_text("New")
    assert_accessible(officer, "the dashboard with a new bulletin")

    row.get_by_role("link", name=TITLE).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(officer.get_by_text("The guidelines change on 1 January.")).to_be_visible()
    assert_accessible(officer, "the bulletin")
    link = officer.get_by_role("link", name="Open the PDF")
    response = officer.request.get(link.get_attribute("href") or "")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == pdf.read_bytes()

    officer.goto("/dashboard")
    row = officer.locator("#bulletins").get_by_role("listitem").filter(has_text=TITLE)
    expect(row).to_be_visible()
    expect(row).not_to_contain_text("New")
