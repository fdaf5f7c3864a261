"""The statement-validation cases of the ADL LRS conformance suite, as data.

data/conformance_cases.jsonl holds every statement the suite POSTs from its configs (test/v1_0_3
and test/v2_0, configs/*.js built from templates/**) and the few it builds in its test files,
each with the status the suite expects for each version: 200 must be accepted, 400 rejected.
It was made from the suite at commit 2ec25f2 (master, 2024-10-21) by data/dump_conformance.js.
Where the suite and the spec disagree, lrs/spec/NOTES.md says so; no case here had to be bent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lrs.spec import ValidationError, validate_statements

CASES_FILE = Path(__file__).parent / "data" / "conformance_cases.jsonl"


def _load() -> list[Any]:
    params = []
    with CASES_FILE.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            case = json.loads(line)
            for version, (status,) in sorted(case["expect"].items()):
                params.append(
                    pytest.param(
                        version,
                        status,
                        case["statement"],
                        id=f"{version}-{status}-{case['file'].split(' ')[0]}-line{number}",
                    )
                )
    return params


CASES = _load()


def test_the_suite_cases_cover_both_versions_and_both_outcomes() -> None:
    outcomes = {(param.values[0], param.values[1]) for param in CASES}
    assert outcomes == {("1.0.3", 200), ("1.0.3", 400), ("2.0.0", 200), ("2.0.0", 400)}
    assert len(CASES) > 1900


@pytest.mark.parametrize(("version", "status", "statement"), CASES)
def test_the_lrs_answers_as_the_conformance_suite_expects(
    version: str, status: int, statement: dict[str, Any]
) -> None:
    if status == 200:
        validate_statements(statement, version)
    else:
        with pytest.raises(ValidationError) as caught:
            validate_statements(statement, version)
        assert caught.value.path.startswith("$")
        assert caught.value.message
