"""Activities, their definitions, and interaction activities (types, components, patterns)."""

from __future__ import annotations

import re
from typing import Any

from lrs.spec.datatypes import (
    validate_extensions,
    validate_iri,
    validate_irl,
    validate_language_map,
)
from lrs.spec.errors import ValidationError
from lrs.spec.shapes import (
    check_keys,
    expect_array,
    expect_nonempty_string,
    expect_object,
    expect_string,
    key_path,
    require,
    shown,
)

ACTIVITY_KEYS = frozenset(("objectType", "id", "definition"))
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
INTERACTION_KEYS = ("interactionType", "correctResponsesPattern", *COMPONENT_LISTS)
DEFINITION_KEYS = frozenset(
    ("name", "description", "type", "moreInfo", "extensions", *INTERACTION_KEYS)
)
COMPONENT_KEYS = frozenset(("id", "description"))

# 1.0.3 Data §2.4.4.1.s15 table 2; xAPI 2.0 §4.2.2.3 "Interaction Components, Expanded".
LISTS_OF_TYPE: dict[str, tuple[str, ...]] = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMERIC_PATTERN = re.compile(f"{_NUMBER}|(?:{_NUMBER})?\\[:\\](?:{_NUMBER})?", re.ASCII)
_LEADING_PARAMETERS = re.compile(r"(?:\{(?:case_matters|order_matters)=[^}]*\})+")


def validate_activity(obj: object, version: str, path: str = "$") -> None:
    """An Activity: objectType "Activity" if present, an IRI id, an optional definition."""
    # 1.0.3 Data §2.4.4.1; xAPI 2.0 §4.2.2.3 (Object As Activity Table).
    activity = expect_object(obj, path, "an Activity object")
    if "objectType" in activity and activity["objectType"] != "Activity":
        raise ValidationError(
            key_path(path, "objectType"), f"must be 'Activity', not {shown(activity['objectType'])}"
        )
    check_keys(activity, ACTIVITY_KEYS, path, "an Activity")
    validate_iri(require(activity, "id", path, "an Activity"), key_path(path, "id"))
    if "definition" in activity:
        validate_definition(activity["definition"], version, key_path(path, "definition"))


def validate_definition(obj: object, version: str, path: str) -> None:
    """An Activity Definition; every property optional, each one checked for its type."""
    # 1.0.3 Data §2.4.4.1.s2; xAPI 2.0 §4.2.2.3 (Definition Table).
    definition = expect_object(obj, path, "an Activity Definition object")
    check_keys(definition, DEFINITION_KEYS, path, "an Activity Definition")
    for name in ("name", "description"):
        if name in definition:
            validate_language_map(definition[name], key_path(path, name))
    if "type" in definition:
        validate_iri(definition["type"], key_path(path, "type"))
    if "moreInfo" in definition:
        validate_irl(definition["moreInfo"], key_path(path, "moreInfo"))
    if "extensions" in definition:
        validate_extensions(definition["extensions"], key_path(path, "extensions"))
    _validate_interaction(definition, path)


def _validate_interaction(definition: dict[str, Any], path: str) -> None:
    if "interactionType" not in definition:
        for name in INTERACTION_KEYS[1:]:
            if name in definition:
                # 1.0.3 Data §2.4.4.1.s8: these are properties of Interaction Activities, whose
                # interactionType is required.
                raise ValidationError(
                    key_path(path, name), "is used only with an interactionType in the definition"
                )
        return
    type_path = key_path(path, "interactionType")
    interaction_type = expect_string(definition["interactionType"], type_path)
    supported = LISTS_OF_TYPE.get(interaction_type)
    if supported is None:
        # 1.0.3 Data §2.4.4.1.s13.b1, §2.2.s4.b1.b6: a valid interactionType, exactly as spelled.
        raise ValidationError(
            type_path, f"must be one of {', '.join(LISTS_OF_TYPE)}, not {shown(interaction_type)}"
        )
    for name in COMPONENT_LISTS:
        if name in definition:
            list_path = key_path(path, name)
            if name not in supported:
                # 1.0.3 Data §2.4.4.1.s13.b3: an LRS MAY reject properties invalid for the type.
                takes = " and ".join(supported) if supported else "no component list"
                raise ValidationError(
                    list_path,
                    f"is not used by a {interaction_type!r} interaction (it takes {takes})",
                )
            _validate_components(definition[name], list_path)
    if "correctResponsesPattern" in definition:
        patterns_path = key_path(path, "correctResponsesPattern")
        patterns = expect_array(
            definition["correctResponsesPattern"], patterns_path, "an array of strings"
        )
        for index, pattern in enumerate(patterns):
            pattern_path = f"{patterns_path}[{index}]"
            _validate_pattern(interaction_type, expect_string(pattern, pattern_path), pattern_path)


def _validate_components(obj: object, path: str) -> None:
    # 1.0.3 Data §2.4.4.1.s15 table 1 and §2.4.4.1.s16.b1: components with distinct ids.
    components = expect_array(obj, path, "an array of interaction components")
    seen: set[str] = set()
    for index, item in enumerate(components):
        item_path = f"{path}[{index}]"
        component = expect_object(item, item_path, "an interaction component object")
        check_keys(component, COMPONENT_KEYS, item_path, "an interaction component")
        component_id = expect_nonempty_string(
            require(component, "id", item_path, "an interaction component"),
            key_path(item_path, "id"),
        )
        if component_id in seen:
            raise ValidationError(
                key_path(item_path, "id"), f"{component_id!r} is already the id of a component"
            )
        seen.add(component_id)
        if "description" in component:
            validate_language_map(component["description"], key_path(item_path, "description"))


def _validate_pattern(interaction_type: str, pattern: str, path: str) -> None:
    """The response-pattern formats whose shape is unambiguous (1.0.3 Data §2.4.4.1.s10).

    Characterstring parameters are not validated (§2.4.4.1.s12); the free formats of choice,
    sequencing, fill-in, long-fill-in and other are any string.
    """
    if interaction_type == "true-false":
        if pattern not in ("true", "false"):
            raise ValidationError(
                path, f"a true-false response is 'true' or 'false', not {pattern!r}"
            )
    elif interaction_type == "numeric":
        if _NUMERIC_PATTERN.fullmatch(pattern) is None:
            raise ValidationError(
                path, f"a numeric response is a number or a range min[:]max, not {shown(pattern)}"
            )
    elif interaction_type == "likert":
        if "[,]" in pattern:
            raise ValidationError(path, "a likert response is a single item id")
    elif interaction_type in ("matching", "performance") and pattern:
        leading = _LEADING_PARAMETERS.match(pattern)
        body = pattern[leading.end() :] if leading else pattern
        for item in body.split("[,]"):
            key, dot, response = item.partition("[.]")
            if not dot or not key or (interaction_type == "matching" and not response):
                what = (
                    "source[.]target pairs" if interaction_type == "matching" else "step[.]response"
                )
                raise ValidationError(
                    path, f"a {interaction_type} response is a list of {what}, not {shown(pattern)}"
                )
