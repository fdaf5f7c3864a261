"""Validation stays cheap: a typical statement takes tens of microseconds, far under 0.5 ms."""

from __future__ import annotations

import copy
import time

from lrs.spec import validate_statement
from tests.lrs.spec.helpers import typical_statement

BUDGET_SECONDS_PER_STATEMENT = 0.0005  # generous, so that a loaded CI machine does not flake


def test_a_typical_statement_validates_well_within_half_a_millisecond(version: str) -> None:
    statements = []
    for index in range(2000):
        statement = typical_statement()
        statement["id"] = f"fd41c918-b88b-4b20-a0a5-{index:012x}"
        statement["actor"] = copy.deepcopy(statement["actor"])
        statement["actor"]["mbox"] = f"mailto:learner{index % 300}@example.com"
        statements.append(statement)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for statement in statements:
            validate_statement(statement, version)
        best = min(best, time.perf_counter() - started)
    assert best / len(statements) < BUDGET_SECONDS_PER_STATEMENT
