"""Attempts and sessions: which attempt a delivery of a SCO belongs to (the new-attempt and
resume rules), each SCO's newest attempt, and the attempt history."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import Person
from lms.db import db, utcnow
from lms.player import identity
from lms.player.launch import Launchable
from lms.player.scorm import cmi, sending
from lms.player.scorm.cmi import Learner
from lms.player.scorm.interfaces import NotFound, Superseded
from lms.player.scorm.models import ScoAttempt
from lms.player.scorm.settings import Sco, sco_by_id, scos

T = TypeVar("T")
# How often a request is tried again when another changed the same rows meanwhile.
CONFLICT_RETRIES = 5


@dataclass(frozen=True)
class ScoStatus:
    sco_id: str
    attempt: int
    completion: str
    success: str
    score_scaled: float | None
    suspended: bool
    ended: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "attempt": self.attempt,
            "completion": self.completion,
            "success": self.success,
            "scoreScaled": self.score_scaled,
            "suspended": self.suspended,
            "ended": self.ended,
        }


def latest_attempts(registration_id: int) -> dict[str, ScoAttempt]:
    """Each SCO's newest attempt in the registration."""
    rows = db.session.scalars(
        select(ScoAttempt)
        .where(ScoAttempt.registration_id == registration_id)
        .order_by(ScoAttempt.sco_id, ScoAttempt.number)
    )
    return {attempt.sco_id: attempt for attempt in rows}


def latest_statuses(registration_id: int) -> dict[str, ScoStatus]:
    return {
        sco_id: status_of(attempt) for sco_id, attempt in latest_attempts(registration_id).items()
    }


def status_of(attempt: ScoAttempt) -> ScoStatus:
    return ScoStatus(
        sco_id=attempt.sco_id,
        attempt=attempt.number,
        completion=attempt.completion_status,
        success=attempt.success_status,
        score_scaled=attempt.score_scaled,
        suspended=attempt.suspended,
        ended=attempt.ended,
    )


@dataclass(frozen=True)
class Session:
    attempt_id: int
    attempt_number: int
    number: int
    entry: str
    data: dict[str, Any]
    status: ScoStatus


def one_try(write: Callable[[], T | None]) -> T | None:
    """One try of a write that another request may race, in a SAVEPOINT of the unit of work:
    kept if it returns a value; undone, and None, if it returns None (somebody changed the rows
    it read) or a unique value it adds was taken at the same moment (IntegrityError)."""
    try:
        with db.session.begin_nested():
            result = write()
            if result is None:
                raise _Undone
    except (IntegrityError, _Undone):
        return None
    return result


class _Undone(Exception):
    """Rolls back `one_try`'s SAVEPOINT; never leaves it."""


def sco_of(launchable: Launchable, sco_id: str) -> Sco:
    found = sco_by_id(launchable.package).get(sco_id)
    if found is None:
        raise NotFound(f"The course has no SCO {sco_id!r}.", "sco_id")
    return found


def open_session(person: Person, launchable: Launchable, sco_id: str) -> Session:
    """A delivery of the SCO: resume its attempt, continue it, or start a new one.

    The rules (SCORM 2004 RTE 4.2.8 cmi.entry, 4.2.9 cmi.exit; SCORM 1.2 RTE 3.4.4):
    - a SCO never launched, or whose last attempt is over, starts a new attempt: ab-initio;
    - an attempt opened but never initialized (nothing committed) is taken again: ab-initio;
    - an attempt left with cmi.exit = suspend (or a suspendAll) resumes: entry resume, with its
      location, suspend data and the rest of its data;
    - an attempt left without Terminate (the window closed), or a SCORM 1.2 attempt that ended
      normally before reaching a final status, continues with its data and entry "".
    """
    sco = sco_of(launchable, sco_id)
    registration = launchable.registration
    for _ in range(CONFLICT_RETRIES):
        with sending.writing():
            opened = _open_attempt_session(registration.id, sco.id)
        if opened is None:  # a new attempt made at the same moment elsewhere
            continue
        attempt, session_number, entry = opened
        learner = Learner(id=identity.account_name(person), name=_learner_name(person))
        data = cmi.session_data(
            launchable.package.standard,
            sco,
            json.loads(attempt.cmi),
            entry,
            attempt.total_seconds,
            learner,
        )
        return Session(
            attempt_id=attempt.id,
            attempt_number=attempt.number,
            number=session_number,
            entry=entry,
            data=data,
            status=status_of(attempt),
        )
    raise Superseded("The SCO is being opened elsewhere at this moment; try again.", "sco_id")


def _open_attempt_session(registration_id: int, sco_id: str) -> tuple[ScoAttempt, int, str] | None:
    """The attempt a new session belongs to, the session's number and the entry; None when
    another request made the SCO's next attempt at the same moment."""
    latest = db.session.scalar(
        select(ScoAttempt)
        .where(ScoAttempt.registration_id == registration_id, ScoAttempt.sco_id == sco_id)
        .order_by(ScoAttempt.number.desc())
        .limit(1)
        .with_for_update()
    )
    try:
        # A SAVEPOINT of the unit of work: a new attempt made elsewhere at the same moment
        # undoes this try only.
        with db.session.begin_nested():
            if latest is None or latest.ended:
                attempt = ScoAttempt(
                    registration_id=registration_id,
                    sco_id=sco_id,
                    number=1 if latest is None else latest.number + 1,
                )
                db.session.add(attempt)
                entry = "ab-initio"
            elif latest.commit_session == 0:
                # Opened before but never initialized (the SCO broke, or the page closed
                # first): nothing of it was saved, so this is still its first access (RTE
                # 4.2.8 ab-initio).
                attempt = latest
                entry = "ab-initio"
            else:
                attempt = latest
                entry = "resume" if attempt.suspended else ""
            db.session.flush()
            # Counted in the database: two windows opening the SCO at once get two sessions.
            db.session.execute(
                update(ScoAttempt)
                .where(ScoAttempt.id == attempt.id)
                .values(session=ScoAttempt.session + 1, session_opened_at=utcnow())
                .execution_options(synchronize_session=False)
            )
            db.session.refresh(attempt)
            session_number = attempt.session
    except IntegrityError:
        return None
    return attempt, session_number, entry


def end_course_attempt(registration_id: int) -> None:
    """The course's attempt ended (SN TB.2.3 Exit All: the attempt on the root of the activity
    tree ends, and with it every attempt in the tree): each SCO's attempt still open, suspended
    or not, is over, so that the next delivery of any SCO starts a new attempt from the
    beginning. The attempts keep their data. Written in the caller's transaction."""
    db.session.execute(
        update(ScoAttempt)
        .where(ScoAttempt.registration_id == registration_id, ScoAttempt.ended.is_(False))
        .values(ended=True, suspended=False)
        .execution_options(synchronize_session=False)
    )


def _learner_name(person: Person) -> str:
    # SCORM 1.2 RTE 3.4.4 cmi.core.student_name: "Last, First"; 2004 keeps the same form.
    return f"{person.last_name}, {person.first_name}"


def attempt_history(launchable: Launchable) -> list[tuple[Sco, list[ScoAttempt]]]:
    """Every attempt of every SCO of the registration, newest first, in the course's order."""
    attempts: dict[str, list[ScoAttempt]] = {}
    for attempt in db.session.scalars(
        select(ScoAttempt)
        .where(ScoAttempt.registration_id == launchable.registration.id)
        .order_by(ScoAttempt.number.desc())
    ):
        attempts.setdefault(attempt.sco_id, []).append(attempt)
    return [(sco, attempts.get(sco.id, [])) for sco in scos(launchable.package)]
