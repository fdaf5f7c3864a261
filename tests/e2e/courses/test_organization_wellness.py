"""A dispatcher takes the bundled course Organization Wellness (Tin Can) through its own pages:
registers from the catalog, reads the first modules, saves and exits midway, starts again on the
page left, answers the self-check and finishes; the LRS holds the course's statements and its
bookmark, and the Training Profile shows nothing for it (a resource: no CPT, no completion).
Every page passes axe-core and fits 375 px."""

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

TITLE = "Organization Wellness"
DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")
ACTIVITY = "https://courses.post-lp.example/organization-wellness"
ADL = "http://adlnet.gov/expapi/verbs/"
PAGES = [
    "Welcome: the wellness of an agency and its people",
    "Stress and critical-incident stress",
    "Sleep and shift work",
    "Physical fitness and nutrition",
    "Peer support and employee assistance",
    "Financial and family wellness",
    "Leadership's role",
    "Where to get help",
    "Self-check and reflection",
]
LEFT_AT = 3  # "Physical fitness and nutrition"


def _register_and_open(page: Page) -> None:
    page.get_by_role("link", name="Register for Courses").first.click()
    page.get_by_label("Search").fill("wellness")
    page.get_by_role("button", name="Search").click()
    page.locator("li.course", has_text=TITLE).get_by_role(
        "button", name=re.compile("^Register")
    ).click()
    expect(page.locator(".flashes")).to_contain_text(f"registered for {TITLE}")
    page.get_by_role("link", name=re.compile(rf"^Open course.*{TITLE}")).click()
    expect(page.locator("#course-status")).to_have_text("not started")


def _start(page: Page) -> Frame:
    page.get_by_role("button", name=f"Start {TITLE}").click()
    frame = page.locator("#tincan-frame").element_handle().content_frame()
    assert frame is not None
    return frame


def _on_page(frame: Frame, index: int) -> None:
    """The course shows page `index`, accessible and without horizontal scrolling."""
    expect(frame.get_by_role("heading", level=2)).to_have_text(PAGES[index])
    expect(frame.locator(".pager-status")).to_have_text(f"Page {index + 1} of {len(PAGES)}")
    assert_accessible(frame, f"{TITLE}, page {index + 1}")
    assert frame_overflow(frame) == 0, f"page {index + 1} scrolls sideways at 375 px"


def _answer(frame: Frame, prompt: str, choices: list[str]) -> None:
    question = frame.locator("fieldset.question", has_text=prompt)
    for choice in choices:
        question.get_by_label(choice).check()
    question.get_by_role("button", name="Check answer").click()


def _statements(app: Flask, registration_uuid: str) -> list[dict]:
    assert app.extensions["bridge"].wait_idle(10)
    return [
        statement
        for _, statement in app.extensions["lrs"].read_from(0)
        if (statement.get("context") or {}).get("registration") == registration_uuid
    ]


def test_a_dispatcher_reads_organization_wellness_leaves_resumes_and_finishes(
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

    _answer(frame, "still replays it at night", ["It is a common reaction"])
    _answer(
        frame,
        "night shifts sleep and stay alert",
        ["A dark, cool, quiet bedroom", "A nap of 20 to 30 minutes", "Keeping part of the sleep"],
    )
    _answer(frame, "Everyone would be better off", ["Promise to keep it between"])
    _answer(frame, "sergeant does the most", ["Checking in after hard calls"])
    feedback = frame.locator("fieldset.question .feedback")
    expect(feedback.nth(0)).to_contain_text("Correct.")
    expect(feedback.nth(1)).to_contain_text("Correct.")
    expect(feedback.nth(2)).to_contain_text("Not quite.")
    expect(feedback.nth(2)).to_contain_text("do not promise secrecy")
    expect(feedback.nth(3)).to_contain_text("Correct.")
    frame.get_by_label("Your notes (not saved)").fill("Call the EAP about sleep.")
    assert_accessible(frame, f"{TITLE}, the self-check answered")

    frame.get_by_role("button", name="Finish the course").click()
    expect(frame.get_by_role("heading", level=2)).to_have_text(f"You have finished {TITLE}")
    assert_accessible(frame, f"{TITLE}, finished")
    assert frame_overflow(frame) == 0
    frame.get_by_role("button", name="Exit the course").click()
    expect(page.locator("#tincan-left")).to_contain_text(f"You have left {TITLE}")
    expect(page.locator("#course-status")).to_have_text("completed")

    with live_app.app_context():
        registration = (
            db.session.query(Registration).join(Person).filter(Person.email == DISPATCHER[0]).one()
        )
        statements = _statements(live_app, registration.uuid)
        verbs = [s["verb"]["id"].removeprefix(ADL) for s in statements]
        assert verbs[0] == "attempted" and verbs[-1] == "terminated"
        assert Counter(verbs) == {
            "attempted": 1,
            "experienced": 3 + 5,  # three modules, then the one left on and the four after
            "suspended": 1,
            "resumed": 1,
            "answered": 4,
            "completed": 1,
            "terminated": 1,
        }
        assert verbs.index("suspended") < verbs.index("resumed") < verbs.index("completed")
        by_verb = {s["verb"]["id"].removeprefix(ADL): s for s in statements}
        assert by_verb["completed"]["object"]["id"] == ACTIVITY
        assert by_verb["completed"]["result"]["completion"] is True
        modules = {s["object"]["id"] for s in statements if s["verb"]["id"] == ADL + "experienced"}
        assert f"{ACTIVITY}/modules/help" in modules and len(modules) == 7
        answers = {
            s["object"]["id"].rsplit("/", 1)[1]: s["result"]["success"]
            for s in statements
            if s["verb"]["id"] == ADL + "answered"
        }
        assert answers == {
            "reactions": True,
            "night-sleep": True,
            "coworker-at-risk": False,
            "leadership": True,
        }
        for statement in statements:
            assert statement["actor"]["account"]["name"] == "D21-000-002"
            assert statement["object"]["id"].startswith(ACTIVITY)
            assert "Call the EAP" not in str(statement)  # the reflection stays on the screen
        bookmark = live_app.extensions["lrs"].get_document(
            "state",
            "bookmark",
            activity_id=ACTIVITY,
            agent=statements[0]["actor"],
            registration=registration.uuid,
        )
        assert bookmark is not None
        assert '"done": true' in bookmark.content.decode().replace('":true', '": true')
        db.session.remove()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training Profile").click()
    expect(page.locator("#completed-courses")).to_contain_text("No completed courses yet.")
    expect(page.locator("#completed-courses")).not_to_contain_text(TITLE)
    expect(page.locator("#cpt-hours")).to_have_text("0")
