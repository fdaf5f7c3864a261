"""What a commit tells the LRS: the xAPI SCORM Profile's statements for what changed between
an attempt's saved data and the commit (§5 temporal model, §6 interactions)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from lms.accounts.models import Person
from lms.player import identity, records
from lms.player.launch import Launchable
from lms.player.scorm import xapi
from lms.player.scorm.cmi import Commit, Evaluated
from lms.player.scorm.models import ScoAttempt
from lms.player.scorm.settings import Sco


def course_of(person: Person, launchable: Launchable) -> xapi.Course:
    base = records.base_url()
    return xapi.Course(
        actor=identity.actor(person, base),
        registration=launchable.registration.uuid,
        iri=identity.course_iri(launchable.course, base),
        title=launchable.course.title,
    )


def moment_of(commit: Commit, attempt: ScoAttempt, now: dt.datetime) -> dt.datetime:
    """When the commit's events happened: the player's clock when it made the commit (it may
    have waited offline), kept between the session's opening and now."""
    if commit.committed_at is None:
        return now
    earliest = attempt.session_opened_at or attempt.started_at
    return max(min(commit.committed_at, now), earliest)


def session_seconds(attempt: ScoAttempt, commit: Commit, end: dt.datetime) -> float:
    """How long the session lasted: the SCO's cmi.session_time (RTE 4.2.26) when it reports
    one, else the time from the session's opening to its end, as the LMS measured it."""
    reported = commit.facts.session_seconds
    if reported:
        return reported
    opened = attempt.session_opened_at or attempt.started_at
    return max((end - opened).total_seconds(), 0.0)


def attempt_statements(
    person: Person,
    launchable: Launchable,
    attempt: ScoAttempt,
    sco: Sco,
    session: int,
    commit: Commit,
    evaluated: Evaluated,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """The statements for what the commit changed since the attempt's saved data."""
    standard = launchable.package.standard
    subject = xapi.Attempt(
        course=course_of(person, launchable), sco_id=sco.id, sco_title=sco.title, uuid=attempt.uuid
    )
    moment = moment_of(commit, attempt, now)
    tick = iter(dt.timedelta(microseconds=n) for n in range(10_000))
    # Ids name the commit ((session, sequence) is applied once) and what it reports.
    commit_key = f"s{session}.c{commit.sequence}"
    statements: list[dict[str, Any]] = []
    if attempt.commit_session < session:
        # §5: a new attempt is initialized; a later session of it is resumed.
        verb = xapi.INITIALIZED if attempt.commit_session == 0 else xapi.RESUMED
        statements.append(xapi.sco_statement(subject, verb, moment + next(tick), f"s{session}"))
    response_key = "student_response" if standard == "scorm12" else "learner_response"
    previous = _saved_interactions(attempt)
    sent = commit.data["cmi"].get("interactions") or {}
    for interaction in commit.facts.interactions:
        raw = sent.get(str(interaction.index))
        said = previous.get(str(interaction.index))
        if interaction.answered and _answer(raw, response_key) != _answer(said, response_key):
            statements.append(
                xapi.interaction_statement(
                    subject, standard, interaction, moment + next(tick), commit_key
                )
            )
    facts = commit.facts
    if evaluated.completion == "completed" and attempt.completion_status != "completed":
        result = xapi.result_of("completed", evaluated.success, facts.score)
        statements.append(
            xapi.sco_statement(subject, xapi.COMPLETED, moment + next(tick), commit_key, result)
        )
    if evaluated.success in ("passed", "failed") and evaluated.success != attempt.success_status:
        verb = xapi.PASSED if evaluated.success == "passed" else xapi.FAILED
        result = xapi.result_of(evaluated.completion, evaluated.success, facts.score)
        statements.append(
            xapi.sco_statement(subject, verb, moment + next(tick), commit_key, result)
        )
    if commit.terminate:
        verb = xapi.SUSPENDED if commit.suspends else xapi.TERMINATED
        # §5: the session's time and the attempt's result go with terminated (and suspended).
        result = xapi.result_of(
            evaluated.completion,
            evaluated.success,
            facts.score,
            session_seconds(attempt, commit, moment),
        )
        statements.append(
            xapi.sco_statement(subject, verb, moment + next(tick), f"s{session}", result)
        )
    return statements


def _saved_interactions(attempt: ScoAttempt) -> dict[str, Any]:
    stored = json.loads(attempt.cmi).get("cmi")
    interactions = stored.get("interactions") if isinstance(stored, dict) else None
    return interactions if isinstance(interactions, dict) else {}


def _answer(interaction: Any, response_key: str) -> tuple[Any, ...] | None:
    """What makes an interaction worth a responded statement: its id, response and result."""
    if not isinstance(interaction, dict):
        return None
    return (interaction.get("id"), interaction.get(response_key), interaction.get("result"))
