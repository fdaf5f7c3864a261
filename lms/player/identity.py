"""How the player names people and activities in xAPI statements.

A person is an Agent with an account on the portal: their POST-ID, or for people without one
(NPO staff) their internal account id. No e-mail address goes into a statement.
"""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Person
from lms.catalog.models import Course

NPO_ACCOUNT_PREFIX = "account-"


def account_name(person: Person) -> str:
    return person.post_id or f"{NPO_ACCOUNT_PREFIX}{person.id}"


def actor(person: Person, base_url: str) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "account": {"homePage": base_url.rstrip("/"), "name": account_name(person)},
    }


def course_iri(course: Course, base_url: str) -> str:
    """The course's activity id: stable across package versions, registrations and renames."""
    return f"{base_url.rstrip('/')}/courses/{course.id}"
