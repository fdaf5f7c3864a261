"""SCORM sessions as xAPI statements, following ADL's xAPI SCORM Profile
(adlnet/xAPI-SCORM-Profile, `xapi-scorm-profile.md`).

Every statement names the profile in its category, the course and the attempt in its grouping,
and the registration (§3.2); its id is derived from what it reports, so a commit handled twice
produces the same statement twice, which the LRS stores once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import tincan

from lms.player.scorm.cmi import Interaction, Score

PROFILE_IRI = "https://w3id.org/xapi/scorm"
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
# §3.2 verbs, each with its SCORM meaning.
INITIALIZED = "initialized"  # Initialize() / LMSInitialize()
RESUMED = "resumed"  # cmi.entry = resume
SUSPENDED = "suspended"  # cmi.exit = suspend
TERMINATED = "terminated"  # Terminate() / LMSFinish()
COMPLETED = "completed"  # completion_status / lesson_status = completed
PASSED = "passed"
FAILED = "failed"
RESPONDED = "responded"  # cmi.interactions.n.learner_response
STATEMENT_NAMESPACE = uuid.UUID("5d0b8c8e-6a43-4f0e-9b1c-2f6f3b1c9a10")
# xAPI interaction types (xAPI 2.0 §9.4.2.6); SCORM's are the same words.
INTERACTION_TYPES = {
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
}


def statement_id(*parts: str) -> str:
    return str(uuid.uuid5(STATEMENT_NAMESPACE, "/".join(parts)))


def sco_iri(course_iri: str, sco_id: str) -> str:
    return f"{course_iri}/scos/{quote(sco_id, safe='')}"


def attempt_iri(sco: str, attempt_uuid: str) -> str:
    """The profile's attempt activity (Appendix: `<SCO IRI>?attemptId=<uuid>`)."""
    return f"{sco}?attemptId={attempt_uuid}"


@dataclass(frozen=True)
class Course:
    """Who took which course in which registration: what every statement shares."""

    actor: dict[str, Any]
    registration: str
    iri: str
    title: str


@dataclass(frozen=True)
class Attempt:
    course: Course
    sco_id: str
    sco_title: str
    uuid: str

    @property
    def sco_iri(self) -> str:
        return sco_iri(self.course.iri, self.sco_id)

    @property
    def iri(self) -> str:
        return attempt_iri(self.sco_iri, self.uuid)


def _verb(name: str) -> tincan.Verb:
    return tincan.Verb(id=ADL_VERBS + name, display={"en-US": name})


def _activity(iri: str, kind: str, name: str | None = None) -> tincan.Activity:
    definition = tincan.ActivityDefinition(type=ADL_ACTIVITIES + kind)
    if name:
        definition.name = {"en-US": name}
    return tincan.Activity(id=iri, definition=definition)


def _profile() -> tincan.Activity:
    return tincan.Activity(
        id=PROFILE_IRI, definition=tincan.ActivityDefinition(type=ADL_ACTIVITIES + "profile")
    )


def _agent(actor: dict[str, Any]) -> tincan.Agent:
    account = actor["account"]
    return tincan.Agent(
        account=tincan.AgentAccount(home_page=account["homePage"], name=account["name"])
    )


def _finish(statement: tincan.Statement) -> dict[str, Any]:
    body = json.loads(statement.to_json())
    # The LRS records the xAPI version it received the statement under.
    body.pop("version", None)
    return body


def _score(score: Score) -> tincan.Score | None:
    """xAPI 2.0 §4.2.2.4.4: scaled in -1..1, and min <= raw <= max where they are given."""
    if score.scaled is None and score.raw is None:
        return None  # a range alone (SCORM 1.2's max defaults to 100) is no score
    values: dict[str, float] = {}
    if score.scaled is not None and -1 <= score.scaled <= 1:
        values["scaled"] = score.scaled
    low, high, raw = score.min, score.max, score.raw
    if low is not None and high is not None and low >= high:
        low = high = None
    if raw is not None and (low is None or raw >= low) and (high is None or raw <= high):
        values["raw"] = raw
    if low is not None:
        values["min"] = low
    if high is not None:
        values["max"] = high
    return tincan.Score(**values) if values else None


def result_of(
    completion: str, success: str, score: Score, duration_seconds: float | None = None
) -> tincan.Result | None:
    """The attempt's result as §5 asks of terminated (and optionally suspended) statements."""
    result = tincan.Result()
    filled = False
    if completion in ("completed", "incomplete"):
        result.completion = completion == "completed"
        filled = True
    if success in ("passed", "failed"):
        result.success = success == "passed"
        filled = True
    xapi_score = _score(score)
    if xapi_score is not None:
        result.score = xapi_score
        filled = True
    if duration_seconds is not None:
        result.duration = dt.timedelta(seconds=round(duration_seconds, 2))
        filled = True
    return result if filled else None


def sco_statement(
    attempt: Attempt,
    verb: str,
    timestamp: dt.datetime,
    key: str,
    result: tincan.Result | None = None,
) -> dict[str, Any]:
    """A statement about the SCO within one attempt (§5 temporal model)."""
    statement = tincan.Statement(
        id=statement_id(attempt.course.registration, attempt.uuid, verb, key),
        actor=_agent(attempt.course.actor),
        verb=_verb(verb),
        object=_activity(attempt.sco_iri, "lesson", attempt.sco_title),
        context=_context(attempt),
        timestamp=timestamp,
    )
    if result is not None:
        statement.result = result
    return _finish(statement)


def _context(attempt: Attempt, parent: tincan.Activity | None = None) -> tincan.Context:
    activities = tincan.ContextActivities(
        grouping=[
            _activity(attempt.course.iri, "course", attempt.course.title),
            _activity(attempt.iri, "attempt"),
        ],
        category=[_profile()],
    )
    if parent is not None:
        activities.parent = [parent]
    return tincan.Context(registration=attempt.course.registration, context_activities=activities)


def interaction_statement(
    attempt: Attempt,
    standard: str,
    interaction: Interaction,
    timestamp: dt.datetime,
    commit_key: str,
) -> dict[str, Any]:
    """§6 interactions: verb responded, the learner's response, the SCO as parent."""
    identifier = interaction.id or str(interaction.index)
    # xAPI 2.0 §9.4.2.6: an interaction activity must name a valid interactionType; one the
    # SCO gave none keeps the profile's plain interaction type.
    definition = tincan.ActivityDefinition(type=ADL_ACTIVITIES + "interaction")
    if interaction.type in INTERACTION_TYPES:
        definition.type = ADL_ACTIVITIES + "cmi.interaction"
        definition.interaction_type = interaction.type
        patterns = [
            _response(standard, interaction.type, pattern)
            for pattern in interaction.correct_responses
        ]
        if patterns:
            definition.correct_responses_pattern = patterns
    if interaction.description:
        definition.description = {"en-US": interaction.description}
    result = tincan.Result(response=_response(standard, interaction.type, interaction.response))
    if interaction.result in ("correct", "wrong", "incorrect"):
        result.success = interaction.result == "correct"
    if interaction.latency_seconds is not None:
        result.duration = dt.timedelta(seconds=round(interaction.latency_seconds, 2))
    key = "/".join((commit_key, str(interaction.index), identifier))
    statement = tincan.Statement(
        id=statement_id(attempt.course.registration, attempt.uuid, RESPONDED, key),
        actor=_agent(attempt.course.actor),
        verb=_verb(RESPONDED),
        object=tincan.Activity(
            id=f"{attempt.sco_iri}/interactions/{quote(identifier, safe='')}",
            definition=definition,
        ),
        result=result,
        context=_context(attempt, parent=_activity(attempt.sco_iri, "lesson", attempt.sco_title)),
        timestamp=timestamp,
    )
    return _finish(statement)


_BRACES = re.compile(r"^\{(.*)\}$")


def _response(standard: str, kind: str, value: str) -> str:
    """A response in xAPI's format (xAPI 2.0 §9.4.2.6: "[,]" between items, "[.]" within a
    matching pair). SCORM 2004 already uses these delimiters; SCORM 1.2 (RTE 3.4.4,
    cmi.interactions.n.student_response) uses "," and "." and t/f for true-false."""
    if standard != "scorm12":
        return value
    if kind == "true-false":
        return {"t": "true", "1": "true", "f": "false", "0": "false"}.get(value.lower(), value)
    if kind in ("choice", "sequencing"):
        inner = _BRACES.sub(r"\1", value)
        return "[,]".join(part.strip() for part in inner.split(",") if part.strip())
    if kind == "matching":
        inner = _BRACES.sub(r"\1", value)
        pairs = (pair.strip().split(".", 1) for pair in inner.split(",") if pair.strip())
        return "[,]".join("[.]".join(part.strip() for part in pair) for pair in pairs)
    return value


def course_statement(
    course: Course,
    verb: str,
    timestamp: dt.datetime,
    number: int,
    result: tincan.Result | None,
) -> dict[str, Any]:
    """§7 course status: the course activity itself completed, passed or failed."""
    statement = tincan.Statement(
        id=statement_id(course.registration, "course", verb, str(number)),
        actor=_agent(course.actor),
        verb=_verb(verb),
        object=_activity(course.iri, "course", course.title),
        context=tincan.Context(
            registration=course.registration,
            context_activities=tincan.ContextActivities(category=[_profile()]),
        ),
        timestamp=timestamp,
    )
    if result is not None:
        statement.result = result
    return _finish(statement)
