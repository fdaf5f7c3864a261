"""What the LRS knows of activities and people beyond single statements: the Activities
resource's canonical definitions and the Agents resource's Person objects."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from lrs.backend import schema
from lrs.identifiers import IFI_PROPERTIES, activity_key, agent_key


def definition_of(connection: Connection, activity_id: str) -> dict[str, Any] | None:
    """The canonical definition of the activity: the newest, language maps merged."""
    a = schema.activity
    row = connection.execute(
        select(a.c.definition).where(a.c.key == activity_key(activity_id))
    ).first()
    return json.loads(row.definition) if row is not None and row.definition else None


def activity(connection: Connection, activity_id: str) -> dict[str, Any]:
    """The Activity object for the id; with only its id when no statement defined it."""
    found: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    definition = definition_of(connection, activity_id)
    if definition:
        found["definition"] = definition
    return found


def person(connection: Connection, agent: dict[str, Any]) -> dict[str, Any]:
    """The Person object: every name statements gave this IFI, and the IFI itself
    (xAPI 1.0.3 Communication §2.4)."""
    g = schema.agent
    row = connection.execute(select(g.c.agent).where(g.c.key == agent_key(agent))).first()
    known: dict[str, Any] = json.loads(row.agent) if row else agent
    names = known.get("name")
    if isinstance(names, str):
        names = [names]
    result: dict[str, Any] = {"objectType": "Person"}
    if names:
        result["name"] = names
    for ifi in IFI_PROPERTIES:
        if ifi in known:
            result[ifi] = [known[ifi]]
    return result
