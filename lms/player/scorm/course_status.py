"""The course's status from its SCOs: SCORM 2004's rolled up by sequencing (SN RB.1, reported
by scorm-again for the root activity), SCORM 1.2's by the LMS's own rule, since 1.2 defines
no rollup; and the statements about the course when it changes (xAPI SCORM Profile §7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import update

from lms.accounts.models import Person
from lms.db import db, utcnow
from lms.player.launch import Launchable
from lms.player.scorm import reporting, xapi
from lms.player.scorm.cmi import COMPLETION_STATUSES, SUCCESS_STATUSES, Score
from lms.player.scorm.interfaces import BadCommit
from lms.player.scorm.models import SequencingState
from lms.player.scorm.settings import Sco


@dataclass(frozen=True)
class CourseStatus:
    completion: str
    success: str
    score_scaled: float | None


class ScoResult(Protocol):
    completion: str
    success: str
    score_scaled: float | None


def rollup_12(scos: list[Sco], statuses: Mapping[str, ScoResult]) -> CourseStatus:
    """SCORM 1.2: the course is completed when every SCO's newest attempt is (passed and failed
    count as completed); failed when any is failed, passed when none is and one passed; its
    score is the mean of the SCOs' scaled scores. Assets report nothing and are left out."""
    tracked = [sco for sco in scos if sco.scorm_type == "sco"] or scos
    results = [statuses.get(sco.id) for sco in tracked]
    if all(result is None or result.completion == "not attempted" for result in results):
        completion = "not attempted"
    elif all(result is not None and result.completion == "completed" for result in results):
        completion = "completed"
    else:
        completion = "incomplete"
    successes = {result.success for result in results if result is not None}
    if "failed" in successes:
        success = "failed"
    elif "passed" in successes and completion == "completed":
        success = "passed"
    else:
        success = "unknown"
    scores = [
        result.score_scaled
        for result in results
        if result is not None and result.score_scaled is not None
    ]
    score = sum(scores) / len(scores) if scores else None
    return CourseStatus(completion, success, score)


def reported(value: Any) -> CourseStatus | None:
    """The root activity's tracking status as the player reports it with a sequencing save."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadCommit("course must be an object.", "course")
    completion = value.get("completion", "unknown")
    success = value.get("success", "unknown")
    if completion not in COMPLETION_STATUSES:
        raise BadCommit(
            f"course.completion is {completion!r}, not a completion status.", "course.completion"
        )
    if success not in SUCCESS_STATUSES:
        raise BadCommit(f"course.success is {success!r}, not a success status.", "course.success")
    score = value.get("scoreScaled")
    if score is not None and (
        isinstance(score, bool) or not isinstance(score, int | float) or not -1 <= score <= 1
    ):
        raise BadCommit("course.scoreScaled must be a number from -1 to 1.", "course.scoreScaled")
    return CourseStatus(completion, success, None if score is None else float(score))


def record_change(
    person: Person,
    launchable: Launchable,
    rolled_up: CourseStatus,
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
        rolled_up.completion, rolled_up.success, Score(scaled=rolled_up.score_scaled)
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
