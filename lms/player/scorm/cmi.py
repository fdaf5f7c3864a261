"""SCORM run-time data as the player sends it and loads it: a commit's body checked and read
into plain facts, the LMS's own status evaluation, and the data a new session starts with.

SCORM 1.2 and 2004 differ in names, vocabularies and time formats; past this module both are
described in SCORM 2004 terms (completion_status, success_status, ISO 8601 durations).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from lms.player.scorm.interfaces import BadCommit, Rule
from lms.player.scorm.settings import Sco
from lrs.spec.durations import UNITS, parse_duration

# The rules a CMI value breaks (the envelope's own fields break the general one): a value not
# of its element's type or vocabulary, or outside its range (lms.player.scorm.error_codes).
MISMATCH = Rule.TYPE_MISMATCH
RANGE = Rule.OUT_OF_RANGE

# SCORM 1.2 RTE 3.4.4 cmi.core.lesson_status, cmi.core.exit; SCORM 2004 RTE 4.2.4, 4.2.22, 4.2.9.
LESSON_STATUSES = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")
EXITS_12 = ("time-out", "suspend", "logout", "")
COMPLETION_STATUSES = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_STATUSES = ("passed", "failed", "unknown")
EXITS_2004 = ("timeout", "suspend", "logout", "normal", "")
# The navigation requests that end the attempt on the whole activity tree (SN TB.2.3).
ENDS_ALL = ("exitAll", "abandonAll")
# SCORM 1.2 RTE 3.4.5 (cmi.suspend_data: CMIString4096), SCORM 2004 RTE 4.2.27 (64000 SPM).
SUSPEND_DATA_LIMIT = {"scorm12": 4096, "scorm2004": 64000}
NAV_REQUEST = re.compile(
    r"^(_none_|continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|"
    r"\{target=[^}]+\}(choice|jump))$"
)
TIMESPAN_12 = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(\.\d{1,2})?$")
TIMEINTERVAL_UNITS = tuple(unit for unit in UNITS if unit != "weeks")
# The largest sequence number a commit may carry (fits every database's integer).
MAX_SEQUENCE = 2**31 - 1


@dataclass(frozen=True)
class Score:
    scaled: float | None = None
    raw: float | None = None
    min: float | None = None
    max: float | None = None

    @property
    def known(self) -> bool:
        return self.scaled is not None or self.raw is not None


@dataclass(frozen=True)
class Interaction:
    """One cmi.interactions.n, as much of it as the xAPI SCORM Profile reports."""

    index: int
    id: str
    type: str
    response: str
    result: str
    latency_seconds: float | None
    description: str
    correct_responses: tuple[str, ...]

    @property
    def answered(self) -> bool:
        return bool(self.response or self.result)


@dataclass(frozen=True)
class Facts:
    """What a commit says, in SCORM 2004 terms, before the LMS's own evaluation."""

    completion: str
    success: str
    score: Score
    progress_measure: float | None
    exit: str
    location: str
    suspend_data: str
    session_seconds: float | None
    total_seconds: float | None
    interactions: tuple[Interaction, ...] = ()


@dataclass(frozen=True)
class Commit:
    """A commit's body: its CMI data and the player's envelope around it."""

    sequence: int
    terminate: bool
    committed_at: dt.datetime | None
    nav_request: str
    data: dict[str, Any]
    facts: Facts = field(repr=False)

    @property
    def ends_all(self) -> bool:
        """An Exit All (or Abandon All) of the course: SN TB.2.3 ends the current attempt on
        the root of the activity tree, and so every attempt in it, whatever cmi.exit says.
        The player sends it for SCORM 1.2 too, where its Exit ends the course's attempt."""
        return self.nav_request in ENDS_ALL

    @property
    def suspends(self) -> bool:
        """SCORM 2004 RTE 4.2.8: cmi.exit "suspend" (or a suspendAll request) makes the next
        delivery a resume; SCORM 1.2 RTE 3.4.4 likewise for cmi.core.exit. An Exit All does
        not: the next launch is a new attempt (SN TB.2.3)."""
        if self.ends_all:
            return False
        return self.facts.exit == "suspend" or self.nav_request == "suspendAll"


def read_commit(standard: str, text: str) -> Commit:
    """The body of a commit, parsed whatever its Content-Type (sendBeacon sends text/plain)."""
    body = parse_json_object(text)
    refuse_nul(body, "")
    cmi = body.get("cmi")
    if not isinstance(cmi, dict):
        raise BadCommit("The commit has no 'cmi' object.", "cmi")
    sequence = body.get("commitSequence")
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise BadCommit("commitSequence must be a whole number.", "commitSequence")
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise BadCommit("commitSequence must be between 1 and 2147483647.", "commitSequence")
    nav_request = body.get("navRequest") or "_none_"
    if not isinstance(nav_request, str) or not NAV_REQUEST.match(nav_request):
        raise BadCommit("navRequest is not a SCORM 2004 navigation request.", "navRequest")
    terminate = body.get("terminate", False)
    if not isinstance(terminate, bool):
        raise BadCommit("terminate must be true or false.", "terminate")
    committed_at = _timestamp(body.get("committedAt"), "committedAt")
    facts = _facts_12(cmi) if standard == "scorm12" else _facts_2004(cmi)
    if len(facts.suspend_data) > SUSPEND_DATA_LIMIT[standard]:
        element = "cmi.suspend_data"
        raise BadCommit(
            f"{element} holds {len(facts.suspend_data)} characters; SCORM allows "
            f"{SUSPEND_DATA_LIMIT[standard]}.",
            element,
            RANGE,
        )
    data = {"cmi": cmi}
    if isinstance(body.get("adl"), dict):
        data["adl"] = body["adl"]
    return Commit(
        sequence=sequence,
        terminate=terminate,
        committed_at=committed_at,
        nav_request=nav_request,
        data=data,
        facts=facts,
    )


def parse_json_object(text: str) -> dict[str, Any]:
    """A JSON object from a body read as text, whatever Content-Type it came with."""
    try:
        body = json.loads(text)
    except ValueError as error:
        raise BadCommit(f"The body is not JSON: {error}.", "body") from None
    if not isinstance(body, dict):
        raise BadCommit("The body must be a JSON object.", "body")
    return body


def refuse_nul(value: Any, path: str) -> None:
    """No database keeps U+0000 in text (PostgreSQL refuses it), and no SCORM value holds it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise BadCommit(f"{path or 'The body'} contains a NUL character.", path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key, path)
            refuse_nul(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_nul(item, f"{path}.{index}")


def _timestamp(value: Any, name: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadCommit(f"{name} must be an ISO 8601 timestamp.", name)
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadCommit(f"{name} must be an ISO 8601 timestamp.", name) from None
    if moment.tzinfo is None:
        raise BadCommit(f"{name} must carry a time zone.", name)
    return moment.astimezone(dt.UTC)


def _object(parent: dict[str, Any], key: str, element: str) -> dict[str, Any]:
    value = parent.get(key, {})
    if value in ("", None):
        return {}
    if not isinstance(value, dict):
        raise BadCommit(f"{element} must be an object.", element, MISMATCH)
    return value


def _text(parent: dict[str, Any], key: str, element: str) -> str:
    value = parent.get(key, "")
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadCommit(f"{element} must be a string.", element, MISMATCH)
    return str(value)


def _choice(parent: dict[str, Any], key: str, element: str, allowed: tuple[str, ...]) -> str:
    value = _text(parent, key, element)
    if value not in allowed:
        listing = ", ".join(repr(v) for v in allowed)
        raise BadCommit(f"{element} is {value!r}; it must be one of {listing}.", element, MISMATCH)
    return value


def _number(parent: dict[str, Any], key: str, element: str) -> float | None:
    value = _text(parent, key, element).strip()
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadCommit(f"{element} is {value!r}, not a number.", element, MISMATCH) from None
    if not math.isfinite(number):
        raise BadCommit(f"{element} must be a finite number.", element, MISMATCH)
    return number


def timespan_seconds(value: str, element: str) -> float | None:
    """SCORM 1.2 CMITimespan (HHHH:MM:SS.SS) in seconds."""
    if not value:
        return None
    match = TIMESPAN_12.match(value)
    if match is None:
        raise BadCommit(f"{element} is {value!r}, not HHHH:MM:SS.SS.", element, MISMATCH)
    hours, minutes, seconds, fraction = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + float(fraction or 0)


def duration_seconds(value: str, element: str) -> float | None:
    """SCORM 2004 timeinterval (ISO 8601 duration, RTE 4.1.1.5) in seconds."""
    if not value:
        return None
    # RTE 4.1.1.5: P[yY][mM][dD][T[hH][nM][s[.s]S]], no weeks; only seconds have a fraction.
    duration = parse_duration(
        value, units=TIMEINTERVAL_UNITS, fractional=("seconds",), decimal_comma=False
    )
    if duration is None:
        raise BadCommit(f"{element} is {value!r}, not an ISO 8601 duration.", element, MISMATCH)
    return float(duration.total_seconds())


def timespan_12(seconds: float) -> str:
    hundredths = round(seconds * 100)
    hours, rest = divmod(hundredths, 360000)
    minutes, rest = divmod(rest, 6000)
    return f"{min(hours, 9999):04d}:{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def duration_2004(seconds: float) -> str:
    hundredths = round(seconds * 100)
    hours, rest = divmod(hundredths, 360000)
    minutes, rest = divmod(rest, 6000)
    return f"PT{hours}H{minutes}M{rest // 100}.{rest % 100:02d}S"


def _facts_12(cmi: dict[str, Any]) -> Facts:
    core = _object(cmi, "core", "cmi.core")
    status = _choice(core, "lesson_status", "cmi.core.lesson_status", (*LESSON_STATUSES, ""))
    completion, success = _lesson_status_2004(status or "not attempted")
    score = _object(core, "score", "cmi.core.score")
    raw = _number(score, "raw", "cmi.core.score.raw")
    low = _number(score, "min", "cmi.core.score.min")
    high = _number(score, "max", "cmi.core.score.max")
    return Facts(
        completion=completion,
        success=success,
        score=Score(scaled=_scaled_from_raw(raw, low, high), raw=raw, min=low, max=high),
        progress_measure=None,
        exit=_choice(core, "exit", "cmi.core.exit", EXITS_12),
        location=_text(core, "lesson_location", "cmi.core.lesson_location"),
        suspend_data=_text(cmi, "suspend_data", "cmi.suspend_data"),
        session_seconds=timespan_seconds(
            _text(core, "session_time", "cmi.core.session_time"), "cmi.core.session_time"
        ),
        total_seconds=timespan_seconds(
            _text(core, "total_time", "cmi.core.total_time"), "cmi.core.total_time"
        ),
        interactions=interactions_of(cmi, "student_response"),
    )


def _lesson_status_2004(status: str) -> tuple[str, str]:
    """SCORM 1.2 lesson_status as (completion_status, success_status): passed and failed are
    finished attempts (xAPI SCORM Profile, verbs table)."""
    return {
        "passed": ("completed", "passed"),
        "failed": ("completed", "failed"),
        "completed": ("completed", "unknown"),
        "incomplete": ("incomplete", "unknown"),
        "browsed": ("incomplete", "unknown"),
        "not attempted": ("not attempted", "unknown"),
    }[status]


def _scaled_from_raw(raw: float | None, low: float | None, high: float | None) -> float | None:
    """SCORM 1.2 has no scaled score; the xAPI SCORM Profile scales raw by its range (0-100
    when the SCO gives none)."""
    if raw is None:
        return None
    low = 0.0 if low is None else low
    high = 100.0 if high is None else high
    if high <= low:
        return None
    return max(-1.0, min(1.0, (raw - low) / (high - low)))


def _facts_2004(cmi: dict[str, Any]) -> Facts:
    score = _object(cmi, "score", "cmi.score")
    scaled = _number(score, "scaled", "cmi.score.scaled")
    if scaled is not None and not -1 <= scaled <= 1:
        raise BadCommit("cmi.score.scaled must be between -1 and 1.", "cmi.score.scaled", RANGE)
    progress = _number(cmi, "progress_measure", "cmi.progress_measure")
    if progress is not None and not 0 <= progress <= 1:
        raise BadCommit(
            "cmi.progress_measure must be between 0 and 1.", "cmi.progress_measure", RANGE
        )
    return Facts(
        completion=_choice(
            cmi, "completion_status", "cmi.completion_status", (*COMPLETION_STATUSES, "")
        )
        or "unknown",
        success=_choice(cmi, "success_status", "cmi.success_status", (*SUCCESS_STATUSES, ""))
        or "unknown",
        score=Score(
            scaled=scaled,
            raw=_number(score, "raw", "cmi.score.raw"),
            min=_number(score, "min", "cmi.score.min"),
            max=_number(score, "max", "cmi.score.max"),
        ),
        progress_measure=progress,
        exit=_choice(cmi, "exit", "cmi.exit", EXITS_2004),
        location=_text(cmi, "location", "cmi.location"),
        suspend_data=_text(cmi, "suspend_data", "cmi.suspend_data"),
        session_seconds=duration_seconds(
            _text(cmi, "session_time", "cmi.session_time"), "cmi.session_time"
        ),
        total_seconds=duration_seconds(
            _text(cmi, "total_time", "cmi.total_time"), "cmi.total_time"
        ),
        interactions=interactions_of(cmi, "learner_response"),
    )


def interactions_of(cmi: dict[str, Any], response_key: str) -> tuple[Interaction, ...]:
    """cmi.interactions in index order; `response_key` is the standard's name for the
    learner's response (SCORM 1.2 student_response, 2004 learner_response)."""
    interactions = _object(cmi, "interactions", "cmi.interactions")
    found = []
    for key, value in interactions.items():
        element = f"cmi.interactions.{key}"
        if key.startswith("_"):
            continue
        if not key.isdigit() or not isinstance(value, dict):
            raise BadCommit(f"{element} is not an interaction.", element, MISMATCH)
        latency = _text(value, "latency", f"{element}.latency")
        patterns = _object(value, "correct_responses", f"{element}.correct_responses")
        found.append(
            Interaction(
                index=int(key),
                id=_text(value, "id", f"{element}.id"),
                type=_text(value, "type", f"{element}.type"),
                response=_text(value, response_key, f"{element}.{response_key}"),
                result=_text(value, "result", f"{element}.result"),
                latency_seconds=(
                    timespan_seconds(latency, f"{element}.latency")
                    if response_key == "student_response"
                    else duration_seconds(latency, f"{element}.latency")
                ),
                description=_text(value, "description", f"{element}.description"),
                correct_responses=tuple(
                    _text(pattern, "pattern", f"{element}.correct_responses.{n}.pattern")
                    for n, pattern in sorted(patterns.items())
                    if isinstance(pattern, dict)
                ),
            )
        )
    return tuple(sorted(found, key=lambda interaction: interaction.index))


@dataclass(frozen=True)
class Evaluated:
    """The statuses the LMS records for an attempt after applying the manifest's rules."""

    completion: str
    success: str


def evaluate(standard: str, sco: Sco, commit: Commit) -> Evaluated:
    facts = commit.facts
    completion, success = facts.completion, facts.success
    if standard == "scorm12":
        # SCORM 1.2 RTE 3.4.4 (cmi.student_data.mastery_score): with a mastery score, a
        # credit attempt in normal mode that ends with a raw score is passed or failed by it.
        if commit.terminate and sco.mastery_score is not None and facts.score.raw is not None:
            success = "passed" if facts.score.raw >= sco.mastery_score else "failed"
            completion = "completed"
        return Evaluated(completion, success)
    # SCORM 2004 RTE 4.2.4.1: a completion threshold and a progress measure decide completion.
    if sco.completion_threshold is not None and facts.progress_measure is not None:
        completion = (
            "completed" if facts.progress_measure >= sco.completion_threshold else "incomplete"
        )
    # SCORM 2004 RTE 4.2.22.1: a scaled passing score and a scaled score decide success.
    if sco.scaled_passing_score is not None and facts.score.scaled is not None:
        success = "passed" if facts.score.scaled >= sco.scaled_passing_score else "failed"
    return Evaluated(completion, success)


@dataclass(frozen=True)
class Learner:
    id: str
    name: str


def session_data(
    standard: str,
    sco: Sco,
    stored: dict[str, Any],
    entry: str,
    total_seconds: float,
    learner: Learner,
) -> dict[str, Any]:
    """What scorm-again loads (`loadFromJSON`) before the SCO starts: the attempt's saved data
    with the elements only the LMS may set put in place (SCORM 1.2 RTE 3.4, 2004 RTE 4.2).
    Values are strings: scorm-again skips falsy ones, so "0" must not be 0."""
    data = copy.deepcopy(stored.get("cmi", {})) if isinstance(stored.get("cmi"), dict) else {}
    if standard == "scorm12":
        core = data.get("core") if isinstance(data.get("core"), dict) else {}
        for write_only in ("exit", "session_time"):
            core.pop(write_only, None)
        # cmi.interactions are write-only in SCORM 1.2 (RTE 3.4.4): a SCO never reads them back.
        data.pop("interactions", None)
        core.update(
            student_id=learner.id,
            student_name=learner.name,
            credit="credit",
            lesson_mode="normal",
            entry=entry,
            total_time=timespan_12(total_seconds),
        )
        data["core"] = core
        data["launch_data"] = sco.data_from_lms or ""
        data["student_data"] = {
            "mastery_score": _decimal(sco.mastery_score),
            "max_time_allowed": sco.max_time_allowed or "",
            "time_limit_action": sco.time_limit_action or "",
        }
        return {"cmi": data}
    for write_only in ("exit", "session_time"):
        data.pop(write_only, None)
    data.update(
        learner_id=learner.id,
        learner_name=learner.name,
        credit="credit",
        mode="normal",
        entry=entry,
        total_time=duration_2004(total_seconds),
        launch_data=sco.data_from_lms or "",
        completion_threshold=_decimal(sco.completion_threshold),
        scaled_passing_score=_decimal(sco.scaled_passing_score),
        max_time_allowed=sco.max_time_allowed or "",
        time_limit_action=sco.time_limit_action or "",
    )
    loaded: dict[str, Any] = {"cmi": data}
    if isinstance(stored.get("adl"), dict):
        loaded["adl"] = copy.deepcopy(stored["adl"])
    return loaded


def _decimal(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"
