"""The cmi5 statement rules, case by case: what an AU may send in its session, and the section
each refusal names (most cases are those of CATAPULT's 005-1, 005-2, 006 and 007 AUs)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from lms.player.cmi5 import rules
from lms.player.cmi5.interfaces import RuleBroken
from lms.player.cmi5.rules import ALLOWED, DEFINED, AUSession

VERB = "http://adlnet.gov/expapi/verbs/"
CMI5 = {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
MOVEON = {"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
ACTOR = {"objectType": "Agent", "account": {"homePage": "https://lms.test", "name": "A12-345-678"}}
REGISTRATION = "0f6e7d3c-5b1a-4f2e-9d8c-7b6a5f4e3d2c"
ACTIVITY = "https://lms.test/courses/1/aus/0a1b2c"
PUBLISHER = "https://example.org/course/aus/1"


def session(**changes: Any) -> AUSession:
    base = AUSession(
        actor=ACTOR,
        registration=REGISTRATION,
        session_id="5d1c2b3a-0000-4000-8000-000000000001",
        activity_id=ACTIVITY,
        publisher_id=PUBLISHER,
        mastery_score=Decimal("0.9"),
        preferences_read=True,
        verbs={VERB + "initialized"},
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def statement(verb: str, *, defined: bool = True) -> dict[str, Any]:
    """A statement as cmi5.js builds it for this session."""
    result: dict[str, Any] = {}
    categories = [CMI5] if defined else []
    if verb in ("completed", "passed", "failed", "terminated"):
        result["duration"] = "PT12S"
    if verb == "completed":
        result["completion"] = True
    if verb in ("passed", "failed"):
        result["success"] = verb == "passed"
    if "success" in result or "completion" in result:
        categories.append(MOVEON)
    built: dict[str, Any] = {
        "id": "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
        "timestamp": "2026-12-01T10:00:00.000Z",
        "actor": copy.deepcopy(ACTOR),
        "verb": {"id": VERB + verb},
        "object": {"id": ACTIVITY},
        "context": {
            "registration": REGISTRATION,
            "contextActivities": {"grouping": [{"id": PUBLISHER}], "category": categories},
            "extensions": {SESSION: "5d1c2b3a-0000-4000-8000-000000000001"},
        },
    }
    if result:
        built["result"] = result
    return built


def scored(verb: str, scaled: float, mastery: float | None = 0.9) -> dict[str, Any]:
    built = statement(verb)
    built["result"]["score"] = {"scaled": scaled}
    if mastery is not None:
        built["context"]["extensions"][MASTERY] = mastery
    return built


def change(verb: str, alter: Callable[[dict[str, Any]], Any], **kwargs: Any) -> dict[str, Any]:
    built = statement(verb, **kwargs)
    alter(built)
    return built


# (case, statement, session changes, the section its refusal names)
REFUSED: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("voiding", change("experienced", lambda s: s.update(verb={"id": VERB + "voided"})), {}, "6.3"),
    ("no id", change("passed", lambda s: s.pop("id")), {}, "9.1"),
    ("no timestamp", change("passed", lambda s: s.pop("timestamp")), {}, "9.7"),
    (
        "timestamp not in UTC",
        change("passed", lambda s: s.update(timestamp="2026-12-01T04:00:00.000-06:00")),
        {},
        "9.7",
    ),
    ("actor a Group", change("passed", lambda s: s["actor"].update(objectType="Group")), {}, "9.2"),
    (
        "actor with an mbox",
        change("passed", lambda s: s.update(actor={"mbox": "mailto:pat@example.org"})),
        {},
        "9.2",
    ),
    (
        "another actor",
        change("passed", lambda s: s["actor"]["account"].update(name="B98-765-432")),
        {},
        "8.1.3",
    ),
    ("no context", change("passed", lambda s: s.pop("context")), {}, "9.6"),
    ("no registration", change("passed", lambda s: s["context"].pop("registration")), {}, "9.6.1"),
    (
        "another registration",
        change(
            "passed",
            lambda s: s["context"].update(registration="ccaf384c-f8d4-4e7a-8304-49af58f0b176"),
        ),
        {},
        "9.6.1",
    ),
    (
        "no session id, allowed statement",
        change("experienced", lambda s: s["context"]["extensions"].pop(SESSION), defined=False),
        {},
        "9.6.3.1",
    ),
    (
        "another session's id",
        change("passed", lambda s: s["context"]["extensions"].update({SESSION: "other"})),
        {},
        "9.6.3.1",
    ),
    (
        "publisher id left out of the grouping",
        change("completed", lambda s: s["context"]["contextActivities"].pop("grouping")),
        {},
        "10.2.1",
    ),
    (
        "preferences not read",
        statement("initialized"),
        {"preferences_read": False, "verbs": set()},
        "11",
    ),
    ("statement before initialized", statement("completed"), {"verbs": set()}, "9.3"),
    (
        "allowed before initialized",
        statement("experienced", defined=False),
        {"verbs": set()},
        "9.3",
    ),
    ("second initialized", statement("initialized"), {}, "9.3"),
    (
        "an LMS verb",
        change(
            "passed", lambda s: s.update(verb={"id": "https://w3id.org/xapi/adl/verbs/satisfied"})
        ),
        {},
        "9.3",
    ),
    (
        "an LMS verb without the cmi5 category",
        change(
            "experienced",
            lambda s: s.update(verb={"id": "https://w3id.org/xapi/adl/verbs/waived"}),
            defined=False,
        ),
        {},
        "9.3",
    ),
    ("not a cmi5 verb, with the cmi5 category", statement("experienced"), {}, "9.3"),
    (
        "object is not the launch's activity",
        change("passed", lambda s: s["object"].update(id="http://example.com/not/the/lms/id")),
        {},
        "9.4",
    ),
    (
        "completed twice in a session",
        statement("completed"),
        {"verbs": {VERB + "initialized", VERB + "completed"}},
        "9.3",
    ),
    (
        "passed after failed",
        statement("passed"),
        {"verbs": {VERB + "initialized", VERB + "failed"}},
        "9.3",
    ),
    (
        "failed after passed",
        statement("failed"),
        {"verbs": {VERB + "initialized", VERB + "passed"}},
        "9.3",
    ),
    (
        "completed again in the registration",
        statement("completed"),
        {"completed_in_registration": True},
        "9.3.3",
    ),
    (
        "passed again in the registration",
        statement("passed"),
        {"passed_in_registration": True},
        "9.3.4",
    ),
    (
        "failed after an earlier session passed",
        statement("failed"),
        {"passed_in_registration": True},
        "9.3",
    ),
    ("completed in Browse mode", statement("completed"), {"launch_mode": "Browse"}, "10.2.2"),
    ("passed in Review mode", statement("passed"), {"launch_mode": "Review"}, "10.2.2"),
    ("failed in Browse mode", statement("failed"), {"launch_mode": "Browse"}, "10.2.2"),
    (
        "completed without completion",
        change("completed", lambda s: s["result"].pop("completion")),
        {},
        "9.5.3",
    ),
    (
        "completed with completion false",
        change("completed", lambda s: s["result"].update(completion=False)),
        {},
        "9.5.3",
    ),
    (
        "passed with completion",
        change("passed", lambda s: s["result"].update(completion=True)),
        {},
        "9.5.3",
    ),
    (
        "completed with success",
        change("completed", lambda s: s["result"].update(success=True)),
        {},
        "9.5.2",
    ),
    ("passed without success", change("passed", lambda s: s["result"].pop("success")), {}, "9.5.2"),
    (
        "passed with success false",
        change("passed", lambda s: s["result"].update(success=False)),
        {},
        "9.5.2",
    ),
    ("failed without success", change("failed", lambda s: s["result"].pop("success")), {}, "9.5.2"),
    (
        "failed with success true",
        change("failed", lambda s: s["result"].update(success=True)),
        {},
        "9.5.2",
    ),
    (
        "completed without the moveOn category",
        change("completed", lambda s: s["context"]["contextActivities"]["category"].pop()),
        {},
        "9.6.2.2",
    ),
    (
        "passed without the moveOn category",
        change("passed", lambda s: s["context"]["contextActivities"]["category"].pop()),
        {},
        "9.6.2.2",
    ),
    (
        "terminated with the moveOn category",
        change(
            "terminated", lambda s: s["context"]["contextActivities"]["category"].append(MOVEON)
        ),
        {},
        "9.6.2.2",
    ),
    (
        "allowed statement with the moveOn category",
        change(
            "experienced",
            lambda s: s["context"]["contextActivities"].update(category=[MOVEON]),
            defined=False,
        ),
        {},
        "9.6.2.2",
    ),
    (
        "completed with a score",
        change(
            "completed",
            lambda s: s["result"].update(score={"scaled": 0.5, "raw": 50, "min": 0, "max": 100}),
        ),
        {},
        "9.5.1",
    ),
    (
        "raw score without min",
        change("passed", lambda s: s["result"].update(score={"raw": 90, "max": 100})),
        {},
        "9.5.1",
    ),
    (
        "raw score without max",
        change("passed", lambda s: s["result"].update(score={"raw": 90, "min": 0})),
        {},
        "9.5.1",
    ),
    ("terminated without a result", change("terminated", lambda s: s.pop("result")), {}, "9.5.4.1"),
    (
        "terminated without a duration",
        change("terminated", lambda s: s["result"].pop("duration")),
        {},
        "9.5.4.1",
    ),
    (
        "completed without a duration",
        change("completed", lambda s: s["result"].pop("duration")),
        {},
        "9.5.4.1",
    ),
    (
        "passed without a duration",
        change("passed", lambda s: s["result"].pop("duration")),
        {},
        "9.5.4.1",
    ),
    (
        "failed without a duration",
        change("failed", lambda s: s["result"].pop("duration")),
        {},
        "9.5.4.1",
    ),
    ("passed under the masteryScore", scored("passed", 0.89), {}, "9.3.4"),
    ("failed at the masteryScore", scored("failed", 0.9), {}, "9.3.5"),
    ("failed over the masteryScore", scored("failed", 0.91), {}, "9.3.5"),
    (
        "scored passed without the masteryscore extension",
        scored("passed", 0.95, None),
        {},
        "9.6.3.2",
    ),
    ("scored passed naming another masteryScore", scored("passed", 0.95, 0.8), {}, "9.6.3.2"),
    (
        "progress over 100",
        change(
            "experienced", lambda s: s.update(result={"extensions": {PROGRESS: 120}}), defined=False
        ),
        {},
        "9.5.5.1",
    ),
    (
        "anything after terminated",
        statement("experienced", defined=False),
        {"verbs": {VERB + "initialized", VERB + "terminated"}},
        "9.3.8",
    ),
    ("anything after abandoned", statement("terminated"), {"abandoned": True}, "9.3.6"),
]

ACCEPTED: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("initialized first", statement("initialized"), {"verbs": set()}, DEFINED),
    ("completed", statement("completed"), {}, DEFINED),
    ("passed without a score or the masteryscore extension", statement("passed"), {}, DEFINED),
    ("passed at the masteryScore", scored("passed", 0.9), {}, DEFINED),
    ("failed under the masteryScore", scored("failed", 0.89), {}, DEFINED),
    (
        "a raw score with min and max",
        change("passed", lambda s: s["result"].update(score={"raw": 9, "min": 0, "max": 10})),
        {},
        DEFINED,
    ),
    ("passed in a later session after a failure", statement("passed"), {}, DEFINED),
    ("terminated", statement("terminated"), {}, DEFINED),
    (
        "initialized and terminated in Browse mode",
        statement("terminated"),
        {"launch_mode": "Browse"},
        DEFINED,
    ),
    (
        "an allowed statement between initialized and terminated",
        statement("experienced", defined=False),
        {},
        ALLOWED,
    ),
    (
        "an allowed statement with progress",
        change(
            "experienced", lambda s: s.update(result={"extensions": {PROGRESS: 40}}), defined=False
        ),
        {},
        ALLOWED,
    ),
    (
        "a zero UTC offset",
        change("completed", lambda s: s.update(timestamp="2026-12-01T10:00:00+00:00")),
        {},
        DEFINED,
    ),
    (
        "the grouping as a single object (xAPI 1.0)",
        change(
            "completed",
            lambda s: s["context"]["contextActivities"].update(grouping={"id": PUBLISHER}),
        ),
        {},
        DEFINED,
    ),
]


@pytest.mark.parametrize(
    ("statement", "changes", "section"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_the_rules_refuse_what_cmi5_forbids_naming_the_section(statement, changes, section):
    with pytest.raises(RuleBroken) as broken:
        rules.check(statement, session(**changes))
    assert broken.value.section == section
    assert broken.value.message.startswith(f"cmi5 §{section}: ")


@pytest.mark.parametrize(
    ("statement", "changes", "kind"),
    [case[1:] for case in ACCEPTED],
    ids=[case[0] for case in ACCEPTED],
)
def test_the_rules_accept_what_cmi5_allows(statement, changes, kind):
    assert rules.check(statement, session(**changes)) == kind


def test_a_session_moves_on_with_each_statement_it_accepts():
    state = session(verbs=set())
    for verb in ("initialized", "completed", "passed", "terminated"):
        sent = statement(verb)
        rules.apply(sent, rules.check(sent, state), state)
    assert state.completed_in_registration and state.passed_in_registration
    assert state.terminated
    with pytest.raises(RuleBroken, match="9.3.8"):
        rules.check(statement("experienced", defined=False), state)
