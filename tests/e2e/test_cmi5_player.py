"""A learner takes a cmi5 course in the browser: the test AU (plain JS, as cmi5.js does it)
fetches its token, reads LMS.LaunchData and the preferences, sends its statements and returns
to the course. Each test checks the statements in the LRS and the portal's session records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect

from lms.accounts.models import Person
from lms.catalog.models import Course
from lms.db import db
from lms.packages.services import import_package
from lms.player.models import LaunchSession, NodeStatus
from tests.builders.cmi5 import AUSpec, cmi5_zip
from tests.e2e.helpers import NewPage, sign_in
from tests.factories import make_registration

pytestmark = pytest.mark.e2e

DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
LAUNCH_MODE = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"


@dataclass(frozen=True)
class Enrolment:
    course_id: int
    registration_id: int
    registration: str  # its UUID


def _enrol(live_app: Flask, tmp_path: Path, aus: list[AUSpec]) -> Enrolment:
    """Import the course, publish it and register the demo dispatcher for it."""
    with live_app.app_context():
        result = import_package(
            cmi5_zip(tmp_path, aus), live_app.extensions["content_store"], tmp_path / "work"
        )
        course = db.session.get(Course, result.course_id)
        course.published = True
        db.session.commit()
        person = db.session.query(Person).filter_by(email=DISPATCHER[0]).one()
        registration = make_registration(person, course)
        enrolment = Enrolment(course.id, registration.id, registration.uuid)
        db.session.remove()
        return enrolment


def _statements(live_app: Flask, enrolment: Enrolment) -> list[dict[str, Any]]:
    with live_app.app_context():
        return [
            statement
            for _, statement in live_app.extensions["lrs"].read_from(0)
            if (statement.get("context") or {}).get("registration") == enrolment.registration
        ]


def _verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [statement["verb"]["id"].rsplit("/", 1)[1] for statement in statements]


def _sessions(live_app: Flask, enrolment: Enrolment) -> list[LaunchSession]:
    with live_app.app_context():
        found = (
            db.session.query(LaunchSession)
            .filter_by(registration_id=enrolment.registration_id)
            .order_by(LaunchSession.id)
            .all()
        )
        db.session.expunge_all()
        db.session.remove()
        return found


def _satisfied_nodes(live_app: Flask, enrolment: Enrolment) -> set[str]:
    with live_app.app_context():
        rows = db.session.query(NodeStatus).filter_by(registration_id=enrolment.registration_id)
        found = {row.kind for row in rows if row.satisfied_at is not None}
        db.session.remove()
        return found


def _open_course(page: Page) -> None:
    sign_in(page, *DISPATCHER)
    # A course whose every AU is NotApplicable is satisfied at registration: it is under
    # Completed Courses from the start, opened to review.
    page.get_by_role("link", name=re.compile(r"^(Open|Review) course.*Radio Procedure")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Radio Procedure")


def _au_frames(page: Page) -> list[str]:
    """Every URL the AU was shown at, and in which window ("top" or "frame")."""
    seen: list[str] = []

    def record(frame: Frame) -> None:
        if "/content/" in frame.url:
            seen.append("top" if frame.parent_frame is None else "frame")

    page.on("framenavigated", record)
    return seen


# moveOn, what the AU sends, the statements the LRS then holds, in stored order.
RUNS = [
    (
        "Passed",
        "passed",
        ["launched", "initialized", "passed", "satisfied", "satisfied", "terminated"],
    ),
    (
        "Completed",
        "completed",
        ["launched", "initialized", "completed", "satisfied", "satisfied", "terminated"],
    ),
    (
        "CompletedAndPassed",
        "completed,passed",
        ["launched", "initialized", "completed", "passed", "satisfied", "satisfied", "terminated"],
    ),
    (
        "CompletedOrPassed",
        "completed",
        ["launched", "initialized", "completed", "satisfied", "satisfied", "terminated"],
    ),
    ("NotApplicable", "", ["satisfied", "satisfied", "launched", "initialized", "terminated"]),
]


@pytest.mark.parametrize(("move_on", "plan", "expected"), RUNS, ids=[run[0] for run in RUNS])
def test_a_learner_meets_the_aus_move_on_and_the_course_is_satisfied(
    new_page: NewPage, live_app: Flask, tmp_path: Path, move_on: str, plan: str, expected: list
) -> None:
    au = AUSpec(move_on=move_on, plan=plan, mastery_score="0.8" if "passed" in plan else None)
    enrolment = _enrol(live_app, tmp_path, [au])
    page = new_page()
    windows = _au_frames(page)
    _open_course(page)
    page.get_by_role("button", name="Start Radio check-in").click()
    # The AU sends its statements, terminates, and returns the learner to the course.
    expect(page.locator("#course-status")).to_have_text("Course satisfied")
    expect(page.locator(".cmi5-block h2")).to_contain_text("Satisfied")
    assert windows and set(windows) == {"frame"}  # AnyWindow: in the portal's frame

    statements = _statements(live_app, enrolment)
    assert _verbs(statements) == expected
    (session,) = _sessions(live_app, enrolment)
    assert session.launch_mode == "Normal" and session.move_on == move_on
    assert session.fetched_at and session.learner_preferences_read_at
    assert session.initialized_at and session.terminated_at and not session.abandoned_at
    launched = next(s for s in statements if s["verb"]["id"].endswith("/launched"))
    satisfied = [s for s in statements if s["verb"]["id"].endswith("/satisfied")]
    assert launched["context"]["extensions"][SESSION_ID] == session.uuid
    if move_on == "NotApplicable":
        # §9.6.1: satisfied at registration, under a session id of its own, before launched.
        assert {s["context"]["extensions"][SESSION_ID] for s in satisfied} != {session.uuid}
    else:
        assert {s["context"]["extensions"][SESSION_ID] for s in satisfied} == {session.uuid}
    assert [s["object"]["definition"]["type"].rsplit("/", 1)[1] for s in satisfied] == [
        "block",
        "course",
    ]
    assert _satisfied_nodes(live_app, enrolment) >= {"block", "course"}


def test_moving_on_needs_all_that_move_on_asks(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    enrolment = _enrol(live_app, tmp_path, [AUSpec(move_on="CompletedAndPassed", plan="completed")])
    page = new_page()
    _open_course(page)
    page.get_by_role("button", name="Start Radio check-in").click()
    expect(page.locator(".au-state")).to_have_text("completed")
    expect(page.locator("#course-status")).to_have_text("0 of 1 parts done")
    assert _verbs(_statements(live_app, enrolment)) == [
        "launched",
        "initialized",
        "completed",
        "terminated",
    ]
    assert _satisfied_nodes(live_app, enrolment) == set()


def test_an_own_window_au_takes_the_whole_window(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    enrolment = _enrol(live_app, tmp_path, [AUSpec(launch_method="OwnWindow")])
    page = new_page()
    windows = _au_frames(page)
    _open_course(page)
    page.get_by_role("button", name="Start Radio check-in").click()
    expect(page.locator("#course-status")).to_have_text("Course satisfied")
    assert windows and set(windows) == {"top"}
    assert _verbs(_statements(live_app, enrolment))[-1] == "terminated"


def test_browsing_records_no_progress(new_page: NewPage, live_app: Flask, tmp_path: Path) -> None:
    enrolment = _enrol(live_app, tmp_path, [AUSpec(move_on="Completed", plan="completed")])
    page = new_page()
    _open_course(page)
    page.get_by_role("button", name="Browse Radio check-in").click()
    expect(page.locator(".au-state")).to_have_text("in progress")
    statements = _statements(live_app, enrolment)
    assert _verbs(statements) == ["launched", "initialized", "terminated"]
    assert statements[0]["context"]["extensions"][LAUNCH_MODE] == "Browse"
    (session,) = _sessions(live_app, enrolment)
    assert session.launch_mode == "Browse" and session.completed_at is None


def test_the_portal_refuses_what_an_au_may_not_do(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    enrolment = _enrol(live_app, tmp_path, [AUSpec(plan="probe,stay")])
    page = new_page()
    _open_course(page)
    page.get_by_role("button", name="Start Radio check-in").click()
    log = page.frame_locator("#au-frame").locator("#log")
    expect(log).to_contain_text("staying")
    expect(log).to_contain_text("second fetch error-code 1")  # §8.2.3: the token once only
    expect(log).to_contain_text("LaunchData write 403")  # §10.2.1: the LMS's document
    assert _verbs(_statements(live_app, enrolment)) == ["launched", "initialized"]


def test_leaving_an_au_unfinished_and_starting_again_abandons_the_first_session(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    enrolment = _enrol(live_app, tmp_path, [AUSpec(plan="stay")])
    page = new_page()
    _open_course(page)
    page.get_by_role("button", name="Start Radio check-in").click()
    expect(page.frame_locator("#au-frame").locator("#log")).to_contain_text("staying")
    page.get_by_role("link", name="← Radio Procedure").click()
    page.get_by_role("button", name="Start Radio check-in").click()
    expect(page.frame_locator("#au-frame").locator("#log")).to_contain_text("staying")
    first, second = _sessions(live_app, enrolment)
    assert first.abandoned_at is not None and second.abandoned_at is None
    statements = _statements(live_app, enrolment)
    assert _verbs(statements) == ["launched", "initialized", "abandoned", "launched", "initialized"]
    assert statements[2]["context"]["extensions"][SESSION_ID] == first.uuid
    assert re.fullmatch(r"PT[\d.HMS]+", statements[2]["result"]["duration"])


def test_a_course_taken_out_of_the_catalog_does_not_launch_and_says_why(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    enrolment = _enrol(live_app, tmp_path, [AUSpec()])
    with live_app.app_context():
        db.session.get(Course, enrolment.course_id).published = False
        db.session.commit()
        db.session.remove()
    page = new_page()
    sign_in(page, *DISPATCHER)
    response = page.goto(f"/cmi5/registrations/{enrolment.registration_id}")
    assert response is not None and response.status == 403
    expect(page.locator("#launch-refused")).to_have_text("This course is not in the catalog.")
    assert _sessions(live_app, enrolment) == []
    other = new_page()
    sign_in(other, "admin@example.org", "admin-demo-2026")
    response = other.goto(f"/cmi5/registrations/{enrolment.registration_id}")
    assert response is not None and response.status == 404
