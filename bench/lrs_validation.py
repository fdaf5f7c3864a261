"""Statement validation benchmark: how long `lrs.spec.validate_statement` takes on a typical
statement, for each xAPI version the LRS speaks.

    .venv/bin/python bench/lrs_validation.py          # --statements 2000 --rounds 3

Prints its figures; it is never part of the test run. The budget is 0.5 ms a statement (tens of
microseconds are expected); the last line is JSON and says whether each version kept it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from lrs.spec import VERSIONS, validate_statement

BUDGET_MS_PER_STATEMENT = 0.5


def typical_statement(index: int) -> dict[str, Any]:
    """The typical statement the tests hold valid (an LMS course's: result, context, timestamp,
    id), with an id of its own and one learner of 300 as its actor."""
    from tests.lrs.spec.helpers import typical_statement as typical

    built = typical()
    built["id"] = f"fd41c918-b88b-4b20-a0a5-{index:012x}"
    built["actor"]["mbox"] = f"mailto:learner{index % 300}@example.com"
    return built


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
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, for tests/

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
