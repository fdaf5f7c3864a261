"""The Statement and its parts: object forms, result, context, attachments, batches."""

from __future__ import annotations

from typing import Any

import pytest

from lrs.spec import ValidationError, validate_statement, validate_statements
from tests.lrs.spec.helpers import (
    AGENT,
    OTHER_ID,
    SHA256,
    STATEMENT_ID,
    assert_rejected_at,
    assert_valid,
    rejection,
    statement,
    substatement,
    typical_statement,
)

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
GROUP = {"objectType": "Group", "name": "Team", "member": [{"mbox": "mailto:bob@example.com"}]}
REF = {"objectType": "StatementRef", "id": OTHER_ID}
ATTACHMENT = {
    "usageType": "http://adlnet.gov/expapi/attachments/signature",
    "display": {"en-US": "Signature"},
    "description": {"en-US": "A JWS signature"},
    "contentType": "application/octet-stream",
    "length": 4235,
    "sha2": SHA256,
    "fileUrl": "https://files.example.com/signature.jws",
}


def with_context(**context: Any) -> dict[str, Any]:
    return statement(context=context)


def with_result(**result: Any) -> dict[str, Any]:
    return statement(result=result)


# --- The statement as a whole -------------------------------------------------------------------


def test_a_typical_statement_is_valid(version: str) -> None:
    assert_valid(typical_statement(), version)


@pytest.mark.parametrize("required", ["actor", "verb", "object"])
def test_actor_verb_and_object_are_required(required: str, version: str) -> None:
    # 1.0.3 Data §2.2.s2.b3.
    bad = statement()
    del bad[required]
    assert_rejected_at(bad, version, f"${'.' + required}", "is required in a Statement")


@pytest.mark.parametrize(
    "key", ["iD", "Actor", "RESULT", "timeStamp", "objectType", "voided", "extensions"]
)
def test_unknown_or_miscased_top_level_properties_are_rejected(key: str, version: str) -> None:
    # 1.0.3 Data §2.2.s4.b1.b5/b7; xAPI 2.0 §4.2.1.
    assert_rejected_at(statement(**{key: "x"}), version, f"$.{key}", "is not a property")


@pytest.mark.parametrize("payload", [None, "statement", 12, True])
def test_a_statement_is_an_object(payload: object, version: str) -> None:
    error = rejection(payload, version)
    assert error.path == "$"


@pytest.mark.parametrize("key", ["actor", "verb", "object", "result", "context", "id"])
def test_null_values_are_rejected(key: str, version: str) -> None:
    # 1.0.3 Data §2.2.s4.b1.b1: no null values except inside extensions.
    assert_rejected_at(statement(**{key: None}), version, f"$.{key}")


def test_null_inside_extensions_is_allowed(version: str) -> None:
    assert_valid(with_context(extensions={"http://example.com/ext": None}), version)


@pytest.mark.parametrize("value", ["should fail", 12345, {"id": STATEMENT_ID}])
def test_the_statement_id_is_a_uuid(value: object, version: str) -> None:
    assert_rejected_at(statement(id=value), version, "$.id", "UUID")


def test_stored_and_timestamp_are_timestamps(version: str) -> None:
    assert_valid(
        statement(timestamp="2031-11-22T23:44:52.114Z", stored="2024-05-01T10:15:30.123Z"), version
    )
    assert_rejected_at(statement(stored="yesterday"), version, "$.stored")
    assert_rejected_at(statement(timestamp="01/011/2015"), version, "$.timestamp")


def test_an_unknown_version_argument_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown xAPI version"):
        validate_statement(statement(), "1.0")


# --- Verb -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "path"),
    [
        ({"display": {"en-US": "attempted"}}, "$.verb.id"),
        ({"id": "attempted"}, "$.verb.id"),
        ({"id": "http://example.com/v", "display": "attempted"}, "$.verb.display"),
        ({"id": "http://example.com/v", "display": {"en_GB": "x"}}, "$.verb.display.en_GB"),
        ({"id": "http://example.com/v", "name": {"en": "x"}}, "$.verb.name"),
        ("http://example.com/v", "$.verb"),
    ],
)
def test_a_verb_is_an_iri_id_and_a_display_language_map(
    verb: object, path: str, version: str
) -> None:
    assert_rejected_at(statement(verb=verb), version, path)


def test_a_verb_may_omit_display(version: str) -> None:
    assert_valid(statement(verb={"id": "http://example.com/verbs/x"}), version)


# --- Object forms -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        {"objectType": "Agent", "mbox": "mailto:bob@example.com"},
        GROUP,
        {"objectType": "Group", "openid": "http://openid.example.org/team"},
        REF,
        substatement(),
    ],
)
def test_the_object_may_be_an_agent_group_statement_ref_or_substatement(
    target: dict[str, Any], version: str
) -> None:
    assert_valid(statement(object=target), version)


@pytest.mark.parametrize("object_type", ["activity", "statementref", "substatement", "Person", 1])
def test_the_object_type_is_one_of_five_exact_values(object_type: object, version: str) -> None:
    bad = statement(object={"objectType": object_type, "id": OTHER_ID})
    assert_rejected_at(bad, version, "$.object.objectType", "must be one of")


@pytest.mark.parametrize("target", [{"mbox": "mailto:bob@example.com"}, {"member": []}])
def test_an_agent_or_group_object_must_state_its_object_type(
    target: dict[str, Any], version: str
) -> None:
    # 1.0.3 Data §2.4.4.2.s1.b1.
    bad = statement(object=target)
    assert_rejected_at(bad, version, "$.object.objectType", "Agent or a Group")


@pytest.mark.parametrize(
    ("ref", "path"),
    [
        ({"objectType": "StatementRef"}, "$.object.id"),
        ({"objectType": "StatementRef", "id": "should fail"}, "$.object.id"),
        ({"objectType": "StatementRef", "id": OTHER_ID, "definition": {}}, "$.object.definition"),
    ],
)
def test_a_statement_ref_holds_only_a_uuid_id(ref: dict[str, Any], path: str, version: str) -> None:
    assert_rejected_at(statement(object=ref), version, path)


# --- SubStatements ------------------------------------------------------------------------------


@pytest.mark.parametrize("forbidden", ["id", "stored", "version", "authority"])
def test_a_substatement_has_no_id_stored_version_or_authority(forbidden: str, version: str) -> None:
    # 1.0.3 Data §2.4.4.3.s8.b3.
    values = {"id": OTHER_ID, "stored": "2024-05-01T10:15:30Z", "version": "1.0.0"}
    inner = substatement(**{forbidden: values.get(forbidden, AGENT)})
    bad = statement(object=inner)
    assert_rejected_at(bad, version, f"$.object.{forbidden}", "not allowed in a SubStatement")


def test_a_substatement_cannot_contain_a_substatement(version: str) -> None:
    # 1.0.3 Data §2.4.4.3.s8.b4.
    bad = statement(object=substatement(object=substatement()))
    assert_rejected_at(bad, version, "$.object.object.objectType", "another SubStatement")


@pytest.mark.parametrize("required", ["actor", "verb", "object"])
def test_a_substatement_is_validated_as_a_statement(required: str, version: str) -> None:
    # 1.0.3 Data §2.4.4.3.s8.b2.
    inner = substatement()
    del inner[required]
    assert_rejected_at(statement(object=inner), version, f"$.object.{required}", "SubStatement")


def test_a_substatement_may_carry_result_context_timestamp_and_attachments(version: str) -> None:
    inner = substatement(
        result={"completion": True},
        context={"registration": OTHER_ID, "platform": "LMS"},
        timestamp="2031-01-01T00:00:00Z",  # 1.0.3 Data §2.4.7.s3.b5: may be in the future
        attachments=[ATTACHMENT],
    )
    assert_valid(statement(object=inner), version)


# --- Voiding ------------------------------------------------------------------------------------


def test_a_voiding_statement_targets_a_statement_ref(version: str) -> None:
    assert_valid(statement(verb={"id": VOIDED}, object=REF), version)


@pytest.mark.parametrize("target", [{"id": "http://example.com/a"}, AGENT, substatement()])
def test_the_voided_verb_with_any_other_object_is_rejected(
    target: dict[str, Any], version: str
) -> None:
    # 1.0.3 Data §2.3.2.s2.b1; xAPI 2.0 §4.2.5.
    bad = statement(verb={"id": VOIDED, "display": {"en-US": "voided"}}, object=target)
    assert_rejected_at(bad, version, "$.object", "voided verb")


def test_the_voided_verb_rule_holds_inside_a_substatement(version: str) -> None:
    bad = statement(object=substatement(verb={"id": VOIDED}))
    assert_rejected_at(bad, version, "$.object.object", "voided verb")


# --- Result -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "path"),
    [
        ({"success": "true"}, "$.result.success"),
        ({"completion": "false"}, "$.result.completion"),
        ({"completion": 1}, "$.result.completion"),
        ({"response": 12345}, "$.result.response"),
        ({"duration": "PA1H0M0S"}, "$.result.duration"),
        ({"extensions": "should fail"}, "$.result.extensions"),
        ({"score": 95}, "$.result.score"),
        ({"score": {"raw": "95"}}, "$.result.score.raw"),
        ({"score": {"scaled": True}}, "$.result.score.scaled"),
        ({"score": {"percent": 95}}, "$.result.score.percent"),
        ({"grade": "A"}, "$.result.grade"),
    ],
)
def test_each_result_property_has_its_type(result: dict[str, Any], path: str, version: str) -> None:
    assert_rejected_at(statement(result=result), version, path)


@pytest.mark.parametrize("scaled", [-1, -1.0, 0, 0.95, 1, 1.0])
def test_scaled_is_between_minus_one_and_one_inclusive(scaled: float, version: str) -> None:
    assert_valid(with_result(score={"scaled": scaled}), version)


@pytest.mark.parametrize("scaled", [1.01, -1.00001, 95])
def test_scaled_outside_minus_one_to_one_is_rejected(scaled: float, version: str) -> None:
    assert_rejected_at(with_result(score={"scaled": scaled}), version, "$.result.score.scaled")


@pytest.mark.parametrize(
    ("score", "path"),
    [
        ({"raw": 101, "max": 100}, "$.result.score.raw"),
        ({"raw": -1, "min": 0}, "$.result.score.raw"),
        ({"min": 10, "max": 5}, "$.result.score.min"),
        ({"min": 5, "max": 5}, "$.result.score.min"),
    ],
)
def test_raw_lies_between_min_and_max_and_min_is_below_max(
    score: dict[str, Any], path: str, version: str
) -> None:
    assert_rejected_at(with_result(score=score), version, path)


def test_scores_are_unrestricted_without_bounds(version: str) -> None:
    assert_valid(with_result(score={"raw": -12345.678}), version)
    assert_valid(with_result(score={"raw": 100, "min": 0, "max": 100}), version)
    assert_valid(with_result(score={"raw": 0, "min": 0}), version)


def test_non_finite_numbers_are_rejected(version: str) -> None:
    assert_rejected_at(with_result(score={"raw": float("nan")}), version, "$.result.score.raw")


# --- Context ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("context", "path"),
    [
        ({"registration": "should fail"}, "$.context.registration"),
        ({"instructor": "Ms Lee"}, "$.context.instructor"),
        ({"instructor": {"key": "value"}}, "$.context.instructor.key"),
        ({"team": AGENT}, "$.context.team.objectType"),
        ({"team": "Team A"}, "$.context.team"),
        ({"contextActivities": "parent"}, "$.context.contextActivities"),
        ({"revision": 3}, "$.context.revision"),
        ({"platform": {"name": "LMS"}}, "$.context.platform"),
        ({"language": "something"}, "$.context.language"),
        ({"language": 12345}, "$.context.language"),
        ({"statement": {"id": OTHER_ID}}, "$.context.statement.objectType"),
        ({"statement": {"objectType": "StatementRef", "id": "x"}}, "$.context.statement.id"),
        ({"extensions": {"example.com/ext": 1}}, "$.context.extensions['example.com/ext']"),
        ({"Registration": OTHER_ID}, "$.context.Registration"),
    ],
)
def test_each_context_property_has_its_type(
    context: dict[str, Any], path: str, version: str
) -> None:
    assert_rejected_at(statement(context=context), version, path)


def test_instructor_may_be_a_group_and_team_is_a_group(version: str) -> None:
    assert_valid(with_context(instructor=GROUP, team=GROUP), version)


@pytest.mark.parametrize("kind", ["parent", "grouping", "category", "other"])
def test_context_activities_are_an_activity_or_an_array_of_them(kind: str, version: str) -> None:
    activity = {"id": "http://example.com/activities/a"}
    assert_valid(with_context(contextActivities={kind: activity}), version)
    assert_valid(with_context(contextActivities={kind: [activity, activity]}), version)
    assert_valid(with_context(contextActivities={kind: []}), version)


@pytest.mark.parametrize(
    ("activities", "path"),
    [
        ({"consequences": []}, "$.context.contextActivities.consequences"),
        ({"Parent": []}, "$.context.contextActivities.Parent"),
        ({"parent": "http://example.com/a"}, "$.context.contextActivities.parent"),
        (
            {"other": [{"id": "http://example.com/a"}, {"key": 1}]},
            "$.context.contextActivities.other[1].key",
        ),
        (
            {"category": [{"objectType": "Agent", "mbox": "mailto:a@b.c"}]},
            "$.context.contextActivities.category[0].objectType",
        ),
    ],
)
def test_context_activities_have_four_kinds_of_activities(
    activities: dict[str, Any], path: str, version: str
) -> None:
    assert_rejected_at(with_context(contextActivities=activities), version, path)


@pytest.mark.parametrize("name", ["revision", "platform"])
@pytest.mark.parametrize(
    "target",
    [AGENT, GROUP, REF, substatement()],
    ids=["agent", "group", "statement-ref", "substatement"],
)
def test_revision_and_platform_only_describe_an_activity_object(
    name: str, target: dict[str, Any], version: str
) -> None:
    # 1.0.3 Data §2.4.6.s4.b1/b2.
    bad = statement(object=target, context={name: "x"})
    assert_rejected_at(bad, version, f"$.context.{name}", "only when the object is an Activity")


@pytest.mark.parametrize("name", ["revision", "platform"])
def test_revision_and_platform_in_a_substatement_follow_its_own_object(
    name: str, version: str
) -> None:
    assert_valid(statement(object=REF, result={}), version)
    inner_ok = substatement(context={name: "x"})
    assert_valid(statement(object=inner_ok), version)
    inner_bad = substatement(object=REF, context={name: "x"})
    assert_rejected_at(statement(object=inner_bad), version, f"$.object.context.{name}")


# --- Attachments --------------------------------------------------------------------------------


def test_attachments_are_an_array_of_attachment_objects(version: str) -> None:
    assert_valid(statement(attachments=[ATTACHMENT]), version)
    assert_valid(statement(attachments=[]), version)
    without_optional = {k: v for k, v in ATTACHMENT.items() if k not in ("description", "fileUrl")}
    assert_valid(statement(attachments=[without_optional]), version)
    assert_rejected_at(statement(attachments=ATTACHMENT), version, "$.attachments")
    assert_rejected_at(statement(attachments=["x"]), version, "$.attachments[0]")


@pytest.mark.parametrize("required", ["usageType", "display", "contentType", "length", "sha2"])
def test_an_attachment_needs_its_required_properties(required: str, version: str) -> None:
    attachment = dict(ATTACHMENT)
    del attachment[required]
    bad = statement(attachments=[attachment])
    assert_rejected_at(bad, version, f"$.attachments[0].{required}", "is required")


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"usageType": "should fail"}, "$.attachments[0].usageType"),
        ({"display": "Signature"}, "$.attachments[0].display"),
        ({"description": 12345}, "$.attachments[0].description"),
        ({"contentType": 12345}, "$.attachments[0].contentType"),
        ({"contentType": "octet-stream"}, "$.attachments[0].contentType"),
        ({"length": "4235"}, "$.attachments[0].length"),
        ({"length": 42.5}, "$.attachments[0].length"),
        ({"length": -1}, "$.attachments[0].length"),
        ({"sha2": 12345}, "$.attachments[0].sha2"),
        ({"sha2": "not a hash"}, "$.attachments[0].sha2"),
        ({"fileUrl": "should fail"}, "$.attachments[0].fileUrl"),
        ({"filename": "a.jws"}, "$.attachments[0].filename"),
    ],
)
def test_each_attachment_property_has_its_type(
    changes: dict[str, Any], path: str, version: str
) -> None:
    assert_rejected_at(statement(attachments=[{**ATTACHMENT, **changes}]), version, path)


# --- Batches ------------------------------------------------------------------------------------


def test_a_single_statement_is_returned_as_a_list_of_one(version: str) -> None:
    single = typical_statement()
    assert validate_statements(single, version) == [single]


def test_a_batch_is_returned_as_it_came(version: str) -> None:
    batch = [typical_statement(), statement()]
    assert validate_statements(batch, version) is batch


def test_errors_in_a_batch_name_the_statement_by_index(version: str) -> None:
    batch = [statement(), statement(), statement(context={"registration": "nope"})]
    error = rejection(batch, version)
    assert error.path == "$[2].context.registration"
    assert str(error).startswith("$[2].context.registration: ")


def test_an_empty_batch_is_rejected(version: str) -> None:
    error = rejection([], version)
    assert (error.path, error.message) == (
        "$",
        "an array of Statements must hold at least one Statement",
    )


def test_a_batch_repeating_an_id_is_rejected(version: str) -> None:
    # 1.0.3 Communication §2.1.2.s2.b6: SHOULD* reject, and this LRS does.
    batch = [statement(id=STATEMENT_ID), statement(), statement(id=STATEMENT_ID.upper())]
    error = rejection(batch, version)
    assert (error.path, error.message) == ("$[2].id", "repeats the id of $[0] in this batch")


@pytest.mark.parametrize("payload", ["[]", 42, None, [[]]])
def test_a_payload_is_a_statement_or_an_array_of_them(payload: object, version: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_statements(payload, version)
    assert caught.value.path in ("$", "$[0]")
