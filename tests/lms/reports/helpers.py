"""Statements of a registration, as content and the player send them, for the reports' tests."""

from __future__ import annotations

import uuid
from typing import Any

from lms.player import records
from lms.player.identity import actor, course_iri

VERB = "http://adlnet.gov/expapi/verbs/"


def statement(
    person, registration, verb: str, when: str, *, object_id: str | None = None, **result: Any
) -> dict[str, Any]:
    """`verb` (the ADL verb's last word) of the person in the registration at `when`, with
    `result` (score as `scaled=`, `duration=`, `progress=`, success, completion) if given."""
    base = records.base_url()
    sent: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": actor(person, base),
        "verb": {"id": VERB + verb, "display": {"en-US": verb}},
        "object": {
            "objectType": "Activity",
            "id": object_id or course_iri(registration.course, base),
        },
        "context": {"registration": registration.uuid},
        "timestamp": when,
    }
    outcome: dict[str, Any] = {}
    if "scaled" in result:
        outcome["score"] = {"scaled": result.pop("scaled")}
    if "progress" in result:
        outcome["extensions"] = {
            "https://w3id.org/xapi/cmi5/result/extensions/progress": result.pop("progress")
        }
    outcome.update(result)
    if outcome:
        sent["result"] = outcome
    return sent


def void(statement_id: str, person) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor(person, records.base_url()),
        "verb": {"id": VERB + "voided"},
        "object": {"objectType": "StatementRef", "id": statement_id},
    }
