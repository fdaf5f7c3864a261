"""The filter rows of a statement: which agent, activity, verb and registration queries match it.

Narrow rows answer the plain `agent` and `activity` filters; the other rows answer only
`related_agents=true` / `related_activities=true` (xAPI 1.0.3 Communication §2.1.3).
"""

from __future__ import annotations

import hashlib
from typing import Any

from lrs.identifiers import activity_key, agent_key, registration_key, verb_key

Row = tuple[str, str, bool]
CONTEXT_ACTIVITY_KINDS = ("parent", "grouping", "category", "other")
# One row per (agent, verb) pair a statement matches, narrow as its agent row is: the commonest
# combined filter (a person's completions, say) reads its own rows instead of walking every
# statement of the agent to find the few with the verb, which at millions of statements made
# its first page take hundreds of milliseconds on PostgreSQL.
AGENT_VERB = "agent_verb"


def pair_key(agent: str, verb: str) -> str:
    """The key of an (agent, verb) row, from the two keys of the agent's and the verb's rows."""
    return hashlib.sha256(f"{agent} {verb}".encode()).hexdigest()


def _actor_rows(actor: Any, narrow: bool) -> list[Row]:
    """The actor itself and, for a group, each member: a group matches its members' filter."""
    if not isinstance(actor, dict):
        return []
    rows: list[Row] = []
    key = agent_key(actor)
    if key:
        rows.append(("agent", key, narrow))
    for member in actor.get("member") or []:
        member_key = agent_key(member) if isinstance(member, dict) else None
        if member_key:
            rows.append(("agent", member_key, narrow))
    return rows


def _is_activity(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("objectType", "Activity") == "Activity"


def _is_actor(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("objectType") in ("Agent", "Group")


def _context_rows(context: Any) -> list[Row]:
    if not isinstance(context, dict):
        return []
    rows = _actor_rows(context.get("instructor"), False) + _actor_rows(context.get("team"), False)
    for entry in context.get("contextAgents") or []:
        rows += _actor_rows(entry.get("agent"), False)
    for entry in context.get("contextGroups") or []:
        rows += _actor_rows(entry.get("group"), False)
    activities = context.get("contextActivities") or {}
    for kind in CONTEXT_ACTIVITY_KINDS:
        found = activities.get(kind)
        for activity in found if isinstance(found, list) else [found] if found else []:
            rows.append(("activity", activity_key(activity["id"]), False))
    return rows


def _body_rows(statement: dict[str, Any], narrow: bool) -> list[Row]:
    """Actor, object and context of a statement or of a SubStatement (all broad in the latter)."""
    rows = _actor_rows(statement.get("actor"), narrow)
    obj = statement.get("object")
    if _is_actor(obj):
        rows += _actor_rows(obj, narrow)
    elif _is_activity(obj):
        rows.append(("activity", activity_key(obj["id"]), narrow))
    elif isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        rows += _body_rows(obj, False)
    rows += _context_rows(statement.get("context"))
    return rows


def rows_for(statement: dict[str, Any]) -> set[Row]:
    rows = _body_rows(statement, True)
    rows += _actor_rows(statement.get("authority"), False)
    rows.append(("verb", verb_key(statement["verb"]["id"]), True))
    registration = (statement.get("context") or {}).get("registration")
    if registration:
        rows.append(("registration", registration_key(registration), True))
    return _with_broad_copies(rows)


def _with_broad_copies(rows: list[Row]) -> set[Row]:
    """A narrow match is a broad match too; keep one row per (kind, key), narrow if any is. The
    (agent, verb) rows are made again from the agent and verb rows kept."""
    best: dict[tuple[str, str], bool] = {}
    for kind, key, narrow in rows:
        if kind != AGENT_VERB:
            best[(kind, key)] = best.get((kind, key), False) or narrow
    verbs = [key for (kind, key) in best if kind == "verb"]
    pairs = {
        (AGENT_VERB, pair_key(key, verb), narrow)
        for (kind, key), narrow in best.items()
        if kind == "agent"
        for verb in verbs
    }
    return {(kind, key, narrow) for (kind, key), narrow in best.items()} | pairs


def merge(rows: set[Row], inherited: set[Row]) -> set[Row]:
    return _with_broad_copies([*rows, *inherited])
