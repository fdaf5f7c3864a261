"""A dispatcher uses the bundled resource LD 42 LGBTQ+ Training Resources (Tin Can) through its
own pages: registers from the catalog, reads the first topics, saves and exits, starts again on
the topic left, reads the rest, opens every document and comes back to the list, downloads a
PDF, and closes the resources; the LRS holds what was viewed, nothing is completed, and the
Training Profile shows nothing for it. Every page passes axe-core and fits 375 px."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect

from lms.accounts.models import Person
from lms.catalog.models import Registration
from lms.db import db
from tests.e2e.helpers import NewPage, assert_accessible, frame_overflow, sign_in

pytestmark = pytest.mark.e2e

TITLE = "LD 42 LGBTQ+ Training Resources"
DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")
ACTIVITY = "https://courses.post-lp.example/ld42-lgbtq-resources"
ADL = "http://adlnet.gov/expapi/verbs/"
PAGES = [
    "About these resources",
    "Respectful contact and communication",
    "Terminology",
    "Names and pronouns",
    "Searches, transport and custody",
    "Hate crimes and reporting",
    "Community resources",
    "The documents",
]
LEFT_AT = 2  # "Terminology"
DOCUMENTS = {  # the link's words: the document's name and its heading
    "terminology quick reference": ("terminology", "Terminology quick reference"),
    "names and pronouns field guide": ("names-and-pronouns", "Names and pronouns: a field guide"),
    "searches and custody checklist": (
        "searches-and-custody",
        "Searches, transport and custody: a checklist",
    ),
    "hate crime response checklist": (
        "hate-crime-response",
        "Hate crime response and reporting (PC 422.55, 422.6)",
    ),
    "community resources worksheet": ("community-resources", "Community resources worksheet"),
}


def _register_and_open(page: Page) -> None:
    page.get_by_role("link", name="Register for Courses").first.click()
    page.get_by_label("Search").fill("LGBTQ")
    page.get_by_role("button", name="Search").click()
    page.locator("li.course", has_text=TITLE).get_by_role(
        "button", name=re.compile("^Register")
    ).click()
    expect(page.locator(".flashes")).to_contain_text(f"registered for {TITLE}")
    page.get_by_role("link", name=re.compile(rf"^Open course.*{re.escape(TITLE)}")).click()
    expect(page.locator("#course-status")).to_have_text("not started")


def _start(page: Page) -> Frame:
    page.get_by_role("button", name=f"Start {TITLE}").click()
    frame = page.locator("#tincan-frame").element_handle().content_frame()
    assert frame is not None
    return frame


def _checked(frame: Frame, where: str) -> None:
    assert_accessible(frame, where)
    assert frame_overflow(frame) == 0, f"{where} scrolls sideways at 375 px"


def _on_page(frame: Frame, index: int) -> None:
    expect(frame.get_by_role("heading", level=2)).to_have_text(PAGES[index])
    expect(frame.locator(".pager-status")).to_have_text(f"Page {index + 1} of {len(PAGES)}")
    _checked(frame, f"{TITLE}, page {index + 1}")


def _statements(app: Flask, registration_uuid: str) -> list[dict]:
    assert app.extensions["bridge"].wait_idle(10)
    return [
        statement
        for _, statement in app.extensions["lrs"].read_from(0)
        if (statement.get("context") or {}).get("registration") == registration_uuid
    ]


def test_a_dispatcher_reads_the_ld42_resources_and_their_documents(
    new_page: NewPage, live_app: Flask
) -> None:
    page = new_page(viewport={"width": 375, "height": 812})
    sign_in(page, *DISPATCHER)
    _register_and_open(page)

    frame = _start(page)
    _on_page(frame, 0)
    for index in range(1, LEFT_AT + 1):
        frame.get_by_role("button", name="Next").click()
        _on_page(frame, index)
    frame.get_by_role("button", name="Save and exit").click()
    expect(page.locator("#tincan-left")).to_contain_text(f"You have left {TITLE}")
    expect(page.locator("#course-status")).to_have_text("in progress")

    frame = _start(page)
    _on_page(frame, LEFT_AT)  # the bookmark
    for index in range(LEFT_AT + 1, len(PAGES)):  # by keyboard: focus goes to the new page
        frame.get_by_role("button", name="Next").press("Enter")
        _on_page(frame, index)
        expect(frame.get_by_role("heading", level=2)).to_be_focused()

    for words, (name, heading) in DOCUMENTS.items():
        frame.get_by_role("link", name=f"Read the {words}").click()
        expect(frame.get_by_role("heading", level=1)).to_have_text(heading)
        expect(frame.get_by_role("button", name="Print")).to_be_visible()
        _checked(frame, f"the document {name}")
        frame.get_by_role("link", name="← Back to the resources").click()
        _on_page(frame, len(PAGES) - 1)  # back on the list, where the bookmark is

    pdf_url = frame.get_by_role("link", name="Download it as a PDF").first.get_attribute("href")
    pdf = page.request.get(frame.url.split("?")[0].rsplit("/", 1)[0] + "/" + pdf_url)
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    frame.get_by_role("button", name="Close the resources").click()
    expect(page.locator("#tincan-left")).to_contain_text(f"You have left {TITLE}")
    expect(page.locator("#course-status")).to_have_text("in progress")  # a resource: never done

    with live_app.app_context():
        registration = (
            db.session.query(Registration).join(Person).filter(Person.email == DISPATCHER[0]).one()
        )
        statements = _statements(live_app, registration.uuid)
        verbs = [s["verb"]["id"].removeprefix(ADL) for s in statements]
        assert verbs[0] == "attempted" and verbs[-1] == "exited"
        assert Counter(verbs) == {
            "attempted": 1,
            # two topics, then the one left on and the four after, then the five documents
            "experienced": 2 + 5 + 5,
            "exited": 2,
            "resumed": 1,
        }
        viewed = {
            s["object"]["id"].removeprefix(ACTIVITY + "/")
            for s in statements
            if s["verb"]["id"] == ADL + "experienced"
        }
        assert {f"documents/{name}" for name, _ in DOCUMENTS.values()} <= viewed
        assert "topics/hate-crimes" in viewed and len(viewed) == 6 + 5
        for statement in statements:
            assert statement["actor"]["account"]["name"] == "D21-000-002"
            assert statement["object"]["id"].startswith(ACTIVITY)
            assert "result" not in statement
        db.session.remove()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training Profile").click()
    expect(page.locator("#completed-courses")).to_contain_text("No completed courses yet.")
    expect(page.locator("#completed-courses")).not_to_contain_text(TITLE)
    expect(page.locator("#cpt-hours")).to_have_text("0")
