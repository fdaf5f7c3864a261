"""A sworn officer takes the bundled course Vehicle Pursuit Policy Update (cmi5) through its own
pages: registers from the catalog, reads the policy lessons (leaving on page 3 and resuming
there), answers the 58 questions of the knowledge check, seeing the feedback of the version the
demo's Capitol City Police Department published (its own texts for some questions, POST's
default for the rest) that the portal supplies through xAPI, and the agency's policy link,
passes, certifies the agency's pursuit policy, and returns; the LRS holds the AUs' statements,
the certification (naming the version and the policy's SHA-256) and the portal's satisfied, and
the Training Profile shows the course's 2 CPT hours. Every page passes axe-core."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect
from sqlalchemy import select

from lms.accounts.models import Agency
from lms.catalog.models import Course, Registration
from lms.customization import services
from lms.db import db
from tests.e2e.courses.helpers import CONTENT_PACKAGES, fits_at_375, register_from_catalog
from tests.e2e.helpers import NewPage, assert_accessible, sign_in
from tests.factories import PASSWORD, make_officer

pytestmark = pytest.mark.e2e

TITLE = "Vehicle Pursuit Policy Update"
FOLDER = CONTENT_PACKAGES / "vehicle-pursuit-policy-update"
QUESTIONS = json.loads((FOLDER / "package/knowledge-check/questions.json").read_text())
DEFAULT = json.loads((FOLDER / "feedback.json").read_text())
WRONG = {"q01", "q09", "q30"}  # answered wrongly: 55 of 58, 95 percent, passed
ACKNOWLEDGED = "http://activitystrea.ms/schema/1.0/acknowledge"


def _au(page: Page, heading: str) -> Frame:
    expect(page.frame_locator("#au-frame").get_by_role("heading", level=1)).to_contain_text(heading)
    frame = page.locator("#au-frame").element_handle().content_frame()
    assert frame is not None
    return frame


def _next(page: Page, frame: Frame) -> None:
    """Next, and the bookmark it saves in the State API."""
    with page.expect_response(
        lambda r: "/activities/state" in r.url and r.request.method == "PUT" and r.ok
    ):
        frame.get_by_role("button", name="Next", exact=True).click()
    expect(frame.locator("section.page:not([hidden]) h2")).to_be_focused()


def _shown(feedback_html: str) -> str:
    """A feedback text as the page shows it: its formatting rendered."""
    return html.unescape(re.sub(r"<[^>]+>", "", feedback_html))


def _answer_topic(frame: Frame, topic: dict[str, Any], feedback: dict[str, Any]) -> None:
    for question in topic["questions"]:
        box = frame.locator(f"#question-{question['id']}")
        answer = [question["answer"]] if isinstance(question["answer"], str) else question["answer"]
        wrong = question["id"] in WRONG
        if wrong:
            answer = [next(c["id"] for c in question["choices"] if c["id"] not in answer)]
        texts = {choice["id"]: choice["text"] for choice in question["choices"]}
        for choice in answer:
            box.get_by_label(texts[choice], exact=True).check()
        box.get_by_role("button", name="Check answer").click()
        given = feedback["questions"][question["id"]]
        text = _shown(given["incorrect"] if wrong else given["correct"])
        expected = f"Not quite. {text}" if wrong else f"Correct. {text}"
        expect(box.get_by_role("status")).to_have_text(expected)


def _statements(live_app: Flask, registration_uuid: str) -> list[dict[str, Any]]:
    with live_app.app_context():
        return [
            statement
            for _, statement in live_app.extensions["lrs"].read_from(0)
            if (statement.get("context") or {}).get("registration") == registration_uuid
        ]


def test_an_officer_takes_the_course_certifies_the_policy_and_earns_2_cpt(
    new_page: NewPage, live_app: Flask
) -> None:
    with live_app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.agency_number == "90001"))
        officer = make_officer(agency, email="pursuit.officer@example.org")
        officer_id = officer.id
        course_id = db.session.scalar(select(Course.id).where(Course.title == TITLE))
        version = services.live_version(agency.id, course_id)
        feedback = json.loads(version.feedback)
        policy_sha256, version_number, version_id = (
            version.policy_sha256,
            version.number,
            version.id,
        )
    # The agency's own texts where it wrote them, POST's default elsewhere.
    assert _shown(feedback["questions"]["q01"]["correct"]) != DEFAULT["questions"]["q01"]["correct"]
    assert feedback["questions"]["q02"] == DEFAULT["questions"]["q02"]
    page = new_page()
    sign_in(page, "pursuit.officer@example.org", PASSWORD)
    register_from_catalog(page, "pursuit", TITLE)
    page.get_by_role("link", name=re.compile(rf"^Open course.*{TITLE}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    with live_app.app_context():
        registration = db.session.scalar(
            select(Registration).where(
                Registration.person_id == officer_id, Registration.course_id == course_id
            )
        )
        registration_uuid = registration.uuid

    # The lessons: left on page 3, resumed there.
    page.get_by_role("button", name="Start Pursuit policy lessons").click()
    frame = _au(page, "policy lessons")
    count = frame.locator("#lessons > section.page").count()
    expect(frame.locator(".pager-status")).to_have_text(f"Page 1 of {count}")
    for number in (1, 2):
        assert_accessible(frame, f"lessons page {number}")
        _next(page, frame)
    expect(frame.locator(".pager-status")).to_have_text(f"Page 3 of {count}")
    fits_at_375(page, frame)
    page.get_by_role("link", name=f"← {TITLE}").click()
    page.get_by_role("button", name="Start Pursuit policy lessons").click()
    frame = _au(page, "policy lessons")
    expect(frame.locator(".pager-status")).to_have_text(f"Page 3 of {count}")
    for number in range(3, count):
        assert_accessible(frame, f"lessons page {number}")
        _next(page, frame)
    assert_accessible(frame, f"lessons page {count}")
    frame.get_by_role("button", name="Finish the lessons").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".cmi5-au", has_text="Pursuit policy lessons")).to_contain_text("completed")

    # The knowledge check: feedback from the portal's document, 55 of 58 right.
    page.get_by_role("button", name="Start Knowledge check and certification").click()
    frame = _au(page, "knowledge check")
    expect(frame.locator("#policy-link a")).to_have_attribute(
        "href", f"{live_app.config['LMS_BASE_URL']}/agency/policies/{version_id}"
    )
    topics = QUESTIONS["topics"]
    for number, topic in enumerate(topics, start=1):
        expect(frame.locator("section.page:not([hidden]) h2")).to_have_text(
            f"Topic {number} of {len(topics)}: {topic['title']}"
        )
        _answer_topic(frame, topic, feedback)
        assert_accessible(frame, f"knowledge check topic {number}")
        if number == 1:
            fits_at_375(page, frame)
        if number < len(topics):
            _next(page, frame)
    frame.get_by_role("button", name="Submit the knowledge check").click()
    expect(frame.get_by_role("heading", name="Your result")).to_be_focused()
    expect(frame.locator("#result-text")).to_have_text(
        "You answered 55 of 58 questions correctly: 95 percent. "
        "The passing score is 80 percent. You passed."
    )
    assert_accessible(frame, "the result")
    frame.get_by_role("button", name="Go on to the certification").click()
    expect(frame.get_by_role("heading", name=re.compile("^Certification"))).to_be_focused()
    assert_accessible(frame, "the certification")
    frame.get_by_role("button", name="Certify").click()
    expect(frame.locator("#certify-error")).to_contain_text("Tick the box to certify")
    frame.get_by_label(
        "I have received, read and understood my agency's vehicle pursuit policy."
    ).check()
    frame.get_by_role("button", name="Certify").click()
    expect(frame.get_by_role("heading", name="Course finished")).to_be_focused()
    assert_accessible(frame, "the end")
    frame.get_by_role("button", name="Exit the course").click()
    expect(page.locator("#course-status")).to_have_text("Course satisfied")

    statements = _statements(live_app, registration_uuid)
    verbs = [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements]
    answered = [s for s in statements if s["verb"]["id"].endswith("/answered")]
    assert len(answered) == 58
    assert sum(1 for s in answered if s["result"]["success"] is False) == len(WRONG)
    passed = next(s for s in statements if s["verb"]["id"].endswith("/passed"))
    assert passed["result"]["score"] == {"scaled": 0.9483, "raw": 55, "min": 0, "max": 58}
    (certified,) = [s for s in statements if s["verb"]["id"] == ACKNOWLEDGED]
    extensions = certified["context"]["extensions"]
    assert "California Vehicle Code 17004.7(b)(2)" in extensions.values()
    assert feedback["version"] in extensions.values()
    base = live_app.config["LMS_BASE_URL"]
    assert extensions[f"{base}/xapi/extensions/customization-version"]["number"] == version_number
    assert extensions[f"{base}/xapi/extensions/policy-sha256"] == policy_sha256
    # The certification is the knowledge check's last word before terminated.
    assert verbs.index("acknowledge") > verbs.index("passed")
    assert verbs[-1] in ("terminated", "satisfied")
    assert verbs.count("satisfied") == 1  # the course (it has no blocks), by the portal
    course_satisfied = [
        s
        for s in statements
        if s["verb"]["id"].endswith("/satisfied")
        and s["object"]["definition"]["type"].endswith("/course")
    ]
    assert len(course_satisfied) == 1

    assert live_app.extensions["bridge"].wait_idle(10)
    page.goto("/dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training Profile").click()
    expect(page.locator("#cpt-hours")).to_have_text("2")
    expect(page.locator("#completed-courses tbody tr").first).to_contain_text(TITLE)
