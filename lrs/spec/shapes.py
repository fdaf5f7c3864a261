"""JSON shapes: paths, types, required and allowed properties, and strict parsing.

The vocabulary every validator uses to say what was expected where. No xAPI data type lives here;
those are in datatypes.py.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any

from lrs.spec.errors import ValidationError

VERSIONS = ("1.0.3", "2.0.0")


def check_version(version: str) -> None:
    """The version argument is the caller's choice, not client data: a bad one is a bug."""
    if version not in VERSIONS:
        raise ValueError(f"unknown xAPI version {version!r}: use one of {', '.join(VERSIONS)}")


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def key_path(path: str, key: str) -> str:
    """`$.a` for a plain key, `$['http://x']` for any other (extension IRIs, language tags)."""
    if not isinstance(key, str):  # only Python callers can build such keys; JSON cannot
        key = repr(key)
    return path + (_segment(key) if len(key) <= 64 else _segment.__wrapped__(key))


@lru_cache(maxsize=1024)
def _segment(key: str) -> str:
    if _IDENTIFIER.fullmatch(key):
        return f".{key}"
    quoted = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"['{quoted}']"


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def expect_object(value: object, path: str, what: str = "an object") -> dict[str, Any]:
    # 1.0.3 Data §2.2.s4.b1 / xAPI 2.0 §4.2.1: the wrong data type (or null) is rejected.
    if not isinstance(value, dict):
        raise ValidationError(path, f"must be {what}, not {type_name(value)}")
    return value


def expect_array(value: object, path: str, what: str = "an array") -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError(path, f"must be {what}, not {type_name(value)}")
    return value


def expect_string(value: object, path: str, what: str = "a string") -> str:
    if not isinstance(value, str):
        raise ValidationError(path, f"must be {what}, not {type_name(value)}")
    return value


def expect_nonempty_string(value: object, path: str, what: str = "a non-empty string") -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError(path, f"must be {what}, not {shown(value)}")
    return value


def expect_boolean(value: object, path: str) -> bool:
    # 1.0.3 Data §2.2.s4.b1.b3: strings are not booleans, even "true".
    if not isinstance(value, bool):
        raise ValidationError(path, f"must be a boolean, not {type_name(value)}")
    return value


def expect_number(value: object, path: str) -> float:
    # 1.0.3 Data §2.2.s4.b1.b2: strings are not numbers, even "1"; JSON has no NaN or Infinity.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(path, f"must be a number, not {type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(path, "must be a finite number")
    return value


def expect_integer(value: object, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(path, f"must be an integer, not {type_name(value)}")
    return value


def check_keys(obj: dict[str, Any], allowed: frozenset[str], path: str, what: str) -> None:
    """Reject properties the spec does not define for `what`, naming the first in order."""
    # 1.0.3 Data §2.2.s4.b1.b7, §2.2.s4.b8; xAPI 2.0 §4.2.1: keys not allowed, any case mismatch.
    if obj.keys() <= allowed:
        return
    for key in obj:
        if key not in allowed:
            hint = _case_hint(key, allowed)
            raise ValidationError(key_path(path, key), f"is not a property of {what}{hint}")


def require(obj: dict[str, Any], key: str, path: str, what: str) -> Any:
    if key not in obj:
        raise ValidationError(key_path(path, key), f"is required in {what}")
    return obj[key]


def _case_hint(key: str, allowed: frozenset[str]) -> str:
    for name in allowed:
        if name.lower() == key.lower():
            return f" (properties are case sensitive: {name!r})"
    return ""


def shown(value: object) -> str:
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return json.dumps(text, ensure_ascii=False)
    return type_name(value)


# --- Strict JSON ------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValidationError("$", f"the property {shown(key)} appears twice in an object")
            seen.add(key)
    return obj


def _no_constant(name: str) -> Any:
    raise ValidationError("$", f"{name} is not JSON")


def parse_json(data: str | bytes) -> object:
    """Parse a request body as strict JSON: no repeated keys, no NaN or Infinity."""
    # 1.0.3 Data §2.2.s2.b2: a Statement uses each property no more than one time.
    try:
        return json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise ValidationError("$", f"is not valid JSON: {error}") from error
