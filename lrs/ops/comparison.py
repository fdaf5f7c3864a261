"""Statement comparison (xAPI Data §2.3.1 / 2.0 §4.2.3): is a received statement the one held?

Differences the specification itself could cause are ignored: the properties the LRS sets
(stored, authority, version), the order of array values, the case of an mbox, the offset
of the timestamp and its precision beyond milliseconds, a duration beyond hundredths of a second.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from lrs.ops.shape import with_context_activity_arrays

SET_BY_LRS = ("stored", "authority", "version")
# Durations compare to the hundredth of a second (xAPI 2.0 §4.2.7).
_SECONDS = re.compile(r"(\d+)(?:\.(\d+))?S$")


def _hundredths(match: re.Match[str]) -> str:
    whole, fraction = match.group(1), (match.group(2) or "")[:2].rstrip("0")
    return f"{int(whole)}.{fraction}S" if fraction else f"{int(whole)}S"


def _instant(value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    parsed = parsed.astimezone(dt.UTC)
    return parsed.replace(microsecond=parsed.microsecond // 1000 * 1000).isoformat()


def _normal(value: Any, name: str | None = None) -> Any:
    if isinstance(value, dict):
        return {k: _normal(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_normal(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if name == "mbox" and isinstance(value, str):
        return value.lower()
    if name == "timestamp" and isinstance(value, str):
        return _instant(value)
    if name == "duration" and isinstance(value, str):
        return _SECONDS.sub(_hundredths, value)
    if name == "id" and isinstance(value, str) and len(value) == 36:
        return value.lower()
    return value


def same_statement(received: dict[str, Any], held: dict[str, Any]) -> bool:
    def comparable(statement: dict[str, Any]) -> Any:
        arrays = with_context_activity_arrays(statement)
        return _normal({k: v for k, v in arrays.items() if k not in SET_BY_LRS})

    held_view = comparable(held)
    received_view = comparable(received)
    # The LRS filled in a timestamp the sender did not give: that is no difference.
    if "timestamp" not in received:
        held_view.pop("timestamp", None)
    return held_view == received_view
