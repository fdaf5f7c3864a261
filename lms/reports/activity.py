"""The activity projection: what the Learner Activity report reads, kept from the LRS.

Every stored statement of a portal registration becomes one `ActivityEvent` (its verb, object,
time, score, success, completion, duration and progress); each registration's `ActivitySummary`
is made again from its events whenever one of them changes. The projection reads the LRS in
stored order from a cursor of its own, as the bridge does, and writes the events, the
summaries and the new cursor in one unit of work, so a crash loses nothing and repeats nothing.
It runs in the bridge's thread after each of its catch-ups (`lms.bridge.services.add_follower`)
and in `lms bridge`.

A statement counts for a registration only if its actor is that registration's person (a
credential that may write statements about anyone cannot put activity on someone else's
report). Voiding a statement removes its event, and the summary is made again without it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import case, delete, func, insert, select

from lms import unit_of_work
from lms.bridge.lookups import Lookups
from lms.catalog.models import Registration
from lms.db import db, lock_cursor
from lms.player import verbs
from lms.reports.interfaces import ActivityStatus
from lms.reports.models import ActivityEvent, ActivitySummary, ReportCursor
from lrs.spec.durations import parse_duration

log = logging.getLogger(__name__)
CURSOR = "activity"
PASS_STATEMENTS = 5000  # per unit of work: short enough not to hold the write lock for long
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"  # cmi5 §9.6.3.1
ATTEMPTED = verbs.VERB + "attempted"
RESUMED = verbs.VERB + "resumed"
SUSPENDED = verbs.VERB + "suspended"
EXITED = verbs.VERB + "exited"
# A new attempt (SCORM's initialized; cmi5's AU session) or Tin Can content's "attempted".
ATTEMPT_VERBS = (verbs.INITIALIZED, ATTEMPTED)
# The statements that end a session carry its duration (cmi5 §9.5.4.1 terminated, §9.5.4.2 the
# LMS's abandoned, the xAPI SCORM Profile's terminated and suspended, Tin Can's exited); those
# of completed/passed/failed would count the same time twice.
SESSION_END_VERBS = (verbs.TERMINATED, verbs.ABANDONED, SUSPENDED, EXITED)
FINISH_VERBS = (verbs.COMPLETED, verbs.PASSED)


@dataclass
class PassResult:
    read: int = 0
    events: int = 0
    removed: int = 0
    summaries: int = 0
    cursor: int = 0


def _lock_cursor() -> ReportCursor:
    return lock_cursor(ReportCursor, CURSOR)


def run_pass(limit: int = PASS_STATEMENTS, *, lookups: Lookups | None = None) -> PassResult:
    """Read up to `limit` statements after the cursor and write their events, the summaries
    they change and the cursor's new place in the caller's unit of work."""
    store = current_app.extensions["lrs"]
    lookups = lookups or Lookups(current_app.config["LMS_BASE_URL"])
    result = PassResult()
    cursor = _lock_cursor()
    newest = store.newest_seq()
    last = cursor.seq
    about: list[tuple[int, dict[str, Any], str]] = []
    voided: list[str] = []
    for seq, statement in store.read_from(cursor.seq, batch=min(limit, 1000), until=newest):
        result.read += 1
        last = seq
        target = _voided_target(statement)
        if target is not None:
            voided.append(target)
        else:
            registration = (statement.get("context") or {}).get("registration")
            if isinstance(registration, str):
                about.append((seq, statement, registration.lower()))
        if result.read >= limit:
            break
    else:
        last = max(last, newest)
    touched = _add_events(about, lookups, result) | _remove_events(voided, result)
    result.summaries = summarise(touched)
    cursor.seq = last
    result.cursor = last
    return result


def catch_up(limit: int = PASS_STATEMENTS) -> PassResult:
    """The projection's job: passes until every statement stored so far is read, each its own
    unit of work (inside an open unit, part of it)."""
    total = PassResult()
    lookups = Lookups(current_app.config["LMS_BASE_URL"])
    while True:
        with unit_of_work.job():
            done = run_pass(limit, lookups=lookups)
        total.read += done.read
        total.events += done.events
        total.removed += done.removed
        total.summaries += done.summaries
        total.cursor = done.cursor
        if done.read < limit:
            return total


def cursor_seq() -> int:
    cursor = db.session.get(ReportCursor, CURSOR)
    return cursor.seq if cursor is not None else 0


def _voided_target(statement: dict[str, Any]) -> str | None:
    if statement.get("verb", {}).get("id") != verbs.VOIDED:
        return None
    target = statement.get("object") or {}
    if target.get("objectType") != "StatementRef" or not isinstance(target.get("id"), str):
        return None
    return target["id"].lower()


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _add_events(
    about: list[tuple[int, dict[str, Any], str]], lookups: Lookups, result: PassResult
) -> set[int]:
    """The events of statements whose registration is the portal's and whose actor is its
    person; a statement already made into an event (a pass repeated) is left as it is."""
    registrations: dict[str, tuple[int, int]] = {}
    uuids = sorted({registration for _, _, registration in about})
    for chunk in _chunks(uuids):
        for row in db.session.execute(
            select(Registration.uuid, Registration.id, Registration.person_id).where(
                Registration.uuid.in_(chunk)
            )
        ):
            registrations[row.uuid.lower()] = (row.id, row.person_id)
    held: set[str] = set()
    for chunk in _chunks([statement["id"].lower() for _, statement, _ in about]):
        held.update(
            db.session.scalars(
                select(ActivityEvent.statement_id).where(ActivityEvent.statement_id.in_(chunk))
            )
        )
    rows = []
    for seq, statement, uuid in about:
        found = registrations.get(uuid)
        statement_id = statement["id"].lower()
        if found is None or statement_id in held:
            continue
        registration_id, person_id = found
        person = lookups.person(statement.get("actor") or {})
        if person is None or person.person_id != person_id:
            continue
        try:
            rows.append(_event_row(seq, statement_id, registration_id, statement))
        except (ValueError, TypeError, KeyError, OverflowError):
            # Something the LRS accepted but the report cannot read (a timestamp outside
            # Python's range): skipped, so that one statement never stops the projection.
            log.warning("statement %s skipped by the activity projection", statement_id)
            continue
        held.add(statement_id)
    if rows:
        db.session.execute(insert(ActivityEvent), rows)
    result.events += len(rows)
    return {row["registration_id"] for row in rows}


def _event_row(
    seq: int, statement_id: str, registration_id: int, statement: dict[str, Any]
) -> dict[str, Any]:
    outcome = statement.get("result") or {}
    score = (outcome.get("score") or {}).get("scaled")
    duration = parse_duration(outcome["duration"]) if "duration" in outcome else None
    progress = (outcome.get("extensions") or {}).get(PROGRESS)
    target = statement.get("object") or {}
    return {
        "statement_id": statement_id,
        "seq": seq,
        "registration_id": registration_id,
        "verb": str(statement["verb"]["id"])[:300],
        "object_id": str(target.get("id", ""))[:500],
        "at": _moment(statement),
        "score_scaled": float(score) if isinstance(score, int | float) else None,
        "success": outcome.get("success") if isinstance(outcome.get("success"), bool) else None,
        "completion": outcome.get("completion")
        if isinstance(outcome.get("completion"), bool)
        else None,
        "duration_seconds": float(duration.total_seconds()) if duration is not None else None,
        "progress": progress if isinstance(progress, int) and 0 <= progress <= 100 else None,
    }


def _moment(statement: dict[str, Any]) -> dt.datetime:
    """When it happened: its timestamp (the LRS gives one to every statement it stores)."""
    text = str(statement.get("timestamp") or statement.get("stored"))
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _remove_events(statement_ids: list[str], result: PassResult) -> set[int]:
    """Remove the events of voided statements (the LRS has checked the voider may)."""
    touched: set[int] = set()
    for chunk in _chunks(sorted(set(statement_ids))):
        found = db.session.execute(
            select(ActivityEvent.id, ActivityEvent.registration_id).where(
                ActivityEvent.statement_id.in_(chunk)
            )
        ).all()
        if found:
            db.session.execute(
                delete(ActivityEvent).where(ActivityEvent.id.in_([row.id for row in found]))
            )
        touched.update(row.registration_id for row in found)
        result.removed += len(found)
    return touched


def summarise(registration_ids: Iterable[int]) -> int:
    """Make each registration's summary again from its events; one without events has none
    (the report shows it as registered)."""
    ids = sorted(set(registration_ids))
    made = 0
    e = ActivityEvent
    for chunk in _chunks(ids):
        db.session.execute(
            delete(ActivitySummary).where(ActivitySummary.registration_id.in_(chunk))
        )
        figures = db.session.execute(
            select(
                e.registration_id,
                func.count().label("statements"),
                func.min(e.at).label("started_at"),
                func.max(e.at).label("last_activity_at"),
                func.min(case((e.verb.in_(FINISH_VERBS), e.at))).label("completed_at"),
                func.max(case((e.verb == verbs.FAILED, 1), else_=0)).label("failed"),
                func.sum(case((e.verb.in_(ATTEMPT_VERBS), 1), else_=0)).label("attempts"),
                func.sum(case((e.verb == verbs.LAUNCHED, 1), else_=0)).label("launches"),
                func.sum(
                    case((e.verb.in_(SESSION_END_VERBS), func.coalesce(e.duration_seconds, 0)))
                ).label("seconds"),
                func.max(e.progress).label("progress"),
            )
            .where(e.registration_id.in_(chunk))
            .group_by(e.registration_id)
        ).all()
        scores: dict[int, float] = {}
        for row in db.session.execute(
            select(e.registration_id, e.score_scaled)
            .where(e.registration_id.in_(chunk), e.score_scaled.is_not(None))
            .order_by(e.registration_id, e.at, e.seq)
        ):
            scores[row.registration_id] = row.score_scaled  # the latest wins
        owners = {
            row.id: row
            for row in db.session.execute(
                select(Registration.id, Registration.person_id, Registration.course_id).where(
                    Registration.id.in_(chunk)
                )
            )
        }
        rows = [
            {
                "registration_id": row.registration_id,
                "person_id": owners[row.registration_id].person_id,
                "course_id": owners[row.registration_id].course_id,
                "status": _status(row.completed_at, bool(row.failed)),
                "started_at": row.started_at,
                "last_activity_at": row.last_activity_at,
                "completed_at": row.completed_at,
                "score_scaled": scores.get(row.registration_id),
                # cmi5 content launched but never initialized still had a session begun.
                "attempts": row.attempts or row.launches or 0,
                "time_spent_seconds": float(row.seconds or 0),
                "progress": 100 if row.completed_at is not None else row.progress,
                "statements": row.statements,
            }
            for row in figures
        ]
        if rows:
            db.session.execute(insert(ActivitySummary), rows)
        made += len(rows)
    return made


def _status(completed_at: dt.datetime | None, failed: bool) -> str:
    if completed_at is not None:
        return ActivityStatus.COMPLETED.value
    return ActivityStatus.FAILED.value if failed else ActivityStatus.STARTED.value
