"""Commits: taken in order, once, never overwriting newer data; the attempt's data, statuses
and the statements the change produces written in one transaction."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from lms.accounts.models import Person
from lms.db import db, utcnow
from lms.player.launch import Launchable
from lms.player.scorm import cmi, course_status, reporting, sending
from lms.player.scorm.attempts import (
    CONFLICT_RETRIES,
    ScoStatus,
    end_course_attempt,
    latest_attempts,
    one_try,
    sco_of,
    status_of,
)
from lms.player.scorm.cmi import Commit, Evaluated
from lms.player.scorm.interfaces import (
    NotFound,
    SessionNotOpened,
    SessionTerminated,
    Superseded,
)
from lms.player.scorm.models import ScoAttempt
from lms.player.scorm.settings import Sco, scos


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
    already saved is refused as Superseded, and a new one after the session's Terminate as
    SessionTerminated. The CMI data, the attempt's statuses and the statements the change
    produces are written in one transaction."""
    standard = launchable.package.standard
    commit = cmi.read_commit(standard, body)
    attempt = _attempt(launchable, attempt_id)
    if not 1 <= session <= attempt.session:
        raise SessionNotOpened(f"Session {session} of this attempt was never opened.", "session")
    sco = sco_of(launchable, attempt.sco_id)
    for _ in range(CONFLICT_RETRIES):
        before = (attempt.commit_session, attempt.commit_sequence)
        if (session, commit.sequence) <= before:
            if session < attempt.commit_session:
                raise Superseded(
                    "This window's progress is older than what was saved from another "
                    "window of the course, so it was not saved; use the newest window.",
                    "session",
                )
            return CommitOutcome(applied=False, status=status_of(attempt))
        if _terminated(attempt, session):
            raise SessionTerminated(
                "This session of the SCO ended with Terminate; a commit after Terminate "
                "(SCORM error 143, Commit After Termination) is refused and nothing was saved.",
                "session",
            )
        applied = _apply(person, launchable, attempt, sco, session, commit)
        if applied is not None:
            status, statements = applied
            return CommitOutcome(applied=True, status=status, statements=statements)
        attempt = _attempt(launchable, attempt_id)
    raise Superseded("The attempt is being saved from elsewhere; try again.", "session")


def _terminated(attempt: ScoAttempt, session: int) -> bool:
    """Whether the last commit applied to the attempt was the Terminate of this session.

    A terminate commit sets terminated_at and updated_at to the same moment, and every other
    applied commit sets updated_at alone; since nothing is applied to a session after its
    Terminate, the two stay equal while that session's commit is the attempt's last."""
    return (
        attempt.commit_session == session
        and attempt.terminated_at is not None
        and attempt.terminated_at == attempt.updated_at
    )


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
    ended = commit.terminate and not suspended and _ends_attempt(standard, commit, evaluated)
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
    ends_all = commit.terminate and commit.ends_all
    with sending.writing():  # a try undone alone if another request changed the attempt
        return one_try(
            lambda: _write_commit(
                person,
                launchable,
                attempt,
                values,
                status,
                result_changed,
                statements,
                moment,
                ends_all,
            )
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
    ends_all: bool,
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
    if ends_all:
        end_course_attempt(attempt.registration_id)
    if launchable.package.standard == "scorm12" and result_changed:
        statuses = {
            sco_id: status_of(a) for sco_id, a in latest_attempts(attempt.registration_id).items()
        }
        statuses[status.sco_id] = status
        rolled_up = course_status.rollup_12(scos(launchable.package), statuses)
        more = course_status.record_change(person, launchable, rolled_up, moment)
        if more is None:
            return None
        statements.extend(more)
    sending.keep(attempt.registration_id, statements)
    db.session.flush()  # a statement kept twice (a simultaneous commit) fails here
    return status, len(statements)


def _ends_attempt(standard: str, commit: Commit, evaluated: Evaluated) -> bool:
    """Whether a Terminate without suspend ends the attempt.

    SCORM 2004 RTE 4.2.9: any exit but suspend ends the learner attempt. SCORM 1.2 keeps the
    data of a SCO exited normally (RTE 3.4.4: the next entry is ""), so its attempt ends only
    when it reached a final status, or exited with logout or time-out, or the learner ended
    the course's attempt with the player's Exit."""
    if standard == "scorm2004" or commit.ends_all:
        return True
    return evaluated.completion == "completed" or commit.facts.exit in ("logout", "time-out")
