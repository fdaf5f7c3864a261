"""What launched content may write statements about: the activities of its own package
version (docs/training.md, "Who may give credit").

A launch credential is limited by the LRS to its learner and its registration; this adds the
third limit, on the statement's object, so that content cannot speak about another course.
An activity is the package's own when its id is one the package declares (tincan.xml's
activities; cmi5.xml's course, blocks and AUs, and the portal's ids for them), or extends one
of them as an IRI does below it (`<id>/…`, `<id>#…`, `<id>?…`): interactions, slides and
questions are named that way by the authoring tools.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

SUB_IRI_SEPARATORS = ("/", "#", "?")


class OutsideThePackage(Exception):
    """A statement about an activity that is not its package's."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_own(activity_id: str, own_ids: Collection[str]) -> bool:
    if activity_id in own_ids:
        return True
    return any(
        activity_id.startswith(own) and activity_id[len(own) : len(own) + 1] in SUB_IRI_SEPARATORS
        for own in own_ids
    )


def objects_of(statement: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, activity id) of the activities a statement is about: its object, and the object
    of its sub-statement."""
    found = []
    target = statement.get("object") or {}
    if target.get("objectType", "Activity") == "Activity":
        found.append(("object.id", str(target.get("id", ""))))
    elif target.get("objectType") == "SubStatement":
        inner = target.get("object") or {}
        if inner.get("objectType", "Activity") == "Activity":
            found.append(("object.object.id", str(inner.get("id", ""))))
    return found


def check(statements: list[dict[str, Any]], own_ids: Collection[str]) -> None:
    """Raise OutsideThePackage for the first statement about an activity not in `own_ids`."""
    for statement in statements:
        for where, activity_id in objects_of(statement):
            if not is_own(activity_id, own_ids):
                raise OutsideThePackage(
                    f"{where}: launched content writes only about the activities of its own "
                    f"course package, and {activity_id} is not one of them."
                )
