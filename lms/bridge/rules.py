"""What a statement is worth on a Training Profile: the bridge's rules, in one place.

`judge` looks at one statement and says: credit this person with this course (and how many
hours), remove the entry a voided statement made, skip it (and why, so it is counted), or
ignore it (not a completion at all). It reads nothing itself: who the actor is and what the
activity is come from the lookups it is given, so the rules are a table of cases to test.

The credit rules (docs/domain.md#credit-rules): `*` automatic courses post CPT on completion;
`**` recorded courses go on the profile with 0 hours; `***` facilitated courses get CPT only
from a roster (an `attended` statement);
resource-only courses record nothing; NPO staff earn no CPT. Once per course per cycle is not
decided here but over all of a person's entries (`lms.bridge.services`), so that the order in
which statements arrive cannot change a profile.

Credit also depends on who recorded the statement (its authority, set by the LRS from the
credential that sent it; docs/training.md, "Who may give credit"): a completion counts only
from the portal itself or from a launch credential issued for that person's registration on
that course; `attended` only from a roster credential of an agency presenting that course; a
voiding removes an entry only when it comes from the entry's own authority or the portal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lms.catalog.interfaces import CreditRule
from lrs.spec.durations import parse_duration

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"  # cmi5 §9.3.9
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"  # a facilitator's roster
VOIDED = "http://adlnet.gov/expapi/verbs/voided"  # xAPI 2.0 §2.2.4.1 (voiding)
# The xAPI SCORM Profile's category: the portal's SCORM player reports every completion of the
# course with `completed` (Profile §7; lms/player/scorm/course_status.py), and its `passed` and
# `failed` repeat the completion only as their result, so from the portal they are not a second
# completion (content of others that uses the Profile is judged like any Tin Can course).
SCORM_PROFILE = "https://w3id.org/xapi/scorm"
# The verbs that may complete a course (under one rule or another).
COMPLETION_VERBS = (COMPLETED, PASSED, FAILED, SATISFIED, ATTENDED)
# The verbs the bridge reads at all; every other statement is passed over without a look.
VERBS = (*COMPLETION_VERBS, VOIDED)
# A roster's time counts in days, hours, minutes and seconds: years and months have no fixed length.
ROSTER_UNITS = ("days", "hours", "minutes", "seconds")
QUARTER_HOUR = Decimal("0.25")


@dataclass(frozen=True)
class KnownPerson:
    person_id: int
    post_id: str | None
    earns_cpt: bool  # officers and dispatchers; NPO staff train without CPT


@dataclass(frozen=True)
class KnownCourse:
    course_id: int
    title: str
    # None: the course has no certification (nothing it does reaches a profile).
    certification_number: str | None
    cpt_hours: Decimal
    credit_rule: CreditRule
    # Which statement completes it: "completed" or "passed" (SCORM, Tin Can); cmi5 courses are
    # completed by the LMS's `satisfied` statement for the course (cmi5 §9.3.9).
    completion: str
    is_cmi5: bool
    mandate_codes: tuple[str, ...] = ()
    psp_category: str | None = None


@dataclass(frozen=True)
class CoursePart:
    """An activity inside a course (a SCO, an AU, a block): its statements are not the
    course's completion, and are passed over without counting."""

    course_id: int


@dataclass(frozen=True)
class Authority:
    """Who recorded a statement, as far as credit goes: the key of the LRS credential behind
    its authority ("" when it is none of this LRS's), and what that credential was issued for."""

    key: str = ""
    portal: bool = False
    # A launch credential: the person and the course of the registration it was issued for.
    launch_person_id: int | None = None
    launch_course_id: int | None = None
    # A roster credential: the courses that its agency presents.
    roster_course_ids: frozenset[int] = frozenset()


Activity = KnownCourse | CoursePart | None
PersonLookup = Callable[[dict[str, Any]], KnownPerson | None]
ActivityLookup = Callable[[str], Activity]
AuthorityLookup = Callable[[dict[str, Any]], Authority]


@dataclass(frozen=True)
class Credit:
    person: KnownPerson
    course: KnownCourse
    completed_at: dt.datetime
    hours: Decimal
    source: str  # automatic | recorded | roster
    authority: str = ""  # the credential key behind the statement's authority


@dataclass(frozen=True)
class Void:
    statement_id: str
    authority: Authority = Authority()


@dataclass(frozen=True)
class Skip:
    reason: str  # UNKNOWN_PERSON | UNCERTIFIED | UNENTITLED


@dataclass(frozen=True)
class Ignore:
    pass


Outcome = Credit | Void | Skip | Ignore
UNKNOWN_PERSON = "unknown person"
UNCERTIFIED = "uncertified activity"
UNENTITLED = "authority not entitled"


def judge(
    statement: dict[str, Any],
    person_of: PersonLookup,
    activity_of: ActivityLookup,
    authority_of: AuthorityLookup,
) -> Outcome:
    verb = statement.get("verb", {}).get("id")
    target = statement.get("object", {})
    if verb == VOIDED and target.get("objectType") == "StatementRef":
        return Void(target["id"], authority_of(statement))
    if verb not in COMPLETION_VERBS:
        return Ignore()
    if target.get("objectType", "Activity") != "Activity":
        return Ignore()
    activity = activity_of(target.get("id", ""))
    if isinstance(activity, CoursePart):
        return Ignore()
    if activity is None or activity.certification_number is None:
        return Skip(UNCERTIFIED)
    if activity.credit_rule == CreditRule.RESOURCE:
        return Skip(UNCERTIFIED)
    authority = authority_of(statement)
    if not _completes(verb, statement, activity, authority):
        return Ignore()
    person = person_of(statement.get("actor", {}))
    if person is None:
        return Skip(UNKNOWN_PERSON)
    if not entitled(verb, authority, person, activity):
        return Skip(UNENTITLED)
    return Credit(
        person=person,
        course=activity,
        completed_at=_timestamp(statement),
        hours=_hours(verb, statement, activity, person),
        source="roster" if verb == ATTENDED else activity.credit_rule.value,
        authority=authority.key,
    )


def entitled(verb: str, authority: Authority, person: KnownPerson, course: KnownCourse) -> bool:
    """Whether the statement's authority may give this person this course's credit."""
    if verb == ATTENDED:
        return course.course_id in authority.roster_course_ids
    if authority.portal:
        return True
    return (authority.launch_person_id, authority.launch_course_id) == (
        person.person_id,
        course.course_id,
    )


def may_void(voider: Authority, entry_authority: str) -> bool:
    """A voiding removes an entry only from the entry's own authority or the portal's."""
    return voider.portal or (bool(voider.key) and voider.key == entry_authority)


def _completes(
    verb: str, statement: dict[str, Any], course: KnownCourse, authority: Authority
) -> bool:
    """Whether this statement is the course's completion under its credit rule."""
    if verb == SATISFIED and not authority.portal:
        return False  # cmi5 §9.3.9: only the LMS says a course is satisfied
    if verb == ATTENDED:
        return True  # a roster records any course it is entered for
    if course.credit_rule == CreditRule.ROSTER:
        return False  # *** CPT is recorded only from the roster
    if course.is_cmi5:
        return verb == SATISFIED  # cmi5 §9.3.9: the course's completion is the LMS's alone
    if course.completion == "passed":
        return verb == PASSED  # the test must be passed: `failed` never completes it
    if verb != COMPLETED and authority.portal and SCORM_PROFILE in _categories(statement):
        return False  # the SCORM player's passed/failed: its `completed` is the completion
    return reports_completion(statement)


def reports_completion(statement: dict[str, Any]) -> bool:
    """Whether a Tin Can or SCORM statement says its activity is completed, however it says it:
    the `completed` verb, or `passed`/`failed` whose result says completion true (xAPI 2.0
    §4.2.2.4.5, `result.completion`)."""
    verb = statement.get("verb", {}).get("id")
    if verb == COMPLETED:
        return True
    if verb not in (PASSED, FAILED):
        return False
    result = statement.get("result")
    return isinstance(result, dict) and result.get("completion") is True


def _categories(statement: dict[str, Any]) -> set[str]:
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, dict) else None
    found = activities.get("category") if isinstance(activities, dict) else None
    if isinstance(found, dict):
        found = [found]
    return {a.get("id") for a in found or [] if isinstance(a, dict)}


def _hours(
    verb: str, statement: dict[str, Any], course: KnownCourse, person: KnownPerson
) -> Decimal:
    if not person.earns_cpt or course.credit_rule == CreditRule.RECORDED:
        return Decimal(0)
    if verb == ATTENDED:
        attended = duration_hours(statement.get("result", {}).get("duration"))
        if attended is not None:
            return min(attended, course.cpt_hours)  # a roster never gives more than certified
    return course.cpt_hours


def duration_hours(value: object) -> Decimal | None:
    """An ISO 8601 duration (`PT2H`, `PT90M`) in hours, to the quarter hour; None if absent."""
    if not isinstance(value, str):
        return None
    duration = parse_duration(value, units=ROSTER_UNITS, decimal_comma=False)
    if duration is None:
        return None
    hours = duration.total_seconds() / 3600
    return (hours / QUARTER_HOUR).quantize(Decimal(1), ROUND_HALF_UP) * QUARTER_HOUR


def _timestamp(statement: dict[str, Any]) -> dt.datetime:
    raw = statement.get("timestamp") or statement.get("stored")
    moment = dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
