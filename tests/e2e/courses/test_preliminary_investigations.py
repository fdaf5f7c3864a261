"""A peace officer takes the bundled course Preliminary Investigations & Evidence (SCORM 1.2)
through its own pages: registers from the catalog, reads every page of the four lessons, watches
the captioned video, fails one knowledge check and passes it on a new attempt, suspends a lesson
and resumes on the page left, and finishes; the LRS holds the xAPI SCORM Profile statements and
the Training Profile shows the course's 4 CPT hours. Every page passes axe-core."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect
from sqlalchemy import select

from lms.accounts.models import Agency
from lms.catalog.models import Course, Registration
from lms.db import db
from lms.player.scorm.models import ScoAttempt
from tests.e2e.courses.helpers import (
    CONTENT_PACKAGES,
    fits_at_375,
    open_scorm_course,
    questions_of,
    register_from_catalog,
    scorm_statements,
)
from tests.e2e.helpers import NewPage, assert_accessible, sign_in
from tests.factories import PASSWORD, make_officer

pytestmark = pytest.mark.e2e

TITLE = "Preliminary Investigations & Evidence"
PACKAGE = CONTENT_PACKAGES / "preliminary-investigations/package"
LESSONS = {  # item identifier: (lesson number, its folder)
    "SCENE": (1, "1-scene"),
    "PEOPLE": (2, "2-people"),
    "EVIDENCE": (3, "3-evidence"),
    "REPORT": (4, "4-report"),
}


def _questions(item: str) -> list[dict]:
    return questions_of(PACKAGE / LESSONS[item][1] / "index.html")


def _lesson_frame(page: Page, item: str) -> Frame:
    """The lesson now in the player's frame, once its page has started."""
    number = LESSONS[item][0]
    sco = page.frame_locator("#sco-frame")
    expect(sco.get_by_role("heading", level=1)).to_contain_text(f"Lesson {number} of 4")
    frame = page.locator("#sco-frame").element_handle().content_frame()
    assert frame is not None
    return frame


def _read_pages(frame: Frame, item: str, first: int = 1) -> None:
    """Read from page `first` up to the knowledge check, checking each page as it shows."""
    count = frame.locator("#pages > section.page").count()
    for number in range(first, count):
        expect(frame.locator(".pager-status")).to_have_text(f"Page {number} of {count}")
        assert_accessible(frame, f"{item} page {number}")
        frame.get_by_role("button", name="Next", exact=True).click()
    expect(frame.locator(".pager-status")).to_have_text(f"Page {count} of {count}")
    expect(frame.get_by_role("heading", level=2, name="Knowledge check")).to_be_focused()


def _answer(frame: Frame, item: str, wrong: int = 0) -> None:
    """Answer the knowledge check, the first `wrong` questions wrongly, and submit it."""
    frame.get_by_role("button", name="Submit knowledge check").click()
    expect(frame.locator("#submit-notice")).to_contain_text("question 1 has no answer yet")
    for n, question in enumerate(_questions(item)):
        box = frame.locator(f"#question-{question['id']}")
        answer = question["answer"]
        if n < wrong:
            answer = next(c["id"] for c in question["choices"] if c["id"] not in answer)
        texts = {choice["id"]: choice["text"] for choice in question["choices"]}
        for choice in [answer] if isinstance(answer, str) else answer:
            box.get_by_label(texts[choice], exact=True).check()
        box.get_by_role("button", name="Check answer").click()
        expected = question["feedback"]["incorrect" if n < wrong else "correct"]
        expect(box.get_by_role("status")).to_have_text(
            ("Not quite. " if n < wrong else "Correct. ") + expected
        )
    assert_accessible(frame, f"{item} knowledge check answered")
    frame.get_by_role("button", name="Submit knowledge check").click()
    expect(frame.get_by_role("heading", name="Your result")).to_be_focused()
    assert_accessible(frame, f"{item} result")


def _finish_lesson(page: Page, frame: Frame) -> None:
    frame.get_by_role("button", name="Finish lesson").click()
    expect(page.locator("#player-message")).to_contain_text("This part is finished.")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")


def _watch_video(frame: Frame) -> None:
    """The video has loaded its length, has its English captions on, and plays."""
    video = frame.evaluate(
        """() => new Promise((resolve) => {
          const v = document.querySelector("video");
          const report = () => resolve({
            readyState: v.readyState, duration: v.duration, error: v.error && v.error.code,
            tracks: Array.from(v.textTracks).map((t) => [t.kind, t.language, t.label, t.mode]),
          });
          if (v.readyState >= 1) report(); else v.addEventListener("loadedmetadata", report);
        })"""
    )
    assert video["error"] is None and video["readyState"] >= 1
    assert 60 <= video["duration"] <= 120
    assert video["tracks"] == [["captions", "en", "English", "showing"]]
    frame.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    frame.wait_for_function("() => document.querySelector('video').currentTime > 0")
    frame.evaluate("() => document.querySelector('video').pause()")


def _open_transcript_and_guide(page: Page, frame: Frame) -> None:
    """The transcript opens in a new tab and is accessible; the guide is a PDF in the package."""
    with page.context.expect_page() as opened:
        frame.get_by_role("link", name=re.compile("Read the video transcript")).click()
    transcript = opened.value
    expect(transcript.get_by_role("heading", level=1)).to_have_text(
        "Transcript: The first officer at the scene"
    )
    expect(transcript.get_by_role("heading", level=2)).to_have_count(11)
    assert_accessible(transcript, "the video transcript")
    transcript.close()
    guide = frame.get_by_role("link", name=re.compile("Facilitator's guide")).evaluate(
        "(link) => link.href"
    )
    response = page.request.get(guide)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_an_officer_takes_the_course_through_its_pages_and_earns_4_cpt(
    new_page: NewPage, live_app: Flask
) -> None:
    with live_app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.agency_number == "90001"))
        officer = make_officer(agency, email="first.officer@example.org")
        officer_id = officer.id
        course_id = db.session.scalar(select(Course.id).where(Course.title == TITLE))
    page = new_page()
    sign_in(page, "first.officer@example.org", PASSWORD)
    register_from_catalog(page, "preliminary", TITLE)
    with live_app.app_context():
        registration_id = db.session.scalar(
            select(Registration.id).where(
                Registration.person_id == officer_id, Registration.course_id == course_id
            )
        )
    open_scorm_course(page, TITLE)

    # Lesson 1, with the course video: captioned, playable, and usable at 375 px.
    frame = _lesson_frame(page, "SCENE")
    assert_accessible(frame, "SCENE page 1")
    frame.get_by_role("button", name="Next", exact=True).click()
    expect(frame.get_by_role("heading", level=2)).to_have_text(
        "Course video: the first officer at the scene"
    )
    _watch_video(frame)
    _open_transcript_and_guide(page, frame)
    fits_at_375(page, frame)
    frame.get_by_role("button", name="Previous").click()
    _read_pages(frame, "SCENE")
    _answer(frame, "SCENE")
    expect(frame.locator("#result")).to_contain_text("You scored 100%. The passing score is 80%.")
    _finish_lesson(page, frame)

    # Lesson 2: failed first, then passed on a new attempt chosen from the contents.
    page.get_by_role("button", name="Continue").click()
    frame = _lesson_frame(page, "PEOPLE")
    _read_pages(frame, "PEOPLE")
    _answer(frame, "PEOPLE", wrong=3)
    expect(frame.locator("#result")).to_contain_text("You scored 50%. The passing score is 80%.")
    _finish_lesson(page, frame)
    toc = page.locator("#toc-list")
    expect(toc).to_contain_text("failed 50%")
    toc.get_by_role("button", name=re.compile("Witnesses, victims and suspects")).click()
    frame = _lesson_frame(page, "PEOPLE")
    expect(frame.locator(".pager-status")).to_have_text("Page 1 of 6")
    _read_pages(frame, "PEOPLE")
    _answer(frame, "PEOPLE")
    _finish_lesson(page, frame)
    expect(toc).to_contain_text("passed 100%")

    # Lesson 3: suspended on page 3, resumed there from the dashboard.
    page.get_by_role("button", name="Continue").click()
    frame = _lesson_frame(page, "EVIDENCE")
    for number in (1, 2):
        assert_accessible(frame, f"EVIDENCE page {number}")
        frame.get_by_role("button", name="Next", exact=True).click()
    expect(frame.get_by_role("heading", level=2)).to_have_text("Collecting and packaging")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator("#player-message")).to_contain_text("Your place is saved.")
    expect(page.locator("#save-status")).to_have_text("All progress saved.")
    page.locator("#player-message").get_by_role("link", name="Back to the dashboard").click()
    open_scorm_course(page, TITLE)
    frame = _lesson_frame(page, "EVIDENCE")
    expect(frame.locator(".pager-status")).to_have_text("Page 3 of 7")
    expect(frame.get_by_role("heading", level=2, name="Collecting and packaging")).to_be_visible()
    _read_pages(frame, "EVIDENCE", first=3)
    fits_at_375(page, frame)
    _answer(frame, "EVIDENCE", wrong=1)
    expect(frame.locator("#result")).to_contain_text("You scored 88%.")
    _finish_lesson(page, frame)

    # Lesson 4, and the end of the course.
    page.get_by_role("button", name="Continue").click()
    frame = _lesson_frame(page, "REPORT")
    _read_pages(frame, "REPORT")
    _answer(frame, "REPORT")
    _finish_lesson(page, frame)
    # The last lesson has no next one; the contents show every lesson passed.
    expect(page.get_by_role("button", name="Continue")).to_be_disabled()
    for n, score in enumerate(("100%", "100%", "88%", "100%")):
        expect(toc.locator(".toc-status").nth(n)).to_have_text(f"passed {score}")

    with live_app.app_context():
        attempts = {
            (row.sco_id, row.number): row
            for row in db.session.scalars(
                select(ScoAttempt).where(ScoAttempt.registration_id == registration_id)
            )
        }
        db.session.expunge_all()
    assert {key: (a.success_status, a.score_raw) for key, a in attempts.items()} == {
        ("SCENE", 1): ("passed", 100),
        ("PEOPLE", 1): ("failed", 50),
        ("PEOPLE", 2): ("passed", 100),
        ("EVIDENCE", 1): ("passed", 88),
        ("REPORT", 1): ("passed", 100),
    }
    evidence = attempts[("EVIDENCE", 1)]
    assert evidence.session == 2
    cmi = json.loads(evidence.cmi)["cmi"]
    assert cmi["core"]["lesson_location"] == "page-7"
    assert len(json.loads(cmi["suspend_data"])["answers"]) == 8

    statements = scorm_statements(live_app, registration_id)
    responded = [
        about.split("/interactions/")[0] for verb, about in statements if verb == "responded"
    ]
    assert {item: responded.count(item) for item in LESSONS} == {
        "SCENE": 6,
        "PEOPLE": 12,  # two attempts
        "EVIDENCE": 8,
        "REPORT": 5,
    }
    assert ("responded", "EVIDENCE/interactions/evidence-chain") in statements
    lifecycle = [(verb, about) for verb, about in statements if verb != "responded"]
    passed = ["completed", "passed", "terminated"]
    assert [verb for verb, about in lifecycle if about == "SCENE"] == ["initialized", *passed]
    assert [verb for verb, about in lifecycle if about == "PEOPLE"] == [
        "initialized",
        "completed",
        "failed",
        "terminated",
        "initialized",
        *passed,
    ]
    assert [verb for verb, about in lifecycle if about == "EVIDENCE"] == [
        "initialized",
        "suspended",
        "resumed",
        *passed,
    ]
    assert [verb for verb, about in lifecycle if about == "REPORT"] == ["initialized", *passed]
    # The course failed with lesson 2's first attempt; completed and passed with the last lesson.
    assert [verb for verb, about in lifecycle if about == "course"] == [
        "failed",
        "completed",
        "passed",
    ]
    assert lifecycle.index(("failed", "course")) == lifecycle.index(("failed", "PEOPLE")) + 1

    assert live_app.extensions["bridge"].wait_idle(10)
    page.goto("/dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training Profile").click()
    expect(page.locator("#cpt-hours")).to_have_text("4")
    expect(page.locator("#completed-courses tbody tr").first).to_contain_text(TITLE)
