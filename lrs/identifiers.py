"""Canonical keys for the things statements name: agents (by IFI), activities, verbs."""

from __future__ import annotations

import hashlib
import json
from typing import Any

IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")


def digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}\x1f{value}".encode()).hexdigest()


def ifi_of(actor: dict[str, Any]) -> str | None:
    """The actor's Inverse Functional Identifier as one string, or None (anonymous group)."""
    for name in IFI_PROPERTIES:
        if name in actor:
            value = actor[name]
            if name == "account":
                return f"account\x1f{value.get('homePage')}\x1f{value.get('name')}"
            if name == "mbox_sha1sum":
                return f"mbox_sha1sum\x1f{str(value).lower()}"
            return f"{name}\x1f{value}"
    return None


def agent_key(actor: dict[str, Any]) -> str | None:
    ifi = ifi_of(actor)
    return digest("agent", ifi) if ifi else None


def activity_key(activity_id: str) -> str:
    return digest("activity", activity_id)


def verb_key(verb_id: str) -> str:
    return digest("verb", verb_id)


def registration_key(registration: str) -> str:
    return digest("registration", registration.lower())


def dumps(value: Any) -> str:
    """JSON as the LRS writes it: compact, keys in the order given."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
