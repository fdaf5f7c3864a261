"""Activities, Activity Definitions and interaction activities (both versions)."""

from __future__ import annotations

from typing import Any

import pytest

from lrs.spec import validate_activity
from tests.lrs.spec.helpers import assert_rejected_at, assert_valid, statement

ID = "http://example.com/activities/question-1"
CMI = "http://adlnet.gov/expapi/activities/cmi.interaction"


def with_definition(**definition: Any) -> dict[str, Any]:
    return statement(object={"id": ID, "definition": definition})


def components(*ids: str) -> list[dict[str, Any]]:
    return [{"id": component_id, "description": {"en-US": component_id}} for component_id in ids]


# One definition per interaction type, as in 1.0.3 Data Appendix C.
INTERACTIONS: dict[str, dict[str, Any]] = {
    "true-false": {"correctResponsesPattern": ["true"]},
    "choice": {
        "correctResponsesPattern": ["golf[,]tetris"],
        "choices": components("golf", "facebook", "tetris"),
    },
    "fill-in": {"correctResponsesPattern": ["{case_matters=false}Bob's your uncle"]},
    "long-fill-in": {"correctResponsesPattern": ["{lang=en}To store learning experiences."]},
    "matching": {
        "correctResponsesPattern": ["ben[.]3[,]chris[.]2"],
        "source": components("ben", "chris"),
        "target": components("2", "3"),
    },
    "performance": {
        "correctResponsesPattern": ["pong[.]1[:][,]dg[.][:]10[,]lunch[.]"],
        "steps": components("pong", "dg", "lunch"),
    },
    "sequencing": {
        "correctResponsesPattern": ["tim[,]mike[,]ells"],
        "choices": components("tim", "mike", "ells"),
    },
    "likert": {
        "correctResponsesPattern": ["likert_3"],
        "scale": components("likert_0", "likert_3"),
    },
    "numeric": {"correctResponsesPattern": ["4[:]"]},
    "other": {"correctResponsesPattern": ["(35.937432,-86.868896)"]},
}


def interaction(interaction_type: str, **changes: Any) -> dict[str, Any]:
    definition = {"type": CMI, "interactionType": interaction_type}
    definition.update(INTERACTIONS[interaction_type])
    definition.update(changes)
    return with_definition(**definition)


# --- Activities -------------------------------------------------------------------------------


def test_an_activity_needs_only_an_iri_id(version: str) -> None:
    validate_activity({"id": ID}, version)
    validate_activity({"objectType": "Activity", "id": ID}, version)


def test_an_object_without_object_type_is_an_activity(version: str) -> None:
    assert_valid(statement(object={"id": ID}), version)
    assert_rejected_at(statement(object={"name": "x"}), version, "$.object.name", "an Activity")


@pytest.mark.parametrize(
    ("activity", "path"),
    [
        ({"objectType": "Activity"}, "$.object.id"),
        ({"id": "ab=c://should.fail.com"}, "$.object.id"),
        ({"id": "question-1"}, "$.object.id"),
        ({"id": ID, "definition": "a question"}, "$.object.definition"),
        ({"id": ID, "objectType": "activity"}, "$.object.objectType"),
        ({"id": ID, "name": {"en": "x"}}, "$.object.name"),
    ],
)
def test_a_malformed_activity_is_rejected(
    activity: dict[str, Any], path: str, version: str
) -> None:
    assert_rejected_at(statement(object=activity), version, path)


def test_a_definition_may_be_empty_or_hold_any_of_its_properties(version: str) -> None:
    assert_valid(with_definition(), version)
    assert_valid(
        with_definition(
            name={"en-US": "Question 1"},
            description={"en-US": "The first question"},
            type=CMI,
            moreInfo="https://example.com/questions/1",
            extensions={"http://example.com/ext": {"any": ["json", None]}},
        ),
        version,
    )


@pytest.mark.parametrize(
    ("definition", "path"),
    [
        ({"name": "Question 1"}, "$.object.definition.name"),
        ({"description": 12345}, "$.object.definition.description"),
        ({"name": {"a12345": "x"}}, "$.object.definition.name.a12345"),
        ({"type": "should error"}, "$.object.definition.type"),
        ({"moreInfo": "should error"}, "$.object.definition.moreInfo"),
        ({"moreInfo": None}, "$.object.definition.moreInfo"),
        ({"extensions": "should fail"}, "$.object.definition.extensions"),
        ({"extensions": {"id": 1}}, "$.object.definition.extensions.id"),
        ({"Name": {"en": "x"}}, "$.object.definition.Name"),
        ({"interactiontype": "choice"}, "$.object.definition.interactiontype"),
    ],
)
def test_each_definition_property_has_its_type(
    definition: dict[str, Any], path: str, version: str
) -> None:
    assert_rejected_at(with_definition(**definition), version, path)


# --- Interaction activities --------------------------------------------------------------------


@pytest.mark.parametrize("interaction_type", INTERACTIONS)
def test_each_interaction_type_is_accepted_with_its_component_lists(
    interaction_type: str, version: str
) -> None:
    assert_valid(interaction(interaction_type), version)


@pytest.mark.parametrize(
    "interaction_type",
    ["true-faLse", "choiCe", "Other", "multiple-choice", "http://example.com/choice", ""],
)
def test_the_interaction_type_is_one_of_ten_exact_values(
    interaction_type: str, version: str
) -> None:
    bad = with_definition(interactionType=interaction_type)
    assert_rejected_at(bad, version, "$.object.definition.interactionType", "must be one of")


@pytest.mark.parametrize("value", [12345, {"key": "value"}, None, ["choice"]])
def test_the_interaction_type_is_a_string(value: object, version: str) -> None:
    bad = with_definition(interactionType=value)
    assert_rejected_at(bad, version, "$.object.definition.interactionType", "string")


@pytest.mark.parametrize("interaction_type", INTERACTIONS)
def test_interaction_properties_need_an_interaction_type(
    interaction_type: str, version: str
) -> None:
    # The conformance suite's XAPI-00064: correctResponsesPattern or a component list without
    # an interactionType is rejected.
    definition = dict(INTERACTIONS[interaction_type])
    first = next(iter(definition))
    assert_rejected_at(
        with_definition(**definition),
        version,
        f"$.object.definition.{first}",
        "interactionType",
    )


@pytest.mark.parametrize(
    ("interaction_type", "component_list"),
    [
        ("true-false", "choices"),
        ("choice", "scale"),
        ("likert", "choices"),
        ("matching", "steps"),
        ("performance", "source"),
        ("numeric", "target"),
        ("fill-in", "choices"),
    ],
)
def test_component_lists_belong_to_their_interaction_types(
    interaction_type: str, component_list: str, version: str
) -> None:
    bad = interaction(interaction_type, **{component_list: components("a")})
    assert_rejected_at(bad, version, f"$.object.definition.{component_list}", "is not used by")


def test_component_ids_within_a_list_are_distinct(version: str) -> None:
    # 1.0.3 Data §2.4.4.1.s16.b1.
    bad = interaction("choice", choices=components("golf", "tetris", "golf"))
    assert_rejected_at(bad, version, "$.object.definition.choices[2].id", "already")
    assert_valid(interaction("matching", source=components("a"), target=components("a")), version)


@pytest.mark.parametrize(
    ("component", "path"),
    [
        ({"description": {"en-US": "no id"}}, "$.object.definition.choices[0].id"),
        ({"id": ""}, "$.object.definition.choices[0].id"),
        ({"id": 1}, "$.object.definition.choices[0].id"),
        ({"id": "a", "description": "text"}, "$.object.definition.choices[0].description"),
        (
            {"id": "a", "description": {"a12345": "x"}},
            "$.object.definition.choices[0].description.a12345",
        ),
        ({"id": "a", "name": {"en": "x"}}, "$.object.definition.choices[0].name"),
        ("a", "$.object.definition.choices[0]"),
    ],
)
def test_an_interaction_component_has_an_id_and_a_description(
    component: object, path: str, version: str
) -> None:
    assert_rejected_at(interaction("choice", choices=[component]), version, path)


def test_a_component_list_is_an_array(version: str) -> None:
    bad = interaction("choice", choices={"id": "golf"})
    assert_rejected_at(bad, version, "$.object.definition.choices")


def test_correct_responses_pattern_is_an_array_of_strings(version: str) -> None:
    path = "$.object.definition.correctResponsesPattern"
    assert_rejected_at(interaction("choice", correctResponsesPattern="golf"), version, path)
    assert_rejected_at(interaction("choice", correctResponsesPattern=[1]), version, f"{path}[0]")
    # 1.0.3 Data §2.4.4.1.s11: an empty array means no answer is correct.
    assert_valid(interaction("choice", correctResponsesPattern=[]), version)


@pytest.mark.parametrize(
    ("interaction_type", "pattern"),
    [
        ("true-false", "True"),
        ("true-false", "yes"),
        ("numeric", "four"),
        ("numeric", "1:5"),
        ("numeric", "1[:]2[:]3"),
        ("likert", "likert_0[,]likert_3"),
        ("matching", "ben[,]chris"),
        ("matching", "ben[.]"),
        ("performance", "pong[,]dg"),
        ("performance", "[.]1"),
    ],
)
def test_response_patterns_with_a_fixed_shape_are_checked(
    interaction_type: str, pattern: str, version: str
) -> None:
    bad = interaction(interaction_type, correctResponsesPattern=[pattern])
    assert_rejected_at(bad, version, "$.object.definition.correctResponsesPattern[0]")


@pytest.mark.parametrize(
    ("interaction_type", "pattern"),
    [
        ("numeric", "4"),
        ("numeric", "-1.5[:]2e3"),
        ("numeric", "[:]4"),
        ("performance", "{order_matters=false}pong[.]1:[,]lunch[.]"),
        ("choice", "{anything}"),
        ("fill-in", "a[,]b"),
        ("matching", ""),
    ],
)
def test_other_response_patterns_are_free_text(
    interaction_type: str, pattern: str, version: str
) -> None:
    assert_valid(interaction(interaction_type, correctResponsesPattern=[pattern]), version)


def test_activities_in_context_are_checked_too(version: str) -> None:
    bad = statement(context={"contextActivities": {"parent": [{"id": ID, "definition": []}]}})
    assert_rejected_at(bad, version, "$.context.contextActivities.parent[0].definition")
