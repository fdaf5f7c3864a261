"""moveOn: which results satisfy an AU, and which blocks and the course the satisfied AUs
satisfy, inner blocks first (cmi5 §13.1.4, §9.3.9)."""

from __future__ import annotations

import pytest

from lms.packages.manifests import ParsedPackage
from lms.player.cmi5.moveon import AUResult, au_satisfied, newly_satisfied
from lms.player.cmi5.structure import CourseStructure

NOTHING, COMPLETED, PASSED = AUResult(), AUResult(completed=True), AUResult(passed=True)
BOTH, WAIVED = AUResult(completed=True, passed=True), AUResult(waived=True)

CASES = [
    ("Passed", NOTHING, False),
    ("Passed", COMPLETED, False),
    ("Passed", PASSED, True),
    ("Completed", PASSED, False),
    ("Completed", COMPLETED, True),
    ("CompletedAndPassed", COMPLETED, False),
    ("CompletedAndPassed", PASSED, False),
    ("CompletedAndPassed", BOTH, True),
    ("CompletedOrPassed", NOTHING, False),
    ("CompletedOrPassed", COMPLETED, True),
    ("CompletedOrPassed", PASSED, True),
    ("NotApplicable", NOTHING, True),
    ("Passed", WAIVED, True),
    ("CompletedAndPassed", WAIVED, True),
]


@pytest.mark.parametrize(("move_on", "result", "satisfied"), CASES)
def test_an_au_is_satisfied_by_what_its_move_on_asks(move_on, result, satisfied):
    assert au_satisfied(move_on, result) is satisfied


def _au(name: str) -> dict:
    return {
        "type": "au",
        "id": f"https://example.org/aus/{name}",
        "title": {"en-US": name},
        "url": "index.html",
        "moveOn": "Completed",
    }


def _block(name: str, *children: dict) -> dict:
    return {
        "type": "block",
        "id": f"https://example.org/blocks/{name}",
        "title": {"en-US": name},
        "children": list(children),
    }


STRUCTURE = CourseStructure.from_package(
    ParsedPackage(
        standard="cmi5",
        edition=None,
        title="Course",
        identifier="https://example.org/course",
        version=None,
        launch=None,
        structure={
            "course": {"id": "https://example.org/course", "title": {"en-US": "Course"}},
            "objectives": [],
            "children": [
                _block("outer", _au("a"), _block("inner", _au("b"))),
                _au("c"),
            ],
        },
    ),
    "https://lms.test/courses/1",
)


def _ids(found):
    return [(kind, node.id.rsplit("/", 1)[1]) for kind, node in found]


def test_inner_blocks_come_before_the_blocks_holding_them_and_the_course_last():
    every_au = {au.id for au in STRUCTURE.aus}
    assert _ids(newly_satisfied(STRUCTURE, every_au, set())) == [
        ("block", "inner"),
        ("block", "outer"),
        ("course", "course"),
    ]


def test_a_block_waits_for_all_its_aus_and_nothing_is_satisfied_twice():
    b = "https://example.org/aus/b"
    assert _ids(newly_satisfied(STRUCTURE, {b}, set())) == [("block", "inner")]
    assert newly_satisfied(STRUCTURE, {b}, {"https://example.org/blocks/inner"}) == []
    a_and_b = {b, "https://example.org/aus/a"}
    assert _ids(newly_satisfied(STRUCTURE, a_and_b, {"https://example.org/blocks/inner"})) == [
        ("block", "outer")
    ]


def test_the_lms_ids_are_its_own_and_stable():
    again = CourseStructure.from_package(
        ParsedPackage.from_json(
            {
                "standard": "cmi5",
                "edition": None,
                "title": "Course",
                "identifier": "https://example.org/course",
                "version": None,
                "launch": None,
                "structure": {
                    "course": {"id": "https://example.org/course", "title": {"en-US": "C"}},
                    "objectives": [],
                    "children": [_au("c"), _au("a")],
                },
            }
        ),
        "https://lms.test/courses/1",
    )
    first = {au.id: au.activity_id for au in STRUCTURE.aus}
    assert {au.id: au.activity_id for au in again.aus} == {
        au: first[au] for au in ("https://example.org/aus/c", "https://example.org/aus/a")
    }
    assert all(not activity.startswith("https://example.org") for activity in first.values())
    assert STRUCTURE.activity_id == "https://lms.test/courses/1"
    assert STRUCTURE.blocks[0].activity_id.startswith("https://lms.test/courses/1/blocks/")
