"""Where xAPI 1.0.3 and xAPI 2.0.0 differ: context agents and groups, version, timestamps."""

from __future__ import annotations

from typing import Any

import pytest

from tests.lrs.spec.helpers import assert_rejected_at, assert_valid, statement, substatement

PLAYER = {"objectType": "Agent", "mbox": "mailto:player-1@example.com"}
TEAM = {
    "objectType": "Group",
    "mbox": "mailto:team-1@example.com",
    "member": [PLAYER, {"mbox": "mailto:player-2@example.com"}],
}
QUARTERBACK = "https://example.com/xapi/activity-types/position/quarterback"
CONTEXT_AGENT = {"objectType": "contextAgent", "agent": PLAYER, "relevantTypes": [QUARTERBACK]}
CONTEXT_GROUP = {"objectType": "contextGroup", "group": TEAM, "relevantTypes": [QUARTERBACK]}


def with_context(**context: Any) -> dict[str, Any]:
    return statement(context=context)


# --- contextAgents and contextGroups (new in 2.0) ---------------------------------------------


def test_context_agents_and_groups_are_accepted_in_2_0() -> None:
    # xAPI 2.0 §4.2.2.5 Context Agents and Context Groups Tables.
    assert_valid(
        with_context(contextAgents=[CONTEXT_AGENT], contextGroups=[CONTEXT_GROUP]), "2.0.0"
    )
    inner = substatement(context={"contextAgents": [CONTEXT_AGENT]})
    assert_valid(statement(object=inner), "2.0.0")


def test_relevant_types_are_optional_and_an_anonymous_group_may_be_a_context_group() -> None:
    anonymous = {"objectType": "Group", "member": [PLAYER]}
    assert_valid(
        with_context(
            contextAgents=[{"objectType": "contextAgent", "agent": {"mbox_sha1sum": "a" * 40}}],
            contextGroups=[{"objectType": "contextGroup", "group": anonymous}],
        ),
        "2.0.0",
    )
    assert_valid(with_context(contextAgents=[], contextGroups=[]), "2.0.0")


@pytest.mark.parametrize("name", ["contextAgents", "contextGroups"])
def test_context_agents_and_groups_are_not_properties_of_1_0_3(name: str) -> None:
    item = CONTEXT_AGENT if name == "contextAgents" else CONTEXT_GROUP
    bad = with_context(**{name: [item]})
    assert_rejected_at(bad, "1.0.3", f"$.context.{name}", "new in xAPI 2.0")


@pytest.mark.parametrize(
    ("entry", "path"),
    [
        ({**CONTEXT_AGENT, "objectType": "Should fail"}, "[0].objectType"),
        ({k: v for k, v in CONTEXT_AGENT.items() if k != "objectType"}, "[0].objectType"),
        ({"objectType": "contextAgent"}, "[0].agent"),
        ({**CONTEXT_AGENT, "agent": {"key": "Should fail"}}, "[0].agent.key"),
        ({**CONTEXT_AGENT, "agent": TEAM}, "[0].agent.objectType"),
        ({**CONTEXT_AGENT, "relevantTypes": []}, "[0].relevantTypes"),
        ({**CONTEXT_AGENT, "relevantTypes": ["abc"]}, "[0].relevantTypes[0]"),
        ({**CONTEXT_AGENT, "relevantTypes": QUARTERBACK}, "[0].relevantTypes"),
        ({**CONTEXT_AGENT, "group": TEAM}, "[0].group"),
        ("player-1", "[0]"),
    ],
)
def test_a_context_agent_is_an_object_type_an_agent_and_relevant_types(
    entry: object, path: str
) -> None:
    bad = with_context(contextAgents=[entry])
    assert_rejected_at(bad, "2.0.0", f"$.context.contextAgents{path}")


@pytest.mark.parametrize(
    ("entry", "path"),
    [
        ({**CONTEXT_GROUP, "objectType": "contextAgent"}, "[0].objectType"),
        ({"objectType": "contextGroup"}, "[0].group"),
        ({**CONTEXT_GROUP, "group": {"key": "Should fail"}}, "[0].group.objectType"),
        ({**CONTEXT_GROUP, "group": PLAYER}, "[0].group.objectType"),
        ({**CONTEXT_GROUP, "group": {"objectType": "Group"}}, "[0].group.member"),
        ({**CONTEXT_GROUP, "relevantTypes": []}, "[0].relevantTypes"),
        ({**CONTEXT_GROUP, "relevantTypes": [QUARTERBACK, "abc"]}, "[0].relevantTypes[1]"),
    ],
)
def test_a_context_group_is_an_object_type_a_group_and_relevant_types(
    entry: object, path: str
) -> None:
    bad = with_context(contextGroups=[entry])
    assert_rejected_at(bad, "2.0.0", f"$.context.contextGroups{path}")


@pytest.mark.parametrize("name", ["contextAgents", "contextGroups"])
def test_context_agents_and_groups_are_arrays(name: str) -> None:
    item = CONTEXT_AGENT if name == "contextAgents" else CONTEXT_GROUP
    assert_rejected_at(with_context(**{name: item}), "2.0.0", f"$.context.{name}", "array")


# --- The statement's version property ------------------------------------------------------------


@pytest.mark.parametrize("value", ["1.0", "1.0.0", "1.0.3", "1.0.9"])
def test_1_0_3_accepts_statements_of_any_1_0_x_version(value: str) -> None:
    # 1.0.3 Data §2.4.10.s3.b1.
    assert_valid(statement(version=value), "1.0.3")


@pytest.mark.parametrize("value", ["2.0.0", "1.1.0", "0.9.9", "1.0.x", "should fail", "", 1.0])
def test_1_0_3_rejects_any_other_version(value: object) -> None:
    # 1.0.3 Data §2.4.10.s3.b2.
    assert_rejected_at(statement(version=value), "1.0.3", "$.version", "1.0 or 1.0.x")


@pytest.mark.parametrize("value", ["2.0.0", "2.0", "2.0.1", "1.0", "1.0.0", "1.0.3", "1.0.9"])
def test_2_0_accepts_2_0_statements_and_the_1_0_x_statements_before_them(value: str) -> None:
    # xAPI 2.0 §4.2.4.3 and the suite's version.js; NOTES.md explains the 1.0.x case.
    assert_valid(statement(version=value), "2.0.0")


@pytest.mark.parametrize("value", ["2.1.0", "3.0.0", "1.1.0", "0.9.9", "should fail", 2])
def test_2_0_rejects_any_other_version(value: object) -> None:
    assert_rejected_at(statement(version=value), "2.0.0", "$.version")


# --- Timestamps: ISO 8601 in 1.0.3, RFC 3339 in 2.0 ----------------------------------------------


@pytest.mark.parametrize("name", ["timestamp", "stored"])
def test_a_timestamp_without_a_time_zone_is_accepted_only_by_1_0_3(name: str) -> None:
    local = statement(**{name: "2024-05-01T10:15:30.123"})
    assert_valid(local, "1.0.3")  # 1.0.3 Data §4.5.s1.b4: the time zone is SHOULD*
    assert_rejected_at(local, "2.0.0", f"$.{name}", "RFC 3339")


def test_a_substatement_timestamp_follows_the_same_rule() -> None:
    inner = substatement(timestamp="20240501T101530Z")
    assert_valid(statement(object=inner), "1.0.3")
    assert_rejected_at(statement(object=inner), "2.0.0", "$.object.timestamp")


def test_a_version_is_written_in_ascii_digits(version: str) -> None:
    assert_rejected_at(statement(version="1.0.٣"), version, "$.version")
