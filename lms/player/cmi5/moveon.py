"""moveOn: when an AU counts as satisfied, and which blocks and the course that makes
satisfied (cmi5 §13.1.4 moveOn, §9.3.9 Satisfied)."""

from __future__ import annotations

from dataclasses import dataclass

from lms.player.cmi5.structure import BLOCK, COURSE, AssignableUnit, Block, CourseStructure

MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")


@dataclass(frozen=True)
class AUResult:
    """What the registration holds for one AU: cmi5 defined completed / passed received in
    Normal mode (the only mode that may send them, §10.2.2), or a waiver."""

    completed: bool = False
    passed: bool = False
    waived: bool = False


def au_satisfied(move_on: str, result: AUResult) -> bool:
    """§13.1.4 moveOn; §9.3.9: a waived AU has met its moveOn; a failed one never does."""
    if result.waived:
        return True
    return {
        "Passed": result.passed,
        "Completed": result.completed,
        "CompletedAndPassed": result.completed and result.passed,
        "CompletedOrPassed": result.completed or result.passed,
        "NotApplicable": True,
    }[move_on]


def satisfied_aus(structure: CourseStructure, results: dict[str, AUResult]) -> set[str]:
    """The publisher ids of the AUs whose moveOn is met (NotApplicable ones without a launch)."""
    return {
        au.id for au in structure.aus if au_satisfied(au.move_on, results.get(au.id, AUResult()))
    }


def newly_satisfied(
    structure: CourseStructure, aus: set[str], already: set[str]
) -> list[tuple[str, Block | CourseStructure]]:
    """The blocks, then the course, that the satisfied AUs satisfy and that were not satisfied
    before: inner blocks before the blocks holding them, the course last, so the satisfied
    statements are stored in that order. `already` holds block and course publisher ids."""
    found: list[tuple[str, Block | CourseStructure]] = []
    done = set(already)

    def met(member: AssignableUnit | Block) -> bool:
        return member.id in aus if isinstance(member, AssignableUnit) else member.id in done

    for block in structure.blocks:  # inner blocks come first
        if block.id not in done and all(met(member) for member in block.members):
            done.add(block.id)
            found.append((BLOCK, block))
    if structure.id not in done and all(met(member) for member in structure.members):
        found.append((COURSE, structure))
    return found
