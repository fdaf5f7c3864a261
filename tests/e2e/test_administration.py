"""Agency administration and access requests, driven through the pages as their users would."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import NewPage, sign_in

pytestmark = pytest.mark.e2e

ADMIN = ("admin@example.org", "admin-demo-2026")
STAFF = ("staff@example.org", "staff-demo-2026")
INVITATION_URL = re.compile(r"^http://127\.0\.0\.1:\d+/invitations/\S+$")


def _section(page: Page, heading: str) -> Locator:
    return page.locator("section", has=page.get_by_role("heading", name=heading, exact=True))


def _flash(page: Page) -> Locator:
    return page.locator(".flashes")


def _person_row(page: Page, name: str) -> Locator:
    people = _section(page, "People")
    return people.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def _set_password(page: Page, invitation_link: str, password: str) -> None:
    page.goto(invitation_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Set my password").click()


def test_lp_administrator_manages_the_agency_and_invites_an_npo(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, *ADMIN)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My agency").click()
    # One agency to administer: the list leads straight to it.
    expect(page).to_have_url(re.compile(r"/agencies/\d+/$"))
    agency_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Capitol City Police Department (90001)"
    )

    # A new sub-affiliation, at the top level.
    subs = _section(page, "Sub-affiliations")
    subs.get_by_label("Name", exact=True).fill("Traffic Unit")
    subs.get_by_label("Inside").select_option(label="(top level)")
    subs.get_by_role("button", name="Create").click()
    expect(page).to_have_url(agency_url)
    expect(_flash(page)).to_contain_text("Sub-affiliation “Traffic Unit” created.")
    subs = _section(page, "Sub-affiliations")
    expect(subs.get_by_role("link", name="Traffic Unit")).to_be_visible()

    # Renamed on its own page.
    subs.get_by_role("link", name="Traffic Unit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sub-affiliation: Traffic Unit")
    expect(page.get_by_label("New name")).to_have_value("Traffic Unit")
    page.get_by_label("New name").fill("Traffic Division")
    page.get_by_role("button", name="Rename").click()
    expect(page).to_have_url(agency_url)
    expect(_flash(page)).to_contain_text("Sub-affiliation renamed to “Traffic Division”.")
    subs = _section(page, "Sub-affiliations")
    expect(subs.get_by_role("link", name="Traffic Division")).to_be_visible()
    expect(subs.get_by_role("link", name="Traffic Unit")).to_have_count(0)

    # The demo officer, in Patrol so far, moved into it.
    expect(_person_row(page, "Alex Rivera")).to_contain_text("Patrol")
    _person_row(page, "Alex Rivera").get_by_role("link", name="Alex Rivera").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alex Rivera")
    expect(page.get_by_label("Sub-affiliation")).to_have_value(re.compile(r"^\d+$"))
    page.get_by_label("Sub-affiliation").select_option(label="Traffic Division")
    page.get_by_role("button", name="Move").click()
    expect(page).to_have_url(agency_url)
    expect(_flash(page)).to_contain_text("Alex Rivera moved.")
    expect(_person_row(page, "Alex Rivera").get_by_role("cell").nth(3)).to_have_text(
        "Traffic Division"
    )

    # An NPO, added and given a one-time link.
    npo = _section(page, "Add a non-peace officer (NPO)")
    npo.get_by_label("First name").fill("Jamie")
    npo.get_by_label("Last name").fill("Park")
    npo.get_by_label("E-mail address").fill("jamie.park@example.org")
    npo.get_by_role("button", name="Add and invite").click()
    expect(_flash(page)).to_contain_text(
        "Jamie Park was added. Send them this one-time link to set a password."
    )
    link = page.locator(".invitation-link")
    expect(link).to_have_text(INVITATION_URL)
    invitation_link = link.inner_text().strip()
    row = _person_row(page, "Jamie Park")
    expect(row).to_contain_text("invited")
    expect(row).to_contain_text("Non-peace officer (NPO)")

    # The NPO, on their own device, sets a password and lands on the dashboard.
    npo_page = new_page()
    npo_page.goto(invitation_link)
    expect(npo_page.get_by_role("main")).to_contain_text("Welcome, Jamie Park.")
    expect(npo_page.get_by_role("main")).to_contain_text("jamie.park@example.org")
    _set_password(npo_page, invitation_link, "jamie-park-password-1")
    expect(npo_page).to_have_url(re.compile(r"/dashboard$"))
    expect(_flash(npo_page)).to_contain_text("Your password is set and you are signed in.")
    expect(npo_page.get_by_role("heading", level=1)).to_have_text("Welcome, Jamie")
    account = npo_page.get_by_role("region", name="Your account")
    expect(account).to_contain_text("Non-peace officer (NPO)")
    expect(account).to_contain_text("Capitol City Police Department (90001)")

    # The link worked once.
    npo_page.goto(invitation_link)
    expect(npo_page.get_by_role("heading", level=1)).to_have_text("Invitation not valid")

    # And the administrator sees the NPO is no longer only invited.
    page.goto(agency_url)
    expect(_person_row(page, "Jamie Park")).not_to_contain_text("invited")


def test_access_request_approved_by_post_staff_makes_a_new_lp_administrator(
    new_page: NewPage,
) -> None:
    visitor = new_page()
    visitor.goto("/")
    visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Agency access").click()
    expect(visitor).to_have_url(re.compile(r"/request-access$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Ask for access for your agency")
    visitor.get_by_label("Organisation", exact=True).fill("Bayview Harbor Patrol")
    visitor.get_by_label("Your first name").fill("Dana")
    visitor.get_by_label("Your last name").fill("Whitfield")
    visitor.get_by_label("Your e-mail address").fill("Dana.Whitfield@Example.net")
    visitor.get_by_label("Your phone number").fill("(555) 010-0123")
    visitor.get_by_label("Why does your organisation need access?").fill(
        "Our harbor patrol officers join the county's mutual-aid exercises."
    )
    visitor.get_by_role("button", name="Send the request").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Request received")

    staff = new_page()
    sign_in(staff, *STAFF)
    expect(staff).to_have_url(re.compile(r"/dashboard$"))
    staff.get_by_role("navigation", name="Main").get_by_role("link", name="Access requests").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Access requests")
    request_row = staff.get_by_role("row").filter(has_text="Bayview Harbor Patrol")
    expect(request_row).to_contain_text("Dana Whitfield")
    expect(request_row).to_contain_text("pending")
    request_row.get_by_role("link", name="Bayview Harbor Patrol").click()

    expect(staff.get_by_role("heading", level=1)).to_have_text("Bayview Harbor Patrol")
    expect(staff.get_by_role("main")).to_contain_text("dana.whitfield@example.net")
    staff.get_by_label("Note (optional)").fill("Mutual-aid partner; approved.")
    staff.get_by_role("button", name="Approve and invite").click()
    expect(_flash(staff)).to_contain_text(
        re.compile(r"Approved: Bayview Harbor Patrol \(NP\d{5}\) was created\.")
    )
    notice = staff.locator(".notice")
    expect(notice).to_contain_text("One-time link for dana.whitfield@example.net")
    link = notice.locator(".invitation-link")
    expect(link).to_have_text(INVITATION_URL)
    invitation_link = link.inner_text().strip()
    expect(staff.locator(".badge")).to_have_text("approved")
    expect(staff.get_by_role("button", name="Approve and invite")).to_have_count(0)

    administrator = new_page()
    _set_password(administrator, invitation_link, "bayview-admin-password")
    expect(administrator).to_have_url(re.compile(r"/dashboard$"))
    expect(administrator.get_by_role("heading", level=1)).to_have_text("Welcome, Dana")
    account = administrator.get_by_role("region", name="Your account")
    expect(account).to_contain_text("LP administrator")
    expect(account).to_contain_text(re.compile(r"Bayview Harbor Patrol \(NP\d{5}\)"))

    nav = administrator.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="My agency").click()
    expect(administrator).to_have_url(re.compile(r"/agencies/\d+/$"))
    expect(administrator.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Bayview Harbor Patrol \(NP\d{5}\)$")
    )
    expect(administrator.get_by_role("main")).to_contain_text("Outside the POST program.")
    row = _person_row(administrator, "Dana Whitfield")
    expect(row).to_contain_text("LP administrator")
    expect(row).not_to_contain_text("invited")
    # Only their own agency: the demo agencies stay out of reach.
    expect(administrator.get_by_role("main")).not_to_contain_text("Capitol City")
