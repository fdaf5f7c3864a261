"""The course's status from its SCOs: SCORM 2004's rolled up by sequencing (SN RB.1, reported
by scorm-again for the root activity), SCORM 1.2's by the LMS's own rule, since 1.2 defines
no rollup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from lms.player.scorm.cmi import COMPLETION_STATUSES, SUCCESS_STATUSES
from lms.player.scorm.interfaces import BadCommit
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
