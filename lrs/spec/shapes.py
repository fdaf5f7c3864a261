"""JSON shapes: paths, types, required and allowed properties, and strict parsing.

The vocabulary every validator uses to say what was expected where. No xAPI data type lives here;
those are in datatypes.py. `check_storable` is the one rule that is the LRS's rather than xAPI's:
JSON it can keep and hand on on every database.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any

from lrs.spec.errors import ValidationError

VERSIONS = ("1.0.3", "2.0.0")
# How deeply JSON may nest (arrays and objects, the outermost counted): ADL's conformance suite
# goes to 8 levels, statements with SubStatements and nested extension values to a dozen or so;
# 64 leaves room for any real extension and keeps every recursive step far from Python's limit.
MAX_DEPTH = 64
# A path in an error message shows this many steps below "$", then "…".
SHOWN_STEPS = 8
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    """Parse a request body as strict JSON: no repeated keys, no NaN or Infinity, and only what
    `check_storable` lets the LRS keep."""
    # 1.0.3 Data §2.2.s2.b2: a Statement uses each property no more than one time.
    try:
        value = json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except RecursionError:
        raise ValidationError("$", f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError
        raise ValidationError("$", f"is not valid JSON: {error}") from error
    check_storable(value)
    return value


def check_storable(value: object, path: str = "$", *, nul_allowed: bool = False) -> None:
    """JSON the LRS can keep and give back: nested at most MAX_DEPTH levels, so that nothing
    recursive ever meets Python's limit; no lone surrogate (U+D800–U+DFFF, which is no character:
    UTF-8 cannot encode it); finite numbers (1e999 parses as infinity, which JSON cannot write);
    and, unless `nul_allowed`, no U+0000 (PostgreSQL keeps none in text, and what a statement
    says ends up in text columns of the LRS and of those who read it).

    Iterative, and run before anything walks the value; the error names the first flaw's path.
    """
    # (container, depth, the entry of its parent, its key or index in the parent)
    stack: list[tuple[Any, int, Any, Any]] = [(value, 1, None, None)]
    if not isinstance(value, (dict, list)):
        stack = []
        flaw = _flaw_of_scalar(value, nul_allowed)
        if flaw:
            raise ValidationError(path, flaw)
    while stack:
        entry = stack.pop()
        container, depth = entry[0], entry[1]
        if depth > MAX_DEPTH:
            raise ValidationError(_path_of(entry, path), f"nested deeper than {MAX_DEPTH} levels")
        is_object = type(container) is dict
        for key, item in container.items() if is_object else enumerate(container):
            if is_object and type(key) is str and not _plain(key, nul_allowed):
                flaw = text_flaw(key, nul_allowed)
                if flaw:
                    raise ValidationError(_path_of(entry, path), f"a property name {flaw}")
            kind = type(item)
            if kind is dict or kind is list:
                stack.append((item, depth + 1, entry, key))
            elif (kind is str and not _plain(item, nul_allowed)) or kind is float:
                flaw = _flaw_of_scalar(item, nul_allowed)
                if flaw:
                    raise ValidationError(_path_of((item, depth, entry, key), path), flaw)


def _plain(text: str, nul_allowed: bool) -> bool:
    """ASCII without NUL (unless allowed): nothing to look for (the common case, kept fast)."""
    return text.isascii() and (nul_allowed or "\x00" not in text)


def _flaw_of_scalar(value: object, nul_allowed: bool) -> str | None:
    if isinstance(value, str):
        return text_flaw(value, nul_allowed)
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number (JSON has no infinity; 1e999 is out of range)"
    return None


def text_flaw(text: str, nul_allowed: bool = False) -> str | None:
    """What keeps the LRS from storing `text`, said as the end of a sentence; None if nothing."""
    if not nul_allowed and "\x00" in text:
        return "holds a NUL character (U+0000), which the LRS does not store"
    if not text.isascii():
        found = _SURROGATE.search(text)
        if found:
            code = f"U+{ord(found.group()):04X}"
            return f"holds a lone surrogate ({code}), which is no character: UTF-8 cannot encode it"
    return None


def _path_of(entry: tuple[Any, int, Any, Any], root: str) -> str:
    steps: list[Any] = []
    while entry[2] is not None:
        steps.append(entry[3])
        entry = entry[2]
    steps.reverse()
    path = root
    for step in steps[:SHOWN_STEPS]:
        path = f"{path}[{step}]" if isinstance(step, int) else key_path(path, step)
    return path + ("…" if len(steps) > SHOWN_STEPS else "")
