"""Whether a registration is completed, when and with what CPT, as the dashboard shows it: a
certified course by its CPT entry, a course without CPT by the player's record per standard."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from lms.bridge import services as bridge
from lms.catalog import services as catalog
from lms.catalog.interfaces import Completion, CreditRule
from lms.catalog.models import Course
from lms.db import db
from lms.player import records
from lms.player.identity import actor, course_iri
from lms.player.models import NodeStatus
from lms.player.scorm import xapi
from lms.player.scorm.cmi import Score
from lms.player.scorm.models import SequencingState
from lms.training import completions
from lms.training.cycles import completion_date
from tests.conftest import sign_in
from tests.factories import (
    PASSWORD,
    certify,
    make_cpt_entry,
    make_imported_course,
    make_officer,
    make_registration,
)

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def make_course(
    app,
    folder: Path,
    standard: str,
    rule: CreditRule = CreditRule.AUTOMATIC,
    completion: Completion = Completion.COMPLETED,
) -> Course:
    """One of the test suites' small packages imported, then certified and published."""
    course = make_imported_course(folder, standard)
    hours = "0" if rule == CreditRule.RESOURCE else "3"
    return certify(course, hours=hours, rule=rule, completion=completion)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def completed(person, course, when: dt.datetime, verb: str = COMPLETED) -> None:
    """A completion of the course, recorded as the portal, and the bridge's pass after it."""
    make_cpt_entry(person, course, when, verb)


def dashboard(client) -> tuple[str, str]:
    """The text of the Active Courses and the Completed Courses panels."""
    page = client.get("/dashboard").get_data(as_text=True)
    active = page.split('id="active-heading"', 1)[1].split("</section>", 1)[0]
    done = page.split('id="completed-heading"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"\s+", " ", active), re.sub(r"\s+", " ", done)


@pytest.fixture
def officer(app, client):
    person = make_officer(email="pat@example.org")
    sign_in(client, "pat@example.org", PASSWORD)
    return person


def test_a_credited_course_moves_to_completed_with_its_date_and_cpt(app, client, tmp_path, officer):
    course = make_course(app, tmp_path, "tincan")
    registration = make_registration(officer, course)
    moment = now()
    completed(officer, course, moment)
    active, done = dashboard(client)
    assert course.title not in active and "No active courses." in active
    assert course.title in done
    day = completion_date(moment).strftime("%-d %b %Y")
    assert f"completed {day} · 3 CPT hours" in done
    assert f'href="/registrations/{registration.id}/launch"' in done  # open it to review
    assert "Drop Course" not in done


def test_a_voided_completion_moves_the_course_back_to_active(app, client, tmp_path, officer):
    course = make_course(app, tmp_path, "tincan")
    make_registration(officer, course)
    completed(officer, course, now())
    (entry_statement,) = [
        s for _, s in app.extensions["lrs"].read_from(0) if s["verb"]["id"] == COMPLETED
    ]
    records.record(
        [
            {
                "actor": actor(officer, records.base_url()),
                "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                "object": {"objectType": "StatementRef", "id": entry_statement["id"]},
            }
        ]
    )
    bridge.catch_up()
    active, done = dashboard(client)
    assert course.title in active and "None yet." in done


def test_a_completion_from_before_the_registration_does_not_complete_it(app, tmp_path, officer):
    course = make_course(app, tmp_path, "tincan")
    first = make_registration(officer, course)
    completed(officer, course, now())
    catalog.drop(officer, first.id)
    db.session.commit()
    again = make_registration(officer, course)
    assert completions.completion_of(again) is None


def test_a_repeat_in_the_cycle_shows_the_hours_it_is_credited(app, tmp_path, officer):
    course = make_course(app, tmp_path, "tincan")
    first = make_registration(officer, course)
    completed(officer, course, now())
    catalog.drop(officer, first.id)
    db.session.commit()
    again = make_registration(officer, course)
    completed(officer, course, now())
    assert completions.completion_of(again).cpt_hours == Decimal(0)  # once per cycle


def test_a_roster_course_is_not_completed_online(app, tmp_path, officer):
    course = make_course(app, tmp_path, "tincan", rule=CreditRule.ROSTER)
    registration = make_registration(officer, course)
    completed(officer, course, now())
    assert completions.completion_of(registration) is None


def _scorm_course_status(registration, course, person, completion: str, success: str) -> None:
    db.session.add(
        SequencingState(
            registration_id=registration.id, course_completion=completion, course_success=success
        )
    )
    db.session.commit()
    scorm = xapi.Course(
        actor=actor(person, records.base_url()),
        registration=registration.uuid,
        iri=course_iri(course, records.base_url()),
        title=course.title,
    )
    moment = now()
    result = xapi.result_of(completion, success, Score())
    statements = []
    if completion == "completed":
        statements.append(xapi.course_statement(scorm, xapi.COMPLETED, moment, 1, result))
    if success == "passed":
        later = moment + dt.timedelta(days=1)
        statements.append(xapi.course_statement(scorm, xapi.PASSED, later, 2, result))
    if statements:
        records.record(statements)


@pytest.mark.parametrize(
    ("completion", "success", "completed_by", "days_after"),
    [
        ("completed", "unknown", Completion.COMPLETED, 0),
        ("incomplete", "unknown", Completion.COMPLETED, None),
        ("completed", "passed", Completion.PASSED, 1),  # the day of the passed statement
        ("completed", "failed", Completion.PASSED, None),
    ],
)
def test_a_scorm_course_without_cpt_is_completed_by_its_rolled_up_status(
    app, tmp_path, officer, completion, success, completed_by, days_after
):
    course = make_course(app, tmp_path, "scorm2004", CreditRule.RESOURCE, completed_by)
    registration = make_registration(officer, course)
    _scorm_course_status(registration, course, officer, completion, success)
    found = completions.completion_of(registration)
    if days_after is None:
        assert found is None
    else:
        later = now() + dt.timedelta(days=days_after)
        assert found.completed_on == completion_date(later)
        assert found.cpt_hours is None  # the course gives no CPT


def test_a_cmi5_course_without_cpt_is_completed_when_the_registration_is_satisfied(
    app, tmp_path, officer
):
    course = make_course(app, tmp_path, "cmi5", CreditRule.RESOURCE)
    registration = make_registration(officer, course)
    moment = dt.datetime(2026, 2, 3, 20, tzinfo=dt.UTC)
    db.session.add(
        NodeStatus(registration_id=registration.id, node_id="au-1", kind="au", satisfied_at=moment)
    )
    db.session.commit()
    assert completions.completion_of(registration) is None  # an AU is not the course
    db.session.add(
        NodeStatus(
            registration_id=registration.id, node_id="course", kind="course", satisfied_at=moment
        )
    )
    db.session.commit()
    assert completions.completion_of(registration) == completions.RegistrationCompletion(
        moment, None
    )


@pytest.mark.parametrize(
    ("completed_by", "passed", "done"),
    [
        (Completion.COMPLETED, False, True),
        (Completion.PASSED, False, False),
        (Completion.PASSED, True, True),
    ],
)
def test_a_tin_can_course_without_cpt_is_completed_by_its_activity(
    app, tmp_path, officer, completed_by, passed, done
):
    course = make_course(app, tmp_path, "tincan", CreditRule.RESOURCE, completed_by)
    registration = make_registration(officer, course)
    moment = dt.datetime(2026, 2, 3, 20, tzinfo=dt.UTC)
    db.session.add(
        NodeStatus(
            registration_id=registration.id,
            node_id="https://lms.example.org/tincan/radio-procedure",
            kind="activity",
            completed_at=moment,
            passed_at=moment if passed else None,
        )
    )
    db.session.commit()
    assert (completions.completion_of(registration) is not None) is done
