"""From a person on the report to their registrations, each registration's attempts and
statements, and the statement behind each CPT entry, for the agency's training managers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select

from lms.accounts import agencies
from lms.accounts.models import Agency, Person
from lms.catalog.models import Registration
from lms.db import db
from lms.player import verbs
from lms.reports.activity import ATTEMPT_VERBS, SESSION_END_VERBS
from lms.reports.interfaces import ReportNotFound
from lms.reports.models import ActivityEvent
from lms.training.models import CptEntry
from lrs.errors import NotFound as StatementNotFound

EVENTS_SHOWN = 500


person_of = agencies.person_of  # one of the agency's people, or NotFound (404)


def registration_of(agency: Agency, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise ReportNotFound("No such registration in this agency.", "registration_id")
    person_of(agency, registration.person_id)
    return registration


@dataclass
class Attempt:
    """One attempt (a SCORM attempt, a cmi5 AU session, a Tin Can attempt) as its statements
    tell it."""

    number: int
    began: dt.datetime
    ended: dt.datetime
    seconds: float = 0.0
    score_scaled: float | None = None
    outcome: str = ""  # passed | failed | completed | "" (not finished)
    statements: int = 0
    begun_by_attempt_verb: bool = False
    session_ended: bool = False
    events: list[ActivityEvent] = field(default_factory=list)


def events_of(registration: Registration, limit: int = EVENTS_SHOWN) -> list[ActivityEvent]:
    """The registration's events in the order they happened (the first `limit`)."""
    return list(
        db.session.scalars(
            select(ActivityEvent)
            .where(ActivityEvent.registration_id == registration.id)
            .order_by(ActivityEvent.at, ActivityEvent.seq)
            .limit(limit)
        )
    )


def attempts_of(events: list[ActivityEvent]) -> list[Attempt]:
    """The events split into attempts: one begins at each initialized (or attempted), and a
    launch begins one unless the attempt it follows has not ended yet."""
    found: list[Attempt] = []
    for event in events:
        current = found[-1] if found else None
        begins = event.verb in ATTEMPT_VERBS and (
            current is None or current.begun_by_attempt_verb or current.session_ended
        )
        launched_anew = event.verb == verbs.LAUNCHED and (current is None or current.session_ended)
        if current is None or begins or launched_anew:
            current = Attempt(number=len(found) + 1, began=event.at, ended=event.at)
            found.append(current)
        current.begun_by_attempt_verb |= event.verb in ATTEMPT_VERBS
        current.session_ended |= event.verb in SESSION_END_VERBS
        current.ended = max(current.ended, event.at)
        current.statements += 1
        current.events.append(event)
        if event.verb in SESSION_END_VERBS and event.duration_seconds:
            current.seconds += event.duration_seconds
        if event.score_scaled is not None:
            current.score_scaled = event.score_scaled
        if event.verb == verbs.PASSED or (event.verb == verbs.FAILED and not current.outcome):
            current.outcome = verb_name(event.verb)
        elif event.verb == verbs.COMPLETED and current.outcome in ("", "failed"):
            current.outcome = "completed" if not current.outcome else current.outcome
    return found


def verb_name(verb: str) -> str:
    """A verb IRI's last word: http://adlnet.gov/expapi/verbs/passed -> passed."""
    return verb.rstrip("/").rsplit("/", 1)[-1]


def entries_of(person: Person) -> list[CptEntry]:
    return list(
        db.session.scalars(
            select(CptEntry)
            .where(CptEntry.person_id == person.id)
            .order_by(CptEntry.completed_at.desc())
        )
    )


@dataclass(frozen=True)
class ShownStatement:
    statement: dict[str, Any]
    voided: bool
    entry: CptEntry | None
    event: ActivityEvent | None


def statement_for(agency: Agency, statement_id: str) -> ShownStatement:
    """A statement behind one of the agency's people's CPT entries or report events, as the
    LRS holds it (voided ones too, marked); any other statement is not found."""
    key = statement_id.lower()
    entry = db.session.scalar(select(CptEntry).where(CptEntry.statement_id == key))
    event = db.session.scalar(select(ActivityEvent).where(ActivityEvent.statement_id == key))
    owner = entry.person_id if entry is not None else None
    if owner is None and event is not None:
        owner = db.session.get(Registration, event.registration_id).person_id
    person = db.session.get(Person, owner) if owner is not None else None
    if person is None or person.agency_id != agency.id:
        raise ReportNotFound("No such statement for this agency's people.", "statement_id")
    store = current_app.extensions["lrs"]
    try:
        return ShownStatement(store.get(key), False, entry, event)
    except StatementNotFound:
        try:
            return ShownStatement(store.get(key, voided=True), True, entry, event)
        except StatementNotFound:
            raise ReportNotFound("The LRS holds no such statement.", "statement_id") from None
