"""Statements the bridge judges, and the CPT profile it leaves, shared by the bridge and training
tests."""

from __future__ import annotations

import uuid
from decimal import Decimal

from lms.db import db
from lms.player import records
from lms.player.identity import actor, course_iri
from lms.training.models import CptEntry

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def completion(person, course, when: str, verb: str = COMPLETED) -> dict:
    base = records.base_url()
    return {
        "id": str(uuid.uuid4()),
        "actor": actor(person, base),
        "verb": {"id": verb},
        "object": {"objectType": "Activity", "id": course_iri(course, base)},
        "timestamp": when,
    }


def void(statement_id: str, person) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor(person, records.base_url()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": statement_id},
    }


def profile(person) -> list[tuple[str, str, Decimal]]:
    """(completion date, course title, credited hours), oldest first."""
    db.session.expire_all()
    return sorted(
        (e.completed_on.isoformat(), e.title, e.credited_hours)
        for e in db.session.query(CptEntry).filter_by(person_id=person.id)
    )
