"""The activity projection: a registration's statements become its events and its summary,
exactly once, only for its own person, and a voided statement stops counting."""

from __future__ import annotations

import datetime as dt

from lms.db import db
from lms.player import records
from lms.reports import activity
from lms.reports.models import ActivityEvent, ActivitySummary
from tests.factories import make_course, make_officer, make_registration
from tests.lms.reports.helpers import statement, void


def summary_of(registration) -> ActivitySummary | None:
    db.session.expire_all()
    return db.session.get(ActivitySummary, registration.id)


def two_sessions(officer, registration) -> list[dict]:
    return [
        statement(officer, registration, "launched", "2026-03-02T09:00:00Z"),
        statement(officer, registration, "initialized", "2026-03-02T09:00:05Z"),
        statement(officer, registration, "progressed", "2026-03-02T09:05:00Z", progress=40),
        statement(officer, registration, "terminated", "2026-03-02T09:10:05Z", duration="PT10M"),
        statement(officer, registration, "initialized", "2026-03-04T14:00:00Z"),
        statement(
            officer, registration, "passed", "2026-03-04T14:04:00Z", scaled=0.85, success=True
        ),
        statement(officer, registration, "terminated", "2026-03-04T14:05:00Z", duration="PT5M"),
    ]


def test_a_registrations_statements_make_its_summary(app):
    officer = make_officer()
    registration = make_registration(officer, make_course())
    records.record(two_sessions(officer, registration))
    activity.catch_up()
    summary = summary_of(registration)
    assert summary.status == "completed"
    assert summary.attempts == 2 and summary.time_spent_seconds == 900
    assert summary.score_scaled == 0.85 and summary.progress == 100
    assert summary.started_at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    assert summary.completed_at == dt.datetime(2026, 3, 4, 14, 4, tzinfo=dt.UTC)
    assert summary.last_activity_at == dt.datetime(2026, 3, 4, 14, 5, tzinfo=dt.UTC)
    assert summary.statements == 7


def test_it_runs_by_itself_after_statements_are_stored_and_reads_each_once(app):
    officer = make_officer()
    registration = make_registration(officer, make_course())
    records.record(two_sessions(officer, registration)[:4])
    assert app.extensions["bridge"].wait_idle(10)
    assert summary_of(registration).status == "started"
    assert summary_of(registration).progress == 40
    activity.catch_up()  # nothing new: nothing counted twice
    assert summary_of(registration).attempts == 1
    assert db.session.query(ActivityEvent).count() == 4


def test_a_statement_about_someone_elses_registration_does_not_count(app):
    officer, other = make_officer(), make_officer()
    registration = make_registration(officer, make_course())
    records.record([statement(other, registration, "passed", "2026-03-02T09:00:00Z", scaled=1.0)])
    activity.catch_up()
    assert summary_of(registration) is None


def test_a_voided_completion_stops_counting(app):
    officer = make_officer()
    registration = make_registration(officer, make_course())
    sent = two_sessions(officer, registration)
    records.record(sent)
    activity.catch_up()
    records.record([void(sent[5]["id"], officer)])
    activity.catch_up()
    summary = summary_of(registration)
    assert summary.status == "started" and summary.completed_at is None
    assert summary.score_scaled is None and summary.progress == 40
    assert summary.statements == 6


def test_a_failed_attempt_then_a_pass(app):
    officer = make_officer()
    registration = make_registration(officer, make_course())
    records.record([statement(officer, registration, "failed", "2026-03-02T09:00:00Z", scaled=0.4)])
    activity.catch_up()
    assert summary_of(registration).status == "failed"
    records.record([statement(officer, registration, "passed", "2026-03-03T09:00:00Z", scaled=0.9)])
    activity.catch_up()
    assert (summary_of(registration).status, summary_of(registration).score_scaled) == (
        "completed",
        0.9,
    )


def test_an_abandoned_session_counts_its_time_and_a_completed_statements_duration_does_not(app):
    officer = make_officer()
    registration = make_registration(officer, make_course())
    records.record(
        [
            statement(officer, registration, "initialized", "2026-03-02T09:00:00Z"),
            statement(officer, registration, "completed", "2026-03-02T09:20:00Z", duration="PT20M"),
            statement(
                officer,
                registration,
                "abandoned",
                "2026-03-02T09:30:00Z",
                duration="PT30M",
            )
            | {"verb": {"id": "https://w3id.org/xapi/adl/verbs/abandoned"}},
        ]
    )
    activity.catch_up()
    assert summary_of(registration).time_spent_seconds == 30 * 60
