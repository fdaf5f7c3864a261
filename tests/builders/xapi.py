"""xAPI statements for tests: a valid statement, with what a test changes on top."""

from __future__ import annotations

from typing import Any


def statement(**overrides: Any) -> dict[str, Any]:
    base = {
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://lms.test", "name": "A12-345-678"},
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-US": "completed"},
        },
        "object": {
            "objectType": "Activity",
            "id": "https://lms.test/courses/vehicle-pursuit",
            "definition": {"name": {"en-US": "Vehicle Pursuit Policy Update"}},
        },
    }
    base.update(overrides)
    return base
