"""Agents, Groups, their identifiers (IFIs) and accounts; the Statement's authority."""

from __future__ import annotations

from typing import Any

from lrs.spec.datatypes import validate_irl, validate_mailto, validate_sha1, validate_uri
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

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_KEYS = frozenset(("objectType", "name", *IFIS))
GROUP_KEYS = AGENT_KEYS | {"member"}
ACCOUNT_KEYS = frozenset(("homePage", "name"))


def validate_agent(obj: object, version: str, path: str = "$") -> None:
    """An Agent: objectType "Agent" if present, an optional name, exactly one IFI."""
    # 1.0.3 Data §2.4.2.1; xAPI 2.0 §4.2.2.1 (Actor as Agent Table).
    agent = expect_object(obj, path, "an Agent object")
    if "objectType" in agent and agent["objectType"] != "Agent":
        raise ValidationError(
            key_path(path, "objectType"), f"must be 'Agent', not {shown(agent['objectType'])}"
        )
    if "member" in agent:
        raise ValidationError(
            key_path(path, "member"), "is a property of Groups; a Group needs objectType 'Group'"
        )
    check_keys(agent, AGENT_KEYS, path, "an Agent")
    _validate_name(agent, path)
    # 1.0.3 Data §2.4.2.1.s2.b1/b2: identified by exactly one Inverse Functional Identifier.
    if _validate_ifis(agent, path, "an Agent") == 0:
        raise ValidationError(
            path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid or account"
        )


def validate_group(obj: object, version: str, path: str = "$") -> None:
    """A Group: objectType "Group"; identified by one IFI, or anonymous with a member list."""
    # 1.0.3 Data §2.4.2.2; xAPI 2.0 §4.2.2.1 (Anonymous and Identified Group Tables).
    group = expect_object(obj, path, "a Group object")
    if group.get("objectType") != "Group":
        raise ValidationError(key_path(path, "objectType"), "a Group must have objectType 'Group'")
    check_keys(group, GROUP_KEYS, path, "a Group")
    _validate_name(group, path)
    identified = _validate_ifis(group, path, "a Group") == 1
    if "member" in group:
        members = expect_array(group["member"], key_path(path, "member"), "an array of Agents")
        for index, member in enumerate(members):
            member_path = f"{path}.member[{index}]"
            # 1.0.3 Data §2.4.2.2.s4.b2, §2.4.2.2.s5.b2: Groups never contain Groups.
            if isinstance(member, dict) and member.get("objectType") == "Group":
                raise ValidationError(
                    key_path(member_path, "objectType"), "a Group's members must be Agents"
                )
            validate_agent(member, version, member_path)
        if not identified and not members:
            raise ValidationError(
                key_path(path, "member"), "an anonymous Group must list at least one Agent"
            )
    elif not identified:
        # 1.0.3 Data §2.4.2.2.s4.b1: an Anonymous Group MUST include a "member" property.
        raise ValidationError(
            key_path(path, "member"),
            "is required in a Group without an identifier (an anonymous Group)",
        )


def validate_actor(obj: object, version: str, path: str = "$") -> None:
    """An Agent (objectType absent or "Agent") or a Group (objectType "Group")."""
    # 1.0.3 Data §2.4.2.s1: "The Actor of a Statement can be an Agent or a Group."
    actor = expect_object(obj, path, "an Agent or Group object")
    object_type = actor.get("objectType", "Agent")
    if object_type == "Agent":
        validate_agent(actor, version, path)
    elif object_type == "Group":
        validate_group(actor, version, path)
    else:
        raise ValidationError(
            key_path(path, "objectType"), f"must be 'Agent' or 'Group', not {shown(object_type)}"
        )


def validate_authority(obj: object, version: str, path: str = "$") -> None:
    """An Agent, or for OAuth an anonymous Group of exactly two Agents (application and user)."""
    # 1.0.3 Data §2.4.9.s3.b1, §2.4.9.s8 example; xAPI 2.0 §4.2.4.2 Authority.
    validate_actor(obj, version, path)
    authority = expect_object(obj, path)
    if authority.get("objectType") != "Group":
        return
    for ifi in IFIS:
        if ifi in authority:
            raise ValidationError(
                key_path(path, ifi),
                "an authority Group is the anonymous pairing of an OAuth application and user; "
                "it has no identifier",
            )
    if len(authority["member"]) != 2:
        raise ValidationError(
            key_path(path, "member"),
            f"an authority Group has exactly two Agents, not {len(authority['member'])}",
        )


def _validate_name(actor: dict[str, Any], path: str) -> None:
    if "name" in actor:
        expect_string(actor["name"], key_path(path, "name"))


def _validate_ifis(actor: dict[str, Any], path: str, what: str) -> int:
    """Check each IFI present; more than one is an error. Returns how many there are (0 or 1)."""
    present = [ifi for ifi in IFIS if ifi in actor]
    if len(present) > 1:
        raise ValidationError(
            key_path(path, present[1]),
            f"{what} has exactly one inverse functional identifier, not both "
            f"{present[0]!r} and {present[1]!r}",
        )
    if not present:
        return 0
    ifi = present[0]
    value = actor[ifi]
    ifi_path = key_path(path, ifi)
    if ifi == "mbox":
        validate_mailto(value, ifi_path)
    elif ifi == "mbox_sha1sum":
        validate_sha1(value, ifi_path)
    elif ifi == "openid":
        validate_uri(value, ifi_path)  # 1.0.3 Data §2.4.2.3 table row 3: openid is a URI
    else:
        validate_account(value, ifi_path)
    return 1


def validate_account(obj: object, path: str) -> None:
    """An account: homePage (an IRL) and name (the login on that system), both required."""
    # 1.0.3 Data §2.4.2.4.s2; xAPI 2.0 §4.2.2.1 Account Table.
    account = expect_object(obj, path, "an account object")
    check_keys(account, ACCOUNT_KEYS, path, "an account")
    validate_irl(require(account, "homePage", path, "an account"), key_path(path, "homePage"))
    expect_nonempty_string(
        require(account, "name", path, "an account"),
        key_path(path, "name"),
        "a non-empty string (the account's login)",
    )
