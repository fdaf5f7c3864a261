"""Statement validation benchmark: how long `lrs.spec.validate_statement` takes on a typical
statement, for each xAPI version the LRS speaks.

    .venv/bin/python bench/lrs_validation.py          # --statements 2000 --rounds 3

Prints its figures; it is never part of the test run. The budget is 0.5 ms a statement (tens of
microseconds are expected); the last line is JSON and says whether each version kept it.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from lrs.spec import VERSIONS, validate_statement

BUDGET_MS_PER_STATEMENT = 0.5


def typical_statement(index: int) -> dict[str, Any]:
    """A statement as an LMS course sends it (result, context, timestamp, id), one learner of
    300 as its actor."""
    return {
        "id": f"fd41c918-b88b-4b20-a0a5-{index:012x}",
        "actor": {
            "objectType": "Agent",
            "name": "Ann",
            "mbox": f"mailto:learner{index % 300}@example.com",
        },
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/attempted",
            "display": {"en-US": "attempted"},
        },
        "object": {
            "objectType": "Activity",
            "id": "http://example.com/activities/course-1",
            "definition": {
                "name": {"en-US": "Course 1"},
                "description": {"en-US": "The first course"},
                "type": "http://adlnet.gov/expapi/activities/course",
            },
        },
        "result": {
            "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
            "success": True,
            "completion": True,
            "duration": "PT1H12M5.5S",
        },
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities": {
                "parent": [{"id": "http://example.com/activities/programme"}],
                "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}],
            },
            "platform": "LMS",
            "language": "en-US",
            "extensions": {"http://example.com/extensions/session": "abc"},
        },
        "timestamp": "2024-05-01T10:15:30.123Z",
    }


def best_ms_per_statement(statements: list[dict[str, Any]], version: str, rounds: int) -> float:
    """The best of `rounds` passes over all the statements, in milliseconds a statement."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for statement in statements:
            validate_statement(statement, version)
        best = min(best, time.perf_counter() - started)
    return best * 1000 / len(statements)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    statements = [typical_statement(index) for index in range(args.statements)]
    figures: dict[str, Any] = {"statements": args.statements, "rounds": args.rounds}
    for version in VERSIONS:
        ms = best_ms_per_statement(statements, version, args.rounds)
        kept = ms < BUDGET_MS_PER_STATEMENT
        print(
            f"xAPI {version:<8} {ms * 1000:8.1f} µs a statement "
            f"({'within' if kept else 'OVER'} the {BUDGET_MS_PER_STATEMENT} ms budget)"
        )
        figures[version] = {"us_per_statement": round(ms * 1000, 1), "within_budget": kept}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
