"""A training manager facilitates Preliminary Investigations & Evidence: schedules a presentation
facilitated at the agency, opens the course video with its captions and the facilitator's guide,
enters a roster by pasting a POST-ID and another by uploading a CSV, corrects nothing but sees
each roster's lines and history; the attendee's Training Profile shows the roster's hours."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from lms.accounts.models import Agency
from lms.db import db
from tests.e2e.helpers import NewPage, assert_accessible, sign_in
from tests.factories import PASSWORD, make_officer

pytestmark = pytest.mark.e2e

MANAGER = ("admin@example.org", "admin-demo-2026")
COURSE = "Preliminary Investigations & Evidence"


def test_a_facilitator_enters_rosters_by_paste_and_csv_and_the_profile_shows_the_hours(
    new_page: NewPage, live_app: Flask, tmp_path
) -> None:
    with live_app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.agency_number == "90001"))
        pasted = make_officer(
            agency, email="pasted@example.org", first_name="Paste", last_name="Lane"
        )
        uploaded = make_officer(agency, email="csv@example.org", first_name="Cass", last_name="Vee")
        ticked = make_officer(agency, email="tick@example.org", first_name="Tick", last_name="Box")
        pasted_id, uploaded_id, ticked_id = pasted.post_id, uploaded.post_id, ticked.post_id
    today = dt.date.today()
    page = new_page()
    sign_in(page, *MANAGER)
    page.get_by_role("link", name="Presentations and rosters").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Presentations of Capitol City")
    assert_accessible(page, "presentations")
    page.get_by_label("Course", exact=True).select_option(label=COURSE)
    page.get_by_label("Starts on").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Ends on").fill(today.isoformat())
    page.get_by_label("Facilitated at the agency").check()
    page.get_by_role("button", name="Schedule").click()
    expect(page.locator(".flashes")).to_contain_text("is scheduled")
    expect(page.locator(".flashes")).to_contain_text("fewer than 30 days")
    fiscal_year = (today.year + 1 if today.month >= 7 else today.year) % 100
    # The demo's own presentation of the course this fiscal year is 001.
    expect(page.locator("#ccn")).to_have_text(f"1850-21796-{fiscal_year:02d}002")
    assert_accessible(page, "presentation")

    # The materials: the video with its captions, the guide.
    page.get_by_role("link", name="The course's video and materials").click()
    video = page.locator("#facilitated-video")
    expect(video).to_be_visible()
    expect(video.locator("track[kind=captions]")).to_have_count(1)
    page.wait_for_function(
        "() => { const t = document.querySelector('#facilitated-video').textTracks[0];"
        " return t && t.cues && t.cues.length > 0; }"
    )
    assert (
        page.locator("#facilitator-guide").get_attribute("href").endswith("facilitator-guide.pdf")
    )
    assert_accessible(page, "materials")
    page.go_back()

    # A roster by pasting, with an error first: nothing is written until every line is right.
    page.get_by_label("Attendees' POST-IDs").fill(f"{pasted_id}\nZ99-999-999")
    page.get_by_label("Date attended (for lines without one)").fill(today.isoformat())
    page.get_by_label("Hours (for lines without them)").fill("2")
    page.get_by_role("button", name="Submit the roster").click()
    expect(page.locator("#roster-errors")).to_contain_text(
        "Line 2: no one has the POST-ID Z99-999-999"
    )
    assert_accessible(page, "roster errors")
    page.get_by_label("Attendees' POST-IDs").fill(pasted_id)
    page.get_by_label("Date attended (for lines without one)").fill(today.isoformat())
    page.get_by_label("Hours (for lines without them)").fill("2")
    page.get_by_role("button", name="Submit the roster").click()
    expect(page.locator(".flashes")).to_contain_text("roster of 1 attendees is submitted")
    expect(page.locator("#roster-lines")).to_contain_text(pasted_id)
    expect(page.locator("#roster-history")).to_contain_text("Submitted")
    assert_accessible(page, "roster")

    # A roster of a person found by searching the agency's people and ticked.
    page.get_by_role("link", name="← Presentation").click()
    page.get_by_label("Search your agency's people").fill("Box")
    expect(page.locator("#people-search-status")).to_have_text("1 person shown")
    page.get_by_label(f"Box, Tick ({ticked_id})").check()
    page.get_by_label("Date attended (for lines without one)").fill(today.isoformat())
    page.get_by_label("Hours (for lines without them)").fill("1")
    page.get_by_role("button", name="Submit the roster").click()
    expect(page.locator("#roster-lines")).to_contain_text(ticked_id)  # a second roster

    # A roster by CSV.
    page.get_by_role("link", name="← Presentation").click()
    csv_file = tmp_path / "roster.csv"
    csv_file.write_text(f"post_id,date,hours\n{uploaded_id},{today.isoformat()},1.5\n")
    page.get_by_label("Or upload a CSV").set_input_files(str(csv_file))
    page.get_by_role("button", name="Submit the roster").click()
    expect(page.locator("#roster-lines")).to_contain_text(uploaded_id)

    assert live_app.extensions["bridge"].wait_idle(10)
    learner = new_page()
    sign_in(learner, "csv@example.org", PASSWORD)
    learner.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Training Profile"
    ).click()
    expect(learner.locator("#cpt-hours")).to_have_text("1.5")
    expect(learner.locator("#completed-courses tbody tr").first).to_contain_text(COURSE)
