"""Course certification in the browser: a presenter submits a course, POST staff return it with
a comment, the presenter resubmits it, staff approve it and put it in the catalog."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.builders.policy import policy_pdf
from tests.e2e.helpers import STAFF, NewPage, assert_accessible, sign_in

pytestmark = pytest.mark.e2e

PRESENTER = ("admin@example.org", "admin-demo-2026")
TITLE = "Crisis Intervention for Patrol"


def _outline(name: str, title: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": policy_pdf(title)}


def test_a_course_is_submitted_returned_resubmitted_approved_and_put_in_the_catalog(
    new_page: NewPage,
) -> None:
    presenter = new_page()
    sign_in(presenter, *PRESENTER)
    main = presenter.get_by_role("navigation", name="Main")
    main.get_by_role("link", name="Course certification").click()
    expect(presenter.get_by_role("heading", level=1)).to_have_text("Course certification requests")
    assert_accessible(presenter, "the presenter's requests")
    presenter.get_by_role("link", name="New certification request").click()
    assert_accessible(presenter, "a new request")
    presenter.get_by_label("Course title").fill(TITLE)
    presenter.get_by_label("Distance learning").check()
    presenter.get_by_label("Hours requested").fill("8")
    presenter.get_by_label("Expanded course outline (PDF)").set_input_files(
        _outline("outline.pdf", "Crisis intervention outline")
    )
    presenter.get_by_label("Strategic communications (PSP IV)").check()
    presenter.get_by_label("Instructors").fill("Dana Reyes\nLee Park")
    presenter.get_by_role("button", name="Submit to POST").click()
    expect(presenter.get_by_role("status")).to_contain_text("submitted to POST")
    expect(presenter.locator("#request-status")).to_have_text("Submitted")
    request_url = presenter.url
    assert_accessible(presenter, "the submitted request")

    staff = new_page()
    sign_in(staff, *STAFF)
    staff.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Course certification"
    ).click()
    assert_accessible(staff, "staff's requests")
    staff.get_by_role("link", name=TITLE).click()
    assert_accessible(staff, "the review page")
    staff.get_by_label("Comments for the presenter").fill("Split the 8 hours by topic.")
    staff.get_by_role("button", name="Return with comments").click()
    expect(staff.get_by_role("status")).to_contain_text("returned to its presenter")

    presenter.goto(request_url)
    expect(presenter.locator("#certification-history")).to_contain_text(
        "Split the 8 hours by topic."
    )
    presenter.get_by_role("link", name="Modify and resubmit").click()
    expect(presenter.locator("#post-comments")).to_contain_text("Split the 8 hours by topic.")
    assert_accessible(presenter, "modify and resubmit")
    presenter.get_by_label("Hours requested").fill("10")
    presenter.get_by_label("Comments for POST").fill("Ten hours: two per topic.")
    presenter.get_by_role("button", name="Resubmit to POST").click()
    expect(presenter.get_by_role("status")).to_contain_text("resubmitted")
    history = presenter.locator("#certification-history")
    expect(history).to_contain_text("Modified and resubmitted")
    expect(history.get_by_role("row", name="Hours requested")).to_contain_text("8")
    expect(history.get_by_role("row", name="Hours requested")).to_contain_text("10")
    assert_accessible(presenter, "the history")

    staff.reload()
    staff.get_by_label("Course Certification Number").fill("1850-21796")  # the demo's own
    staff.get_by_label("CPT hours").fill("10")
    staff.get_by_role("button", name="Approve").click()
    expect(staff.get_by_text("Another course has this certification number")).to_be_visible()
    assert_accessible(staff, "an approval refused")
    staff.get_by_label("Course Certification Number").fill("1850-31001")
    staff.get_by_role("button", name="Approve").click()
    expect(staff.get_by_role("status")).to_contain_text("certified as 1850-31001")
    staff.get_by_role("button", name="Put in the catalog").click()
    expect(staff.get_by_role("status")).to_contain_text("is in the catalog")
    expect(staff.get_by_label("Course Certification Number")).to_have_value("1850-31001")
    expect(staff.get_by_label("CPT hours")).to_have_value("10.00")
    expect(staff.get_by_label("Credit rule")).to_have_value("automatic")

    presenter.goto(request_url)
    expect(presenter.locator("#request-status")).to_have_text("In the catalog")
    expect(presenter.locator("#certification-number")).to_have_text("1850-31001")
