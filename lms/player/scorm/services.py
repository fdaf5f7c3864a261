"""The SCORM runtime's rules: opening the player, which attempt a delivery of a SCO belongs to,
taking commits (in order, once, never overwriting newer data), the course's status, and the
statements all of it becomes.

Every function takes a `Launchable` (lms.player.launch decided the person may launch the
registration) and never reads the request.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import Person
from lms.db import db, utcnow
from lms.player import identity
from lms.player.launch import Launchable
from lms.player.scorm import cmi, course_status, reporting, sending, xapi
from lms.player.scorm.cmi import Commit, Evaluated, Learner
from lms.player.scorm.interfaces import BadCommit, NotFound, Superseded
from lms.player.scorm.models import ScoAttempt, SequencingState
from lms.player.scorm.settings import Sco, activity_tree, sco_by_id, scos, table_of_contents
from lms.player.scorm.tokens import launch_token

# How often a commit is tried again when another request changed the same rows meanwhile.
CONFLICT_RETRIES = 5
# The largest sequencing state accepted (scorm-again's serialised tree; a big course is ~200 KB).
SEQUENCING_STATE_LIMIT = 2 * 1024 * 1024


# --- the player ----------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Player:
    """What the player page starts from."""

    launch: int
    token: str
    scos: list[Sco]
    table_of_contents: list[dict[str, Any]]
    statuses: dict[str, ScoStatus]
    # SCORM 1.2: the SCO to open first. SCORM 2004: sequencing decides (start / resumeAll).
    first_sco: str
    activity_tree: dict[str, Any] | None
    sequencing_state: str | None


def open_player(person: Person, launchable: Launchable) -> Player:
    """A new launch of the registration: numbered, so that saves from an older window of the
    same course never overwrite this one's."""
    registration = launchable.registration
    state = _state_for_update(registration.id)
    state.launches += 1
    state.updated_at = utcnow()
    launch = state.launches
    db.session.commit()
    sending.record_pending([registration.id])
    package = launchable.package
    items = scos(package)
    statuses = latest_statuses(registration.id)
    is_2004 = package.standard == "scorm2004"
    return Player(
        launch=launch,
        token=launch_token(person, registration.id, launch),
        scos=items,
        table_of_contents=table_of_contents(package),
        statuses=statuses,
        first_sco=_first_sco(items, statuses),
        activity_tree=activity_tree(package) if is_2004 else None,
        sequencing_state=(state.state or None) if is_2004 else None,
    )


def _state_for_update(registration_id: int) -> SequencingState:
    state = db.session.get(SequencingState, registration_id, with_for_update=True)
    if state is not None:
        return state
    db.session.add(SequencingState(registration_id=registration_id))
    try:
        db.session.commit()
    except IntegrityError:  # another request made it first
        db.session.rollback()
    return db.session.get(SequencingState, registration_id, with_for_update=True)


def _first_sco(items: list[Sco], statuses: dict[str, ScoStatus]) -> str:
    """SCORM 1.2 has no sequencing: open the SCO left suspended or unfinished most recently,
    else the first one not yet completed, else the first."""
    open_attempts = [status for status in statuses.values() if not status.ended and status.sco_id]
    if open_attempts:
        newest = max(open_attempts, key=lambda status: (status.suspended, status.attempt))
        return newest.sco_id
    for sco in items:
        status = statuses.get(sco.id)
        if status is None or status.completion != "completed":
            return sco.id
    return items[0].id


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
        sco_id: _status(attempt) for sco_id, attempt in latest_attempts(registration_id).items()
    }


def _status(attempt: ScoAttempt) -> ScoStatus:
    return ScoStatus(
        sco_id=attempt.sco_id,
        attempt=attempt.number,
        completion=attempt.completion_status,
        success=attempt.success_status,
        score_scaled=attempt.score_scaled,
        suspended=attempt.suspended,
        ended=attempt.ended,
    )


# --- sessions: which attempt a delivery belongs to -----------------------------------------


@dataclass(frozen=True)
class Session:
    attempt_id: int
    attempt_number: int
    number: int
    entry: str
    data: dict[str, Any]
    status: ScoStatus


def _sco(launchable: Launchable, sco_id: str) -> Sco:
    found = sco_by_id(launchable.package).get(sco_id)
    if found is None:
        raise NotFound(f"The course has no SCO {sco_id!r}.", "sco_id")
    return found


def open_session(person: Person, launchable: Launchable, sco_id: str) -> Session:
    """A delivery of the SCO: resume its attempt, continue it, or start a new one.

    The rules (SCORM 2004 RTE 4.2.8 cmi.entry, 4.2.9 cmi.exit; SCORM 1.2 RTE 3.4.4):
    - a SCO never launched, or whose last attempt is over, starts a new attempt: ab-initio;
    - an attempt left with cmi.exit = suspend (or a suspendAll) resumes: entry resume, with its
      location, suspend data and the rest of its data;
    - an attempt left without Terminate (the window closed), or a SCORM 1.2 attempt that ended
      normally before reaching a final status, continues with its data and entry "".
    """
    sco = _sco(launchable, sco_id)
    registration = launchable.registration
    for _ in range(CONFLICT_RETRIES):
        latest = db.session.scalar(
            select(ScoAttempt)
            .where(ScoAttempt.registration_id == registration.id, ScoAttempt.sco_id == sco.id)
            .order_by(ScoAttempt.number.desc())
            .limit(1)
            .with_for_update()
        )
        if latest is None or latest.ended:
            attempt = ScoAttempt(
                registration_id=registration.id,
                sco_id=sco.id,
                number=1 if latest is None else latest.number + 1,
            )
            db.session.add(attempt)
            try:
                db.session.flush()  # its column defaults, before the session count below
            except IntegrityError:  # a new attempt made at the same moment elsewhere
                db.session.rollback()
                continue
            entry = "ab-initio"
        else:
            attempt = latest
            entry = "resume" if attempt.suspended else ""
        attempt.session += 1
        attempt.session_opened_at = utcnow()
        session_number = attempt.session
        try:
            db.session.commit()
        except IntegrityError:  # a new attempt made at the same moment elsewhere
            db.session.rollback()
            continue
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
            status=_status(attempt),
        )
    raise Superseded("The SCO is being opened elsewhere at this moment; try again.", "sco_id")


def _learner_name(person: Person) -> str:
    # SCORM 1.2 RTE 3.4.4 cmi.core.student_name: "Last, First"; 2004 keeps the same form.
    return f"{person.last_name}, {person.first_name}"


# --- commits -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitOutcome:
    applied: bool
    status: ScoStatus
    # How many statements the commit left pending: `sending.statement_sender` sends them.
    statements: int = 0


def apply_commit(
    person: Person, launchable: Launchable, attempt_id: int, session: int, body: str
) -> CommitOutcome:
    """Take a commit of one session of an attempt.

    Commits are ordered by (session, commitSequence). The same commit again (a retry, or the
    sendBeacon copy of a terminate commit) is acknowledged and changes nothing; an older one
    of the same session is acknowledged and ignored; one from an older session than the data
    already saved is refused as Superseded. The CMI data, the attempt's statuses and the
    statements the change produces are written in one transaction."""
    standard = launchable.package.standard
    commit = cmi.read_commit(standard, body)
    attempt = _attempt(launchable, attempt_id)
    if not 1 <= session <= attempt.session:
        raise NotFound(f"Session {session} of this attempt was never opened.", "session")
    sco = _sco(launchable, attempt.sco_id)
    for _ in range(CONFLICT_RETRIES):
        before = (attempt.commit_session, attempt.commit_sequence)
        if (session, commit.sequence) <= before:
            if session < attempt.commit_session:
                raise Superseded(
                    "This window's progress is older than what was saved from another "
                    "window of the course, so it was not saved; use the newest window.",
                    "session",
                )
            return CommitOutcome(applied=False, status=_status(attempt))
        applied = _apply(person, launchable, attempt, sco, session, commit)
        if applied is not None:
            status, statements = applied
            return CommitOutcome(applied=True, status=status, statements=statements)
        db.session.rollback()
        attempt = _attempt(launchable, attempt_id)
    raise Superseded("The attempt is being saved from elsewhere; try again.", "session")


def _attempt(launchable: Launchable, attempt_id: int) -> ScoAttempt:
    # Read afresh: a retry follows another request's change of the same row.
    attempt = db.session.get(ScoAttempt, attempt_id, populate_existing=True)
    if attempt is None or attempt.registration_id != launchable.registration.id:
        raise NotFound("No such attempt in this registration.", "attempt_id")
    return attempt


def _apply(
    person: Person,
    launchable: Launchable,
    attempt: ScoAttempt,
    sco: Sco,
    session: int,
    commit: Commit,
) -> tuple[ScoStatus, int] | None:
    """Apply the commit if nobody changed the attempt meanwhile: the attempt's new status and
    how many statements it made; None if somebody did change it."""
    standard = launchable.package.standard
    now = utcnow()
    evaluated = cmi.evaluate(standard, sco, commit)
    statements = reporting.attempt_statements(
        person, launchable, attempt, sco, session, commit, evaluated, now
    )
    facts = commit.facts
    suspended = commit.suspends
    ended = commit.terminate and not suspended and _ends_attempt(standard, facts, evaluated)
    status = ScoStatus(
        sco_id=attempt.sco_id,
        attempt=attempt.number,
        completion=evaluated.completion,
        success=evaluated.success,
        score_scaled=facts.score.scaled,
        suspended=suspended,
        ended=ended,
    )
    result_changed = (
        attempt.completion_status,
        attempt.success_status,
        attempt.score_scaled,
    ) != (status.completion, status.success, status.score_scaled)
    values: dict[str, Any] = {
        "cmi": json.dumps(commit.data, separators=(",", ":")),
        "commit_session": session,
        "commit_sequence": commit.sequence,
        "completion_status": evaluated.completion,
        "success_status": evaluated.success,
        "score_scaled": facts.score.scaled,
        "score_raw": facts.score.raw,
        "exit": facts.exit,
        "suspended": suspended,
        "ended": ended,
        "updated_at": now,
    }
    if commit.terminate:
        values["terminated_at"] = now
        # RTE 4.2.28 (2004) / 3.4.4 (1.2): the LMS keeps total_time, adding each session.
        values["total_seconds"] = attempt.total_seconds + reporting.session_seconds(
            attempt, commit, reporting.moment_of(commit, attempt, now)
        )
    moment = reporting.moment_of(commit, attempt, now)
    with sending.writing():
        return _write_commit(
            person, launchable, attempt, values, status, result_changed, statements, moment
        )


def _write_commit(
    person: Person,
    launchable: Launchable,
    attempt: ScoAttempt,
    values: dict[str, Any],
    status: ScoStatus,
    result_changed: bool,
    statements: list[dict[str, Any]],
    moment: dt.datetime,
) -> tuple[ScoStatus, int] | None:
    changed = db.session.execute(
        update(ScoAttempt)
        .where(
            ScoAttempt.id == attempt.id,
            ScoAttempt.commit_session == attempt.commit_session,
            ScoAttempt.commit_sequence == attempt.commit_sequence,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        return None
    if launchable.package.standard == "scorm12" and result_changed:
        statuses = {
            sco_id: _status(a) for sco_id, a in latest_attempts(attempt.registration_id).items()
        }
        statuses[status.sco_id] = status
        rolled_up = course_status.rollup_12(scos(launchable.package), statuses)
        more = _course_statements(person, launchable, rolled_up, moment)
        if more is None:
            return None
        statements.extend(more)
    sending.keep(attempt.registration_id, statements)
    try:
        db.session.commit()
    except IntegrityError:
        return None
    return status, len(statements)


def _ends_attempt(standard: str, facts: cmi.Facts, evaluated: Evaluated) -> bool:
    """Whether a Terminate without suspend ends the attempt.

    SCORM 2004 RTE 4.2.9: any exit but suspend ends the learner attempt. SCORM 1.2 keeps the
    data of a SCO exited normally (RTE 3.4.4: the next entry is ""), so its attempt ends only
    when it reached a final status, or exited with logout or time-out."""
    if standard == "scorm2004":
        return True
    return evaluated.completion == "completed" or facts.exit in ("logout", "time-out")


def _course_statements(
    person: Person,
    launchable: Launchable,
    rolled_up: course_status.CourseStatus,
    moment: dt.datetime,
) -> list[dict[str, Any]] | None:
    """Statements about the course activity when its rolled-up status changed (§7), written
    with the new status; None if another request changed the status meanwhile."""
    registration_id = launchable.registration.id
    state = db.session.get(SequencingState, registration_id)
    if state is None:
        state = SequencingState(registration_id=registration_id)
        db.session.add(state)
        db.session.flush()
    course = reporting.course_of(person, launchable)
    statements = []
    number = state.course_statements
    result = xapi.result_of(
        rolled_up.completion, rolled_up.success, cmi.Score(scaled=rolled_up.score_scaled)
    )
    if rolled_up.completion == "completed" and state.course_completion != "completed":
        number += 1
        statements.append(xapi.course_statement(course, xapi.COMPLETED, moment, number, result))
    if rolled_up.success in ("passed", "failed") and rolled_up.success != state.course_success:
        number += 1
        verb = xapi.PASSED if rolled_up.success == "passed" else xapi.FAILED
        statements.append(
            xapi.course_statement(
                course, verb, moment + dt.timedelta(microseconds=1), number, result
            )
        )
    unchanged = (
        state.course_completion,
        state.course_success,
        state.course_score_scaled,
    ) == (rolled_up.completion, rolled_up.success, rolled_up.score_scaled)
    if unchanged:
        return statements
    changed = db.session.execute(
        update(SequencingState)
        .where(
            SequencingState.registration_id == registration_id,
            SequencingState.course_statements == state.course_statements,
            SequencingState.course_completion == state.course_completion,
            SequencingState.course_success == state.course_success,
        )
        .values(
            course_completion=rolled_up.completion,
            course_success=rolled_up.success,
            course_score_scaled=rolled_up.score_scaled,
            course_statements=number,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    return statements if changed.rowcount == 1 else None


# --- SCORM 2004 sequencing state -----------------------------------------------------------


def save_sequencing_state(person: Person, launchable: Launchable, launch: int, body: str) -> bool:
    """Keep the sequencing state scorm-again serialised, and the course status its rollup
    reached (SN RB.1: the root activity's status is the course's). Saves are ordered by
    (launch, sequence): an older one is ignored (False), one from an older launch than the
    state saved is refused as Superseded. Statements about the course are left pending, for
    `sending.statement_sender`."""
    if launchable.package.standard != "scorm2004":
        raise NotFound("Only SCORM 2004 courses have a sequencing state.", "registration_id")
    data = cmi.parse_json_object(body)
    cmi.refuse_nul(data, "")
    sequence = data.get("sequence")
    if (
        isinstance(sequence, bool)
        or not isinstance(sequence, int)
        or not 1 <= sequence <= cmi.MAX_SEQUENCE
    ):
        raise BadCommit("sequence must be a whole number from 1.", "sequence")
    state_text = data.get("state")
    if not isinstance(state_text, str) or len(state_text) > SEQUENCING_STATE_LIMIT:
        raise BadCommit(
            f"state must be the serialised sequencing state, at most "
            f"{SEQUENCING_STATE_LIMIT} characters.",
            "state",
        )
    try:
        json.loads(state_text)
    except ValueError:
        raise BadCommit("state is not scorm-again's serialised (JSON) state.", "state") from None
    rolled_up = course_status.reported(data.get("course"))
    registration_id = launchable.registration.id
    for _ in range(CONFLICT_RETRIES):
        db.session.expire_all()
        state = db.session.get(SequencingState, registration_id)
        if state is None:
            state = _state_for_update(registration_id)
        if (launch, sequence) <= (state.state_launch, state.state_sequence):
            if launch < state.state_launch:
                raise Superseded(
                    "This window's course state is older than one saved from another "
                    "window, so it was not saved; use the newest window.",
                    "launch",
                )
            return False
        changed = db.session.execute(
            update(SequencingState)
            .where(
                SequencingState.registration_id == registration_id,
                SequencingState.state_launch == state.state_launch,
                SequencingState.state_sequence == state.state_sequence,
            )
            .values(
                state=state_text, state_launch=launch, state_sequence=sequence, updated_at=utcnow()
            )
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:
            db.session.rollback()
            continue
        statements = (
            [] if rolled_up is None else _course_statements(person, launchable, rolled_up, utcnow())
        )
        if statements is None:
            db.session.rollback()
            continue
        sending.keep(registration_id, statements)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            continue
        return True
    raise Superseded("The course state is being saved from elsewhere; try again.", "launch")


# --- attempt history -----------------------------------------------------------------------


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
