"""The bridge's rules as a table: one statement in, what it is worth on a profile out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from lms.bridge import rules
from lms.catalog.interfaces import CreditRule

BASE = "https://lms.test"
OFFICER = rules.KnownPerson(1, "A12-345-678", earns_cpt=True)
NPO = rules.KnownPerson(2, None, earns_cpt=False)
PEOPLE = {"A12-345-678": OFFICER, "account-2": NPO}


def course(**overrides) -> rules.KnownCourse:
    fields = {
        "course_id": 10,
        "title": "Vehicle Pursuit Policy Update",
        "certification_number": "1850-21796",
        "cpt_hours": Decimal(2),
        "credit_rule": CreditRule.AUTOMATIC,
        "completion": "completed",
        "is_cmi5": False,
        "mandate_codes": ("pc_13519_8",),
    }
    return rules.KnownCourse(**{**fields, **overrides})


COURSES = {
    f"{BASE}/courses/10": course(),
    f"{BASE}/courses/11": course(course_id=11, completion="passed", title="Use of Force"),
    f"{BASE}/courses/12": course(course_id=12, credit_rule=CreditRule.RECORDED, cpt_hours=0),
    f"{BASE}/courses/13": course(course_id=13, credit_rule=CreditRule.ROSTER, cpt_hours=2),
    f"{BASE}/courses/14": course(course_id=14, credit_rule=CreditRule.RESOURCE, cpt_hours=0),
    f"{BASE}/courses/15": course(course_id=15, is_cmi5=True, cpt_hours=4),
    f"{BASE}/courses/16": course(course_id=16, certification_number=None),
    f"{BASE}/courses/10/sco-1": rules.CoursePart(10),
}


def person_of(actor):
    account = actor.get("account", {})
    return PEOPLE.get(account.get("name")) if account.get("homePage") == BASE else None


def by(key: str) -> dict:
    """The authority the LRS gives the statements of the credential with this key."""
    return {"objectType": "Agent", "account": {"homePage": BASE, "name": key}}


PORTAL = by("learning-portal")
AUTHORITIES = {
    "learning-portal": rules.Authority(key="learning-portal", portal=True),
    # launch credentials: the officer's registrations on courses 10 and 11
    "launch-10": rules.Authority(key="launch-10", launch_person_id=1, launch_course_id=10),
    "launch-11": rules.Authority(key="launch-11", launch_person_id=1, launch_course_id=11),
    "roster-13": rules.Authority(key="roster-13", roster_course_ids=frozenset({13})),
    "roster-10": rules.Authority(key="roster-10", roster_course_ids=frozenset({10})),
}


def authority_of(statement: dict) -> rules.Authority:
    key = statement["authority"]["account"]["name"]
    return AUTHORITIES.get(key, rules.Authority(key=key))


def judge(statement: dict) -> rules.Outcome:
    return rules.judge(statement, person_of, COURSES.get, authority_of)


def statement(verb: str, activity: str, name: str = "A12-345-678", **extra) -> dict:
    return {
        "authority": PORTAL,
        "id": "6d3f4b5e-0000-4000-8000-000000000001",
        "actor": {"objectType": "Agent", "account": {"homePage": BASE, "name": name}},
        "verb": {"id": verb},
        "object": {"objectType": "Activity", "id": f"{BASE}/courses/{activity}"},
        "timestamp": "2026-03-04T18:30:00Z",
        **extra,
    }


C, P, S, A = rules.COMPLETED, rules.PASSED, rules.SATISFIED, rules.ATTENDED
F = rules.FAILED
DONE = {"result": {"completion": True, "success": True}}
FAILED_DONE = {"result": {"completion": True, "success": False}}
NOT_DONE = {"result": {"completion": False, "success": True}}
# What the portal's SCORM player writes about the course (xAPI SCORM Profile §7).
SCORM = {"context": {"contextActivities": {"category": [{"id": "https://w3id.org/xapi/scorm"}]}}}
CASES = [
    # (case, statement, expected outcome: ("credit", hours, source) | ("skip", reason) | ...)
    (
        "completion of an automatic course posts its CPT",
        statement(C, "10"),
        ("credit", 2, "automatic"),
    ),
    (
        "a passed statement does not complete a course completed by completion",
        statement(P, "10"),
        ("ignore",),
    ),
    (
        "a passed statement carrying completion true completes a course completed by completion",
        statement(P, "10", authority=by("launch-10"), **DONE),
        ("credit", 2, "automatic"),
    ),
    (
        "so does a failed one: the course was completed, whatever the test said",
        statement(F, "10", authority=by("launch-10"), **FAILED_DONE),
        ("credit", 2, "automatic"),
    ),
    (
        "a passed statement carrying completion false does not",
        statement(P, "10", **NOT_DONE),
        ("ignore",),
    ),
    (
        "a completion given as a string is not completion true",
        statement(P, "10", result={"completion": "true"}),
        ("ignore",),
    ),
    (
        "a SCORM course's completion is its completed statement",
        statement(C, "10", result={"completion": True}, **SCORM),
        ("credit", 2, "automatic"),
    ),
    (
        "and its passed statement, which repeats the completion, is not a second one",
        statement(P, "10", **DONE, **SCORM),
        ("ignore",),
    ),
    (
        "nor its failed statement",
        statement(F, "10", **FAILED_DONE, **SCORM),
        ("ignore",),
    ),
    (
        "content of others using the SCORM Profile: its passed with completion is a completion",
        statement(P, "10", authority=by("launch-10"), **DONE, **SCORM),
        ("credit", 2, "automatic"),
    ),
    (
        "a completion reported by passed still needs an entitled authority",
        statement(P, "10", authority=by("reporting-tool"), **DONE),
        ("skip", rules.UNENTITLED),
    ),
    ("a course completed by passing takes passed", statement(P, "11"), ("credit", 2, "automatic")),
    (
        "and a SCORM course's passed statement too",
        statement(P, "11", **DONE, **SCORM),
        ("credit", 2, "automatic"),
    ),
    ("a failed test never completes it", statement(F, "11", **FAILED_DONE), ("ignore",)),
    ("and not completed", statement(C, "11"), ("ignore",)),
    (
        "a recorded course goes on the profile with 0 hours",
        statement(C, "12"),
        ("credit", 0, "recorded"),
    ),
    ("a roster course ignores an online completion", statement(C, "13"), ("ignore",)),
    (
        "a roster's attended statement gives its hours",
        statement(A, "13", result={"duration": "PT1H30M"}, authority=by("roster-13")),
        ("credit", 1.5, "roster"),
    ),
    (
        "a roster never gives more than the certified hours",
        statement(A, "13", result={"duration": "PT8H"}, authority=by("roster-13")),
        ("credit", 2, "roster"),
    ),
    (
        "a roster without a duration gives the certified hours",
        statement(A, "13", authority=by("roster-13")),
        ("credit", 2, "roster"),
    ),
    (
        "attended from anyone but a roster credential of the course gives nothing",
        statement(A, "13", result={"duration": "PT2H"}),
        ("skip", rules.UNENTITLED),
    ),
    (
        "a roster credential of another course gives nothing for this one",
        statement(A, "13", authority=by("roster-10")),
        ("skip", rules.UNENTITLED),
    ),
    (
        "attended from a launch credential gives nothing",
        statement(A, "10", result={"duration": "PT2H"}, authority=by("launch-10")),
        ("skip", rules.UNENTITLED),
    ),
    (
        "a launch credential of the person's registration on the course gives its CPT",
        statement(C, "10", authority=by("launch-10")),
        ("credit", 2, "automatic"),
    ),
    (
        "a launch credential of another course gives nothing for this one",
        statement(C, "10", authority=by("launch-11")),
        ("skip", rules.UNENTITLED),
    ),
    (
        "a launch credential gives nothing to another person",
        statement(C, "10", name="account-2", authority=by("launch-10")),
        ("skip", rules.UNENTITLED),
    ),
    (
        "an ordinary credential, even with scope all, gives no credit",
        statement(C, "10", authority=by("reporting-tool")),
        ("skip", rules.UNENTITLED),
    ),
    (
        "an authority of another LRS gives no credit",
        statement(
            C,
            "10",
            authority={"objectType": "Agent", "account": {"homePage": "https://x", "name": "a"}},
        ),
        ("skip", rules.UNENTITLED),
    ),
    ("a resource-only course records nothing", statement(C, "14"), ("skip", rules.UNCERTIFIED)),
    (
        "a cmi5 course is completed by its satisfied statement",
        statement(S, "15"),
        ("credit", 4, "automatic"),
    ),
    ("and not by a completed statement about it", statement(C, "15"), ("ignore",)),
    ("nor by a passed one carrying completion", statement(P, "15", **DONE), ("ignore",)),
    (
        "a roster course ignores a passed statement carrying completion",
        statement(P, "13", **DONE),
        ("ignore",),
    ),
    (
        "only the portal may say a cmi5 course is satisfied",
        statement(S, "15", authority=by("tool")),
        ("ignore",),
    ),
    (
        "a course without certification is skipped and counted",
        statement(C, "16"),
        ("skip", rules.UNCERTIFIED),
    ),
    (
        "an unknown activity is skipped and counted",
        statement(C, "999"),
        ("skip", rules.UNCERTIFIED),
    ),
    ("a SCO's completion is not the course's", statement(C, "10/sco-1"), ("ignore",)),
    (
        "an unknown person is skipped and counted",
        statement(C, "10", name="Z99-999-999"),
        ("skip", rules.UNKNOWN_PERSON),
    ),
    (
        "an NPO's completion is on the profile without CPT",
        statement(C, "10", name="account-2"),
        ("credit", 0, "automatic"),
    ),
    (
        "other verbs are not completions",
        statement("http://adlnet.gov/expapi/verbs/initialized", "10"),
        ("ignore",),
    ),
]


@pytest.mark.parametrize(("case", "given", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule(case, given, expected):
    outcome = judge(given)
    kind = expected[0]
    if kind == "credit":
        assert isinstance(outcome, rules.Credit), outcome
        assert (outcome.hours, outcome.source) == (Decimal(str(expected[1])), expected[2])
    elif kind == "skip":
        assert outcome == rules.Skip(expected[1])
    else:
        assert outcome == rules.Ignore()


def test_a_voiding_statement_names_the_statement_to_remove():
    voiding = statement(rules.VOIDED, "10")
    voiding["object"] = {"objectType": "StatementRef", "id": "a0a0a0a0-0000-4000-8000-000000000009"}
    assert judge(voiding) == rules.Void(voiding["object"]["id"], AUTHORITIES["learning-portal"])


@pytest.mark.parametrize(
    ("voider", "entry_authority", "removes"),
    [
        ("learning-portal", "launch-10", True),
        ("launch-10", "launch-10", True),
        ("launch-11", "launch-10", False),
        ("reporting-tool", "learning-portal", False),
        ("launch-10", "", False),
    ],
)
def test_a_voiding_removes_an_entry_only_from_its_own_authority_or_the_portal(
    voider, entry_authority, removes
):
    authority = AUTHORITIES.get(voider, rules.Authority(key=voider))
    assert rules.may_void(authority, entry_authority) is removes


def test_the_completion_time_is_the_statements_timestamp_with_its_offset():
    given = statement(C, "10", timestamp="2026-12-31T23:30:00-08:00")
    outcome = judge(given)
    assert outcome.completed_at == dt.datetime(2027, 1, 1, 7, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("duration", "hours"),
    [("PT2H", 2), ("PT90M", 1.5), ("PT1H10M", 1.25), ("P1D", 24), ("PT0S", 0), ("2 hours", None)],
)
def test_roster_durations_are_counted_to_the_quarter_hour(duration, hours):
    expected = None if hours is None else Decimal(str(hours))
    assert rules.duration_hours(duration) == expected
