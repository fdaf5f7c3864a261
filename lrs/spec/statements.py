"""The Statement: its properties, the object's forms, result, context, attachments, batches."""

from __future__ import annotations

import re
from typing import Any

from lrs.spec.activities import validate_activity
from lrs.spec.actors import (
    IFIS,
    validate_actor,
    validate_agent,
    validate_authority,
    validate_group,
)
from lrs.spec.datatypes import (
    parse_timestamp,
    validate_duration,
    validate_extensions,
    validate_iri,
    validate_irl,
    validate_language_map,
    validate_language_tag,
    validate_media_type,
    validate_sha2,
    validate_uuid,
)
from lrs.spec.errors import ValidationError
from lrs.spec.shapes import (
    check_keys,
    check_version,
    expect_array,
    expect_boolean,
    expect_integer,
    expect_number,
    expect_object,
    expect_string,
    key_path,
    require,
    shown,
    type_name,
)

STATEMENT_KEYS = frozenset(
    ("id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority")
    + ("version", "attachments")
)
# 1.0.3 Data §2.4.4.3.s8.b3: a SubStatement MUST NOT have "id", "stored", "version", "authority".
SUBSTATEMENT_KEYS = frozenset(
    ("objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments")
)
FORBIDDEN_IN_SUBSTATEMENT = ("id", "stored", "version", "authority")
VERB_KEYS = frozenset(("id", "display"))
STATEMENT_REF_KEYS = frozenset(("objectType", "id"))
RESULT_KEYS = frozenset(("score", "success", "completion", "response", "duration", "extensions"))
SCORE_KEYS = frozenset(("scaled", "raw", "min", "max"))
CONTEXT_KEYS = {
    "1.0.3": frozenset(
        ("registration", "instructor", "team", "contextActivities", "revision", "platform")
        + ("language", "statement", "extensions")
    ),
}
CONTEXT_KEYS["2.0.0"] = CONTEXT_KEYS["1.0.3"] | {"contextAgents", "contextGroups"}
CONTEXT_ACTIVITY_KEYS = frozenset(("parent", "grouping", "category", "other"))
CONTEXT_AGENT_KEYS = frozenset(("objectType", "agent", "relevantTypes"))
CONTEXT_GROUP_KEYS = frozenset(("objectType", "group", "relevantTypes"))
ATTACHMENT_KEYS = frozenset(
    ("usageType", "display", "description", "contentType", "length", "sha2", "fileUrl")
)
OBJECT_TYPES = ("Activity", "Agent", "Group", "StatementRef", "SubStatement")
VOIDED = "http://adlnet.gov/expapi/verbs/voided"

# 1.0.3 Data §2.4.10.s3.b1/b2: 1.0.x only. xAPI 2.0 §4.2.4.3 and its conformance suite: 2.0.x, and
# the 1.0.x statements a 2.0 LRS also accepts (see NOTES.md). A patch number of up to six digits:
# the LRS keeps the version in ten characters.
_STATEMENT_VERSION = {
    "1.0.3": (re.compile(r"1\.0(?:\.\d{1,6})?", re.ASCII), "1.0 or 1.0.x"),
    "2.0.0": (re.compile(r"[12]\.0(?:\.\d{1,6})?", re.ASCII), "2.0.0 (or 1.0.x)"),
}


def validate_statements(payload: object, version: str) -> list[dict[str, Any]]:
    """One Statement or a non-empty array of them; returns them as a list, unchanged."""
    check_version(version)
    if isinstance(payload, dict):
        validate_statement(payload, version, "$")
        return [payload]
    if not isinstance(payload, list):
        raise ValidationError(
            "$", f"must be a Statement object or an array of Statements, not {type_name(payload)}"
        )
    if not payload:
        raise ValidationError("$", "an array of Statements must hold at least one Statement")
    first_with_id: dict[str, int] = {}
    for index, statement in enumerate(payload):
        path = f"$[{index}]"
        validate_statement(statement, version, path)
        if "id" in statement:
            statement_id = statement["id"].lower()
            if statement_id in first_with_id:
                # 1.0.3 Communication §2.1.2.s2.b6: a batch repeating an id SHOULD* be rejected.
                raise ValidationError(
                    f"{path}.id",
                    f"repeats the id of $[{first_with_id[statement_id]}] in this batch",
                )
            first_with_id[statement_id] = index
    return payload


def validate_statement(statement: object, version: str, path: str = "$") -> None:
    """A whole Statement as received from a client, in the given version of xAPI."""
    # 1.0.3 Data §2.2, §2.4; xAPI 2.0 §4.2.1 (Table Guidelines) and §4.2.2 (Statement Table).
    check_version(version)
    obj = expect_object(statement, path, "a Statement object")
    check_keys(obj, STATEMENT_KEYS, path, "a Statement")
    if "id" in obj:
        validate_uuid(obj["id"], key_path(path, "id"))
    _validate_body(obj, version, path, in_substatement=False)
    if "stored" in obj:
        # 1.0.3 Data §2.4.8.s3.b2: the LRS SHOULD validate, then MUST overwrite, "stored".
        parse_timestamp(obj["stored"], key_path(path, "stored"), version)
    if "authority" in obj:
        validate_authority(obj["authority"], version, key_path(path, "authority"))
    if "version" in obj:
        _validate_version(obj["version"], key_path(path, "version"), version)


def _validate_body(obj: dict[str, Any], version: str, path: str, *, in_substatement: bool) -> None:
    """What Statements and SubStatements share (1.0.3 Data §2.4.4.3.s8.b2)."""
    what = "a SubStatement" if in_substatement else "a Statement"
    # 1.0.3 Data §2.2.s2.b3: a Statement MUST use "actor", "verb", and "object".
    actor = require(obj, "actor", path, what)
    verb = require(obj, "verb", path, what)
    target = require(obj, "object", path, what)
    validate_actor(actor, version, key_path(path, "actor"))
    validate_verb(verb, key_path(path, "verb"))
    object_path = key_path(path, "object")
    object_type = validate_object(target, version, object_path, in_substatement=in_substatement)
    if verb["id"] == VOIDED and object_type != "StatementRef":
        # 1.0.3 Data §2.3.2.s2.b1; xAPI 2.0 §4.2.5: voiding targets a StatementRef.
        raise ValidationError(
            object_path, "a Statement with the voided verb must have a StatementRef as its object"
        )
    if "result" in obj:
        validate_result(obj["result"], key_path(path, "result"))
    if "context" in obj:
        validate_context(obj["context"], version, key_path(path, "context"), object_type)
    if "timestamp" in obj:
        # 1.0.3 Data §2.4.7.s3.b6: a future timestamp is not rejected.
        parse_timestamp(obj["timestamp"], key_path(path, "timestamp"), version)
    if "attachments" in obj:
        validate_attachments(obj["attachments"], key_path(path, "attachments"))


def validate_verb(obj: object, path: str) -> None:
    # 1.0.3 Data §2.4.3.s3; xAPI 2.0 §4.2.2.2 (Verb Table).
    verb = expect_object(obj, path, "a Verb object")
    check_keys(verb, VERB_KEYS, path, "a Verb")
    validate_iri(require(verb, "id", path, "a Verb"), key_path(path, "id"))
    if "display" in verb:
        validate_language_map(verb["display"], key_path(path, "display"))


def validate_object(obj: object, version: str, path: str, *, in_substatement: bool = False) -> str:
    """The Statement's object in any of its forms; returns its objectType ("Activity" if absent)."""
    # 1.0.3 Data §2.4.4.s2: no objectType means Activity; otherwise one of five exact values.
    target = expect_object(obj, path, "an Activity, Agent, Group, StatementRef or SubStatement")
    if "objectType" not in target:
        if any(key in target for key in (*IFIS, "member")):
            # 1.0.3 Data §2.4.4.2.s1.b1: an Agent or Group as the object MUST give its objectType.
            raise ValidationError(
                key_path(path, "objectType"),
                "is required when the object is an Agent or a Group",
            )
        if "actor" in target or "verb" in target:
            raise ValidationError(
                key_path(path, "objectType"), "is required when the object is a SubStatement"
            )
        validate_activity(target, version, path)
        return "Activity"
    object_type = target["objectType"]
    if object_type == "Activity":
        validate_activity(target, version, path)
    elif object_type == "Agent":
        validate_agent(target, version, path)
    elif object_type == "Group":
        validate_group(target, version, path)
    elif object_type == "StatementRef":
        validate_statement_ref(target, path)
    elif object_type == "SubStatement":
        if in_substatement:
            # 1.0.3 Data §2.4.4.3.s8.b4: a SubStatement MUST NOT contain a SubStatement.
            raise ValidationError(
                key_path(path, "objectType"), "a SubStatement cannot contain another SubStatement"
            )
        validate_substatement(target, version, path)
    else:
        raise ValidationError(
            key_path(path, "objectType"),
            f"must be one of {', '.join(OBJECT_TYPES)}, not {shown(object_type)}",
        )
    return object_type


def validate_statement_ref(obj: object, path: str) -> None:
    # 1.0.3 Data §2.4.4.3.s4: objectType "StatementRef" and the UUID id of a Statement.
    ref = expect_object(obj, path, "a StatementRef object")
    if ref.get("objectType") != "StatementRef":
        raise ValidationError(key_path(path, "objectType"), "must be 'StatementRef'")
    check_keys(ref, STATEMENT_REF_KEYS, path, "a StatementRef")
    validate_uuid(require(ref, "id", path, "a StatementRef"), key_path(path, "id"))


def validate_substatement(obj: dict[str, Any], version: str, path: str) -> None:
    # 1.0.3 Data §2.4.4.3.s8; xAPI 2.0 §4.2.2.3 (Object As Sub-Statement Table).
    for key in FORBIDDEN_IN_SUBSTATEMENT:
        if key in obj:
            raise ValidationError(key_path(path, key), "is not allowed in a SubStatement")
    check_keys(obj, SUBSTATEMENT_KEYS, path, "a SubStatement")
    _validate_body(obj, version, path, in_substatement=True)


def validate_result(obj: object, path: str) -> None:
    # 1.0.3 Data §2.4.5; xAPI 2.0 §4.2.2.4 (Result Table).
    result = expect_object(obj, path, "a Result object")
    check_keys(result, RESULT_KEYS, path, "a Result")
    if "score" in result:
        validate_score(result["score"], key_path(path, "score"))
    for name in ("success", "completion"):
        if name in result:
            expect_boolean(result[name], key_path(path, name))
    if "response" in result:
        expect_string(result["response"], key_path(path, "response"))
    if "duration" in result:
        validate_duration(result["duration"], key_path(path, "duration"))
    if "extensions" in result:
        validate_extensions(result["extensions"], key_path(path, "extensions"))


def validate_score(obj: object, path: str) -> None:
    # 1.0.3 Data §2.4.5.1.s2; xAPI 2.0 §4.2.2.4 (Score Table).
    score = expect_object(obj, path, "a Score object")
    check_keys(score, SCORE_KEYS, path, "a Score")
    values = {name: expect_number(score[name], key_path(path, name)) for name in score}
    scaled, raw = values.get("scaled"), values.get("raw")
    low, high = values.get("min"), values.get("max")
    if scaled is not None and not -1 <= scaled <= 1:
        raise ValidationError(key_path(path, "scaled"), f"must be between -1 and 1, not {scaled}")
    if low is not None and high is not None and not low < high:
        raise ValidationError(key_path(path, "min"), f"must be less than max ({high}), not {low}")
    if raw is not None and low is not None and raw < low:
        raise ValidationError(key_path(path, "raw"), f"must be at least min ({low}), not {raw}")
    if raw is not None and high is not None and raw > high:
        raise ValidationError(key_path(path, "raw"), f"must be at most max ({high}), not {raw}")


def validate_context(obj: object, version: str, path: str, object_type: str = "Activity") -> None:
    # 1.0.3 Data §2.4.6; xAPI 2.0 §4.2.2.5 (Context Table).
    context = expect_object(obj, path, "a Context object")
    if version == "1.0.3":
        for name in ("contextAgents", "contextGroups"):
            if name in context:
                raise ValidationError(
                    key_path(path, name), "is new in xAPI 2.0; it is not a property of 1.0.3"
                )
    check_keys(context, CONTEXT_KEYS[version], path, "a Context")
    if "registration" in context:
        validate_uuid(context["registration"], key_path(path, "registration"))
    if "instructor" in context:
        validate_actor(context["instructor"], version, key_path(path, "instructor"))
    if "team" in context:
        validate_group(context["team"], version, key_path(path, "team"))
    if "contextActivities" in context:
        _validate_context_activities(
            context["contextActivities"], version, key_path(path, "contextActivities")
        )
    for name in ("revision", "platform"):
        if name in context:
            expect_string(context[name], key_path(path, name))
    if "language" in context:
        validate_language_tag(context["language"], key_path(path, "language"))
    if "statement" in context:
        validate_statement_ref(context["statement"], key_path(path, "statement"))
    if "extensions" in context:
        validate_extensions(context["extensions"], key_path(path, "extensions"))
    if "contextAgents" in context:
        _validate_context_actors(context["contextAgents"], version, key_path(path, "contextAgents"))
    if "contextGroups" in context:
        _validate_context_actors(context["contextGroups"], version, key_path(path, "contextGroups"))
    if object_type != "Activity":
        for name in ("revision", "platform"):
            if name in context:
                # 1.0.3 Data §2.4.6.s4.b1/b2: only when the Statement's object is an Activity.
                raise ValidationError(
                    key_path(path, name),
                    f"is allowed only when the object is an Activity, not {object_type}",
                )


def _validate_context_activities(obj: object, version: str, path: str) -> None:
    # 1.0.3 Data §2.4.6.2.s4.b1/b2: keys parent, grouping, category, other; each value an
    # Activity or an array of Activities.
    activities = expect_object(obj, path, "a contextActivities object")
    check_keys(activities, CONTEXT_ACTIVITY_KEYS, path, "contextActivities")
    for name, value in activities.items():
        value_path = key_path(path, name)
        if isinstance(value, list):
            for index, activity in enumerate(value):
                validate_activity(activity, version, f"{value_path}[{index}]")
        elif isinstance(value, dict):
            validate_activity(value, version, value_path)
        else:
            raise ValidationError(
                value_path, f"must be an Activity or an array of Activities, not {type_name(value)}"
            )


def _validate_context_actors(obj: object, version: str, path: str) -> None:
    """contextAgents: contextAgent objects with an Agent; contextGroups: contextGroup objects."""
    # xAPI 2.0 §4.2.2.5 (Context Agents Table, Context Groups Table).
    agents = path.endswith("contextAgents")
    kind, member = ("contextAgent", "agent") if agents else ("contextGroup", "group")
    items = expect_array(obj, path, f"an array of {kind} objects")
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]"
        entry = expect_object(item, item_path, f"a {kind} object")
        if entry.get("objectType") != kind:
            raise ValidationError(key_path(item_path, "objectType"), f"must be {kind!r}")
        check_keys(entry, CONTEXT_AGENT_KEYS if agents else CONTEXT_GROUP_KEYS, item_path, kind)
        value = require(entry, member, item_path, f"a {kind}")
        if agents:
            validate_agent(value, version, key_path(item_path, member))
        else:
            validate_group(value, version, key_path(item_path, member))
        if "relevantTypes" in entry:
            types_path = key_path(item_path, "relevantTypes")
            types = expect_array(entry["relevantTypes"], types_path, "an array of IRIs")
            if not types:
                # "A collection of 1 or more Activity Type(s)".
                raise ValidationError(types_path, "must hold at least one Activity type IRI")
            for type_index, iri in enumerate(types):
                validate_iri(iri, f"{types_path}[{type_index}]")


def validate_attachments(obj: object, path: str) -> None:
    # 1.0.3 Data §2.4.11.s2; xAPI 2.0 §4.2.2.6 (Attachments Table).
    attachments = expect_array(obj, path, "an array of Attachment objects")
    for index, item in enumerate(attachments):
        item_path = f"{path}[{index}]"
        attachment = expect_object(item, item_path, "an Attachment object")
        check_keys(attachment, ATTACHMENT_KEYS, item_path, "an Attachment")
        what = "an Attachment"
        validate_iri(
            require(attachment, "usageType", item_path, what), key_path(item_path, "usageType")
        )
        validate_language_map(
            require(attachment, "display", item_path, what), key_path(item_path, "display")
        )
        if "description" in attachment:
            validate_language_map(attachment["description"], key_path(item_path, "description"))
        validate_media_type(
            require(attachment, "contentType", item_path, what), key_path(item_path, "contentType")
        )
        length_path = key_path(item_path, "length")
        if expect_integer(require(attachment, "length", item_path, what), length_path) < 0:
            raise ValidationError(length_path, "must not be negative")
        validate_sha2(require(attachment, "sha2", item_path, what), key_path(item_path, "sha2"))
        if "fileUrl" in attachment:
            validate_irl(attachment["fileUrl"], key_path(item_path, "fileUrl"))


def _validate_version(value: object, path: str, version: str) -> None:
    pattern, expected = _STATEMENT_VERSION[version]
    if not isinstance(value, str) or pattern.fullmatch(value) is None:
        raise ValidationError(path, f"must be {expected} in xAPI {version}, not {shown(value)}")
