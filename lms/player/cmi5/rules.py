"""The cmi5 rules for statements an AU sends with its launch credential (cmi5 §6.3, §7.1.3,
§9, §10.2.1, §10.2.2, §11), one function per statement, with no I/O.

`check` says whether the statement may be stored in the session as it stands, raising
RuleBroken (the section and what is wrong) otherwise; `apply` moves the session on. The LMS
rejects what breaks the rules (§6.3 "SHOULD reject") rather than voiding it later; the HTTP
answer is 403 (the spec names no status; the CATAPULT test suite expects 403).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lms.player.cmi5.interfaces import RuleBroken
from lms.player.cmi5.statements import (
    ABANDONED,
    CMI5_CATEGORY,
    COMPLETED,
    FAILED,
    INITIALIZED,
    LAUNCHED,
    MASTERY_SCORE,
    MOVEON_CATEGORY,
    PASSED,
    PROGRESS,
    SATISFIED,
    SESSION_ID,
    TERMINATED,
    VOIDED,
    WAIVED,
)

DEFINED, ALLOWED = "cmi5 defined", "cmi5 allowed"  # §7.1.3
AU_VERBS = (INITIALIZED, COMPLETED, PASSED, FAILED, TERMINATED)
LMS_VERBS = (LAUNCHED, ABANDONED, WAIVED, SATISFIED)
JUDGED = (COMPLETED, PASSED, FAILED)
# §9.5.4.1: the AU statements that must carry a duration.
NEEDS_DURATION = (TERMINATED, COMPLETED, PASSED, FAILED)
NORMAL = "Normal"
# §9.7: UTC; an offset of zero is UTC too (RFC 3339's -00:00 means "unknown", so not it).
_UTC = re.compile(r"(?:[Zz]|\+00(?::?00)?)$")


@dataclass
class AUSession:
    """What the rules need to know of one AU session and of its AU in the registration."""

    actor: dict[str, Any]
    registration: str
    session_id: str
    activity_id: str
    publisher_id: str
    launch_mode: str = NORMAL
    mastery_score: Decimal | None = None
    preferences_read: bool = False
    abandoned: bool = False
    # cmi5 defined verbs sent in this session (initialized, completed, passed, …).
    verbs: set[str] = field(default_factory=set)
    completed_in_registration: bool = False
    passed_in_registration: bool = False

    @property
    def initialized(self) -> bool:
        return INITIALIZED in self.verbs

    @property
    def terminated(self) -> bool:
        return TERMINATED in self.verbs


def _name(verb: str) -> str:
    return verb.rsplit("/", 1)[-1]


def activity_ids(context: dict[str, Any], kind: str) -> list[str]:
    found = (context.get("contextActivities") or {}).get(kind) or []
    found = found if isinstance(found, list) else [found]  # xAPI 1.0 allows a single object
    return [activity.get("id") for activity in found if isinstance(activity, dict)]


def check(statement: dict[str, Any], session: AUSession) -> str:
    """DEFINED or ALLOWED if the statement may be stored now; RuleBroken if not."""
    verb = statement["verb"]["id"]
    if session.terminated:
        raise RuleBroken("9.3.8", "the session ended with terminated; it takes no more statements")
    if session.abandoned:
        raise RuleBroken("9.3.6", "the session was abandoned; it takes no more statements")
    if verb == VOIDED:
        raise RuleBroken("6.3", "an AU may not void statements")
    if verb in LMS_VERBS:
        # §9.3.1, §9.3.6, §9.3.7, §9.3.9 give these to the LMS; from an AU, even without the
        # cmi5 category, a satisfied or waived would claim what only the LMS decides.
        raise RuleBroken("9.3", f"$.verb: only the LMS sends {_name(verb)}")
    if "id" not in statement:
        raise RuleBroken("9.1", "$.id: the AU must give every statement its id")
    timestamp = statement.get("timestamp")
    if timestamp is None:
        raise RuleBroken("9.7", "$.timestamp: every statement needs its timestamp")
    if not _UTC.search(str(timestamp)):
        raise RuleBroken("9.7", f"$.timestamp: must be in UTC (Z), not {timestamp}")
    context = _check_context(statement, session)
    categories = activity_ids(context, "category")
    kind = DEFINED if CMI5_CATEGORY in categories else ALLOWED
    _check_actor(statement, session)
    if not session.preferences_read:
        raise RuleBroken(
            "11", "the AU must read its cmi5LearnerPreferences before its first statement"
        )
    result = statement.get("result") or {}
    progress = (result.get("extensions") or {}).get(PROGRESS)
    if progress is not None and not (
        isinstance(progress, int) and not isinstance(progress, bool) and 0 <= progress <= 100
    ):
        raise RuleBroken("9.5.5.1", f"$.result.extensions[progress]: 0 to 100, not {progress!r}")
    if kind == ALLOWED:
        _check_allowed(session, categories)
    else:
        _check_defined(statement, session, verb, context, categories, result)
    return kind


def apply(statement: dict[str, Any], kind: str, session: AUSession) -> None:
    """The session after the statement was accepted."""
    if kind != DEFINED:
        return
    verb = statement["verb"]["id"]
    session.verbs.add(verb)
    if verb == COMPLETED:
        session.completed_in_registration = True
    elif verb == PASSED:
        session.passed_in_registration = True


def _check_context(statement: dict[str, Any], session: AUSession) -> dict[str, Any]:
    context = statement.get("context")
    if not isinstance(context, dict):
        raise RuleBroken("9.6", "$.context: the AU's statements carry the contextTemplate")
    registration = context.get("registration")
    if registration is None or str(registration).lower() != session.registration:
        raise RuleBroken(
            "9.6.1", f"$.context.registration: must be the launch's, {session.registration}"
        )
    if (context.get("extensions") or {}).get(SESSION_ID) != session.session_id:
        raise RuleBroken(
            "9.6.3.1",
            f"$.context.extensions[sessionid]: must be this session's, {session.session_id}",
        )
    if session.publisher_id not in activity_ids(context, "grouping"):
        raise RuleBroken(
            "10.2.1",
            "$.context.contextActivities.grouping: must keep the contextTemplate's "
            f"publisher id activity {session.publisher_id}",
        )
    return context


def _check_actor(statement: dict[str, Any], session: AUSession) -> None:
    actor = statement["actor"]
    if actor.get("objectType", "Agent") != "Agent":
        raise RuleBroken("9.2", "$.actor.objectType: the actor is an Agent")
    if "account" not in actor:
        raise RuleBroken("9.2", "$.actor.account: the actor is identified by its account")
    if actor["account"] != session.actor.get("account"):
        raise RuleBroken("8.1.3", "$.actor: must be the actor the launch gave")


def _check_allowed(session: AUSession, categories: list[str]) -> None:
    if not session.initialized:
        raise RuleBroken("9.3", "initialized must be the session's first statement")
    if MOVEON_CATEGORY in categories:
        raise RuleBroken(
            "9.6.2.2",
            "$.context.contextActivities.category: only cmi5 defined statements "
            "with success or completion carry the moveOn category",
        )


def _check_defined(
    statement: dict[str, Any],
    session: AUSession,
    verb: str,
    context: dict[str, Any],
    categories: list[str],
    result: dict[str, Any],
) -> None:
    if verb not in AU_VERBS:
        raise RuleBroken(
            "9.3", f"$.verb: {verb} is not a cmi5 verb; send it without the cmi5 category"
        )
    target = statement["object"]
    if (
        target.get("objectType", "Activity") != "Activity"
        or target.get("id") != session.activity_id
    ):
        raise RuleBroken(
            "9.4", f"$.object.id: must be the launch's activityId {session.activity_id}"
        )
    _check_order(session, verb)
    if verb in JUDGED and session.launch_mode != NORMAL:
        raise RuleBroken(
            "10.2.2", f"in {session.launch_mode} mode the AU sends only initialized and terminated"
        )
    _check_result(session, verb, context, categories, result)


def _check_order(session: AUSession, verb: str) -> None:
    """§9.3's ordering rules, within the session and within the registration."""
    if not session.initialized and verb != INITIALIZED:
        raise RuleBroken("9.3", "initialized must be the session's first statement")
    if verb in session.verbs:
        raise RuleBroken("9.3", f"{_name(verb)} was already sent in this session")
    if verb in (PASSED, FAILED) and session.verbs & {PASSED, FAILED}:
        raise RuleBroken("9.3", "a session sends passed or failed, not both")
    if verb == COMPLETED and session.completed_in_registration:
        raise RuleBroken("9.3.3", "completed was already sent in this registration")
    if verb == PASSED and session.passed_in_registration:
        raise RuleBroken("9.3.4", "passed was already sent in this registration")
    if verb == FAILED and session.passed_in_registration:
        raise RuleBroken("9.3", "failed must not follow passed in a registration")


def _check_result(
    session: AUSession,
    verb: str,
    context: dict[str, Any],
    categories: list[str],
    result: dict[str, Any],
) -> None:
    if verb == COMPLETED and result.get("completion") is not True:
        raise RuleBroken("9.5.3", "$.result.completion: completed says true")
    if verb != COMPLETED and "completion" in result:
        raise RuleBroken("9.5.3", f"$.result.completion: {_name(verb)} carries no completion")
    if verb == PASSED and result.get("success") is not True:
        raise RuleBroken("9.5.2", "$.result.success: passed says true")
    if verb == FAILED and result.get("success") is not False:
        raise RuleBroken("9.5.2", "$.result.success: failed says false")
    if verb not in (PASSED, FAILED) and "success" in result:
        raise RuleBroken("9.5.2", f"$.result.success: {_name(verb)} carries no success")
    judged = "success" in result or "completion" in result
    if judged and MOVEON_CATEGORY not in categories:
        raise RuleBroken(
            "9.6.2.2",
            "$.context.contextActivities.category: a result with success or "
            "completion needs the moveOn category",
        )
    if not judged and MOVEON_CATEGORY in categories:
        raise RuleBroken(
            "9.6.2.2",
            f"$.context.contextActivities.category: {_name(verb)} carries no moveOn category",
        )
    if "score" in result:
        _check_score(session, verb, context, result["score"])
    if verb in NEEDS_DURATION and "duration" not in result:
        raise RuleBroken("9.5.4.1", f"$.result.duration: {_name(verb)} needs its duration")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _check_score(
    session: AUSession, verb: str, context: dict[str, Any], score: dict[str, Any]
) -> None:
    if verb not in (PASSED, FAILED):
        raise RuleBroken("9.5.1", f"$.result.score: {_name(verb)} carries no score")
    if "raw" in score and ("min" not in score or "max" not in score):
        raise RuleBroken("9.5.1", "$.result.score: a raw score comes with min and max")
    scaled = _decimal(score.get("scaled"))
    if scaled is None:
        return
    if not 0 <= scaled <= 1:
        raise RuleBroken("9.5.1", f"$.result.score.scaled: 0 to 1, not {scaled}")
    mastery = session.mastery_score
    if mastery is None:
        return
    if verb == PASSED and scaled < mastery:
        raise RuleBroken("9.3.4", f"$.result.score.scaled: {scaled} is under the masteryScore")
    if verb == FAILED and scaled >= mastery:
        raise RuleBroken("9.3.5", f"$.result.score.scaled: {scaled} meets the masteryScore")
    given = _decimal((context.get("extensions") or {}).get(MASTERY_SCORE))
    if given != mastery:
        raise RuleBroken(
            "9.6.3.2",
            f"$.context.extensions[masteryscore]: a score judged against the "
            f"masteryScore names it, {mastery}",
        )
