"""Builders for statements and a way to say where a rejection must point."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from lrs.spec import ValidationError, validate_statement, validate_statements

AGENT = {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.com"}
VERB = {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}}
ACTIVITY = {
    "objectType": "Activity",
    "id": "http://example.com/activities/course-1",
    "definition": {
        "name": {"en-US": "Course 1"},
        "description": {"en-US": "The first course"},
        "type": "http://adlnet.gov/expapi/activities/course",
    },
}
STATEMENT_ID = "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"
OTHER_ID = "8f87ccde-bb56-4c2e-ab83-44982ef22df0"
SHA256 = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"


def statement(**properties: Any) -> dict[str, Any]:
    """A minimal valid statement; keyword arguments add or replace top-level properties."""
    built: dict[str, Any] = {
        "actor": copy.deepcopy(AGENT),
        "verb": copy.deepcopy(VERB),
        "object": copy.deepcopy(ACTIVITY),
    }
    built.update(copy.deepcopy(properties))
    return built


def typical_statement() -> dict[str, Any]:
    """A statement as an LMS course sends it: result, context, timestamp, id."""
    return statement(
        id=STATEMENT_ID,
        result={
            "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
            "success": True,
            "completion": True,
            "duration": "PT1H12M5.5S",
        },
        context={
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities": {
                "parent": [{"id": "http://example.com/activities/programme"}],
                "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
            },
            "platform": "LMS",
            "language": "en-US",
            "extensions": {"http://example.com/extensions/session": "abc"},
        },
        timestamp="2024-05-01T10:15:30.123Z",
    )


def substatement(**properties: Any) -> dict[str, Any]:
    """A valid SubStatement to use as an object; keyword arguments add or replace properties."""
    built = statement(**properties)
    return {"objectType": "SubStatement", **built}


def rejection(payload: object, version: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        if isinstance(payload, list):
            validate_statements(payload, version)
        else:
            validate_statement(payload, version)
    return caught.value


def assert_rejected_at(payload: object, version: str, path: str, *words: str) -> None:
    """The payload is rejected, the error names `path`, and its message says each of `words`."""
    error = rejection(payload, version)
    assert error.path == path, str(error)
    for word in words:
        assert word in error.message, str(error)


def assert_valid(payload: dict[str, Any], version: str) -> None:
    validate_statement(payload, version)
