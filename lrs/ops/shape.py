"""The shape the LRS gives statements before it keeps or compares them."""

from __future__ import annotations

from typing import Any


def with_context_activity_arrays(statement: dict[str, Any]) -> dict[str, Any]:
    """A copy whose contextActivities are all arrays, also inside a SubStatement: the LRS
    returns them so even when one Activity was sent (xAPI Data §2.4.6.2)."""
    out = dict(statement)
    context = out.get("context")
    if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
        out["context"] = {
            **context,
            "contextActivities": {
                kind: found if isinstance(found, list) else [found]
                for kind, found in context["contextActivities"].items()
            },
        }
    obj = out.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        out["object"] = with_context_activity_arrays(obj)
    return out
