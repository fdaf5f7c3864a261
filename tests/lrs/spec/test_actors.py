"""Agents, Groups, inverse functional identifiers, accounts, and the authority (both versions)."""

from __future__ import annotations

from typing import Any

import pytest

from lrs.spec import ValidationError, validate_actor, validate_agent, validate_authority
from tests.lrs.spec.helpers import assert_rejected_at, assert_valid, statement

MBOX = "mailto:ann@example.com"
SHA1 = "cd9b00a5611f94eaa7b1661edab976068e364975"
OPENID = "http://openid.example.org/ann"
ACCOUNT = {"homePage": "https://lms.example.com", "name": "ann-1234"}
IFI_VALUES: dict[str, Any] = {
    "mbox": MBOX,
    "mbox_sha1sum": SHA1,
    "openid": OPENID,
    "account": ACCOUNT,
}
AGENT_B = {"mbox": "mailto:bob@example.com"}


def rejected(obj: object, version: str, validate: Any = validate_actor) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate(obj, version, "$.actor")
    return caught.value


# --- Agents ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ifi", IFI_VALUES)
def test_an_agent_is_identified_by_any_one_ifi(ifi: str, version: str) -> None:
    validate_agent({ifi: IFI_VALUES[ifi]}, version)
    validate_agent({"objectType": "Agent", "name": "Ann", ifi: IFI_VALUES[ifi]}, version)


def test_an_agent_without_an_ifi_is_rejected(version: str) -> None:
    error = rejected({"objectType": "Agent", "name": "Ann"}, version)
    assert error.path == "$.actor"
    assert "exactly one of mbox, mbox_sha1sum, openid or account" in error.message


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("mbox", "mbox_sha1sum"),
        ("mbox", "openid"),
        ("mbox", "account"),
        ("mbox_sha1sum", "openid"),
        ("mbox_sha1sum", "account"),
        ("openid", "account"),
    ],
)
def test_an_agent_with_two_ifis_is_rejected(first: str, second: str, version: str) -> None:
    # 1.0.3 Data §2.4.2.1.s2.b2: an Agent MUST NOT include more than one IFI.
    agent = {first: IFI_VALUES[first], second: IFI_VALUES[second]}
    error = rejected(agent, version)
    assert error.path == f"$.actor.{second}"
    assert "exactly one inverse functional identifier" in error.message


@pytest.mark.parametrize("object_type", ["agent", "AGENT", "Person", 123, None, {"k": "v"}])
def test_an_actor_object_type_is_exactly_agent_or_group(object_type: object, version: str) -> None:
    error = rejected({"objectType": object_type, "mbox": MBOX}, version)
    assert error.path == "$.actor.objectType"


def test_an_agent_name_is_a_string(version: str) -> None:
    for name in (123, {"first": "Ann"}, None):
        assert rejected({"name": name, "mbox": MBOX}, version).path == "$.actor.name"


def test_an_agent_with_an_unknown_property_is_rejected(version: str) -> None:
    error = rejected({"mbox": MBOX, "email": "ann@example.com"}, version)
    assert (error.path, error.message) == ("$.actor.email", "is not a property of an Agent")


def test_property_names_are_case_sensitive(version: str) -> None:
    error = rejected({"Mbox": MBOX}, version)
    assert error.path == "$.actor.Mbox"
    assert "case sensitive: 'mbox'" in error.message


def test_validate_agent_refuses_a_group(version: str) -> None:
    group = {"objectType": "Group", "mbox": MBOX}
    error = rejected(group, version, validate_agent)
    assert error.path == "$.actor.objectType"


# --- IFI formats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mbox",
    [
        "ann@example.com",
        "http://should.fail.com",
        "mailto:should.fail.com",
        "mailto:",
        "MAILTO:ann@example.com",
        "mailto:ann@example.com?subject=hi",
        "mailto:ann @example.com",
        "",
        123,
    ],
)
def test_mbox_is_mailto_and_an_email_address(mbox: object, version: str) -> None:
    assert rejected({"mbox": mbox}, version).path == "$.actor.mbox"


@pytest.mark.parametrize("mbox", ["mailto:ann.lee+lms@example.co.uk", "mailto:jörg@bücher.de"])
def test_internationalised_and_tagged_addresses_are_mailto_iris(mbox: str, version: str) -> None:
    validate_agent({"mbox": mbox}, version)


@pytest.mark.parametrize("sha1", ["", "xyz", SHA1[:-1], SHA1 + "0", "g" * 40, {"k": "v"}, 1])
def test_mbox_sha1sum_is_40_hex_digits(sha1: object, version: str) -> None:
    assert rejected({"mbox_sha1sum": sha1}, version).path == "$.actor.mbox_sha1sum"


def test_mbox_sha1sum_hex_may_be_uppercase(version: str) -> None:
    validate_agent({"mbox_sha1sum": SHA1.upper()}, version)


@pytest.mark.parametrize("openid", ["ab=c://should.fail.com", "openid.example.org/ann", "", 7])
def test_openid_is_an_absolute_uri(openid: object, version: str) -> None:
    assert rejected({"openid": openid}, version).path == "$.actor.openid"


def test_openid_is_a_uri_so_ascii(version: str) -> None:
    # 1.0.3 Data §2.4.2.3 table row 3: openid is a URI, not an IRI.
    assert rejected({"openid": "http://例え.jp/ann"}, version).path == "$.actor.openid"


# --- Accounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "path"),
    [
        ({"name": "ann"}, "$.actor.account.homePage"),
        ({"homePage": "https://lms.example.com"}, "$.actor.account.name"),
        ({"homePage": "ab=c://should.fail.com", "name": "ann"}, "$.actor.account.homePage"),
        ({"homePage": "lms.example.com", "name": "ann"}, "$.actor.account.homePage"),
        ({"homePage": "https://lms.example.com", "name": {"k": "v"}}, "$.actor.account.name"),
        ({"homePage": "https://lms.example.com", "name": ""}, "$.actor.account.name"),
        ({**ACCOUNT, "id": "1"}, "$.actor.account.id"),
        ("ann@lms", "$.actor.account"),
    ],
)
def test_an_account_has_a_home_page_irl_and_a_name(
    account: object, path: str, version: str
) -> None:
    assert rejected({"account": account}, version).path == path


# --- Groups ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ifi", IFI_VALUES)
def test_an_identified_group_has_one_ifi_and_may_list_members(ifi: str, version: str) -> None:
    validate_actor({"objectType": "Group", ifi: IFI_VALUES[ifi]}, version)
    validate_actor({"objectType": "Group", ifi: IFI_VALUES[ifi], "member": []}, version)
    validate_actor({"objectType": "Group", ifi: IFI_VALUES[ifi], "member": [AGENT_B]}, version)


def test_a_group_with_two_ifis_is_rejected(version: str) -> None:
    group = {"objectType": "Group", "mbox": MBOX, "openid": OPENID, "member": [AGENT_B]}
    error = rejected(group, version)
    assert error.path == "$.actor.openid"
    assert "a Group has exactly one inverse functional identifier" in error.message


def test_an_anonymous_group_lists_its_members(version: str) -> None:
    validate_actor({"objectType": "Group", "name": "Team", "member": [AGENT_B]}, version)


def test_an_anonymous_group_without_members_is_rejected(version: str) -> None:
    # 1.0.3 Data §2.4.2.2.s4.b1: an Anonymous Group MUST include a "member" property.
    error = rejected({"objectType": "Group", "name": "Team"}, version)
    assert error.path == "$.actor.member"


def test_an_anonymous_group_with_an_empty_member_list_is_rejected(version: str) -> None:
    error = rejected({"objectType": "Group", "member": []}, version)
    assert (error.path, error.message) == (
        "$.actor.member",
        "an anonymous Group must list at least one Agent",
    )


@pytest.mark.parametrize("ifi", [None, "mbox"])
def test_a_group_cannot_contain_a_group(ifi: str | None, version: str) -> None:
    # 1.0.3 Data §2.4.2.2.s4.b2 and §2.4.2.2.s5.b2.
    inner = {"objectType": "Group", "mbox": "mailto:inner@example.com"}
    group: dict[str, Any] = {"objectType": "Group", "member": [AGENT_B, inner]}
    if ifi:
        group[ifi] = MBOX
    error = rejected(group, version)
    assert (error.path, error.message) == (
        "$.actor.member[1].objectType",
        "a Group's members must be Agents",
    )


def test_each_member_is_a_valid_agent(version: str) -> None:
    group = {"objectType": "Group", "member": [AGENT_B, {"name": "No IFI"}]}
    assert rejected(group, version).path == "$.actor.member[1]"


@pytest.mark.parametrize("member", [{"mbox": MBOX}, "mailto:ann@example.com", None])
def test_member_is_an_array(member: object, version: str) -> None:
    assert rejected({"objectType": "Group", "member": member}, version).path == "$.actor.member"


def test_a_group_needs_its_object_type(version: str) -> None:
    error = rejected({"name": "Team", "member": [AGENT_B]}, version)
    assert error.path == "$.actor.member"
    assert "objectType 'Group'" in error.message


# --- Authority ------------------------------------------------------------------------------

OAUTH_PAIR = {
    "objectType": "Group",
    "member": [
        {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "oauth_x75db"}},
        {"mbox": "mailto:bob@example.com"},
    ],
}


def test_the_authority_is_an_agent(version: str) -> None:
    validate_authority({"mbox": MBOX}, version)


def test_the_authority_may_pair_an_oauth_application_and_user(version: str) -> None:
    # 1.0.3 Data §2.4.9.s3.b1: a Group with two Agents in 3-legged OAuth.
    validate_authority(OAUTH_PAIR, version)


@pytest.mark.parametrize("count", [1, 3])
def test_an_authority_group_has_exactly_two_agents(count: int, version: str) -> None:
    members = [{"mbox": f"mailto:m{index}@example.com"} for index in range(count)]
    error = rejected({"objectType": "Group", "member": members}, version, validate_authority)
    assert error.path == "$.actor.member"
    assert "exactly two Agents" in error.message


@pytest.mark.parametrize("ifi", IFI_VALUES)
def test_an_authority_group_is_anonymous(ifi: str, version: str) -> None:
    group = {**OAUTH_PAIR, ifi: IFI_VALUES[ifi]}
    error = rejected(group, version, validate_authority)
    assert error.path == f"$.actor.{ifi}"


def test_the_authority_is_checked_inside_a_statement(version: str) -> None:
    assert_valid(statement(authority=OAUTH_PAIR), version)
    bad = statement(authority={"objectType": "Group", "member": [AGENT_B]})
    assert_rejected_at(bad, version, "$.authority.member", "exactly two")


# --- Where actors appear in a statement -------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "path"),
    [
        ({"actor": {"name": "x"}}, "$.actor"),
        ({"context": {"instructor": {"name": "x"}}}, "$.context.instructor"),
        ({"object": {"objectType": "Agent", "name": "x"}}, "$.object"),
    ],
)
def test_every_agent_in_a_statement_is_checked(
    place: dict[str, Any], path: str, version: str
) -> None:
    assert_rejected_at(statement(**place), version, path, "exactly one of")
