"""The three formats of returned statements (xAPI Communication §2.1.3): exact, ids, canonical."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Connection

from lrs.identifiers import IFI_PROPERTIES
from lrs.ops.definitions import definition_of

LANGUAGE_MAPS = ("name", "description")
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def _ids_actor(actor: dict[str, Any]) -> dict[str, Any]:
    reduced = {k: v for k, v in actor.items() if k in IFI_PROPERTIES or k == "objectType"}
    if "member" in actor and not any(k in actor for k in IFI_PROPERTIES):
        reduced["member"] = [_ids_actor(m) for m in actor["member"]]
    return reduced


def _walk(
    statement: dict[str, Any], actor: Callable, activity: Callable, verb: Callable
) -> dict[str, Any]:
    out = dict(statement)
    if isinstance(out.get("actor"), dict):
        out["actor"] = actor(out["actor"])
    if isinstance(out.get("verb"), dict):
        out["verb"] = verb(out["verb"])
    if isinstance(out.get("authority"), dict):
        out["authority"] = actor(out["authority"])
    obj = out.get("object")
    if isinstance(obj, dict):
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            out["object"] = activity(obj)
        elif kind in ("Agent", "Group"):
            out["object"] = actor(obj)
        elif kind == "SubStatement":
            out["object"] = _walk(obj, actor, activity, verb)
    context = out.get("context")
    if isinstance(context, dict):
        context = dict(context)
        for role in ("instructor", "team"):
            if isinstance(context.get(role), dict):
                context[role] = actor(context[role])
        activities = context.get("contextActivities")
        if isinstance(activities, dict):
            context["contextActivities"] = {
                kind: [activity(a) for a in found] if isinstance(found, list) else activity(found)
                for kind, found in activities.items()
            }
        for name, inner in (("contextAgents", "agent"), ("contextGroups", "group")):
            if isinstance(context.get(name), list):
                context[name] = [
                    {**entry, inner: actor(entry[inner])} if inner in entry else entry
                    for entry in context[name]
                ]
        out["context"] = context
    return out


def as_ids(statement: dict[str, Any]) -> dict[str, Any]:
    return _walk(
        statement,
        _ids_actor,
        lambda a: {"id": a["id"]},
        lambda v: {"id": v["id"]},
    )


def parse_accept_language(header: str | None) -> list[str]:
    """Language ranges, best first (RFC 7231 §5.3.5)."""
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        if not tag:
            continue
        quality = 1.0
        for parameter in pieces[1:]:
            name, _, value = parameter.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranges.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranges)]


def pick_language(language_map: dict[str, str], preferred: list[str]) -> dict[str, str]:
    """One entry of the map: the best match for the client's languages, else the first."""
    if not language_map:
        return language_map
    lowered = {tag.lower(): tag for tag in language_map}
    for wanted in preferred:
        if wanted == "*":
            break
        for tag_lower, tag in lowered.items():
            if tag_lower == wanted or tag_lower.startswith(wanted + "-"):
                return {tag: language_map[tag]}
    first = next(iter(language_map))
    return {first: language_map[first]}


def _filter_definition(definition: dict[str, Any], preferred: list[str]) -> dict[str, Any]:
    out = dict(definition)
    for name in LANGUAGE_MAPS:
        if isinstance(out.get(name), dict):
            out[name] = pick_language(out[name], preferred)
    for name in COMPONENT_LISTS:
        if isinstance(out.get(name), list):
            out[name] = [
                {**c, "description": pick_language(c["description"], preferred)}
                if isinstance(c.get("description"), dict)
                else c
                for c in out[name]
            ]
    return out


class Canonical:
    """Activities with their canonical definition, language maps cut to one language."""

    def __init__(self, connection: Connection, accept_language: str | None) -> None:
        self.connection = connection
        self.preferred = parse_accept_language(accept_language)
        self.definitions: dict[str, dict[str, Any] | None] = {}

    def definition(self, activity_id: str) -> dict[str, Any] | None:
        if activity_id not in self.definitions:
            self.definitions[activity_id] = definition_of(self.connection, activity_id)
        return self.definitions[activity_id]

    def activity(self, activity: dict[str, Any]) -> dict[str, Any]:
        out = dict(activity)
        definition = self.definition(activity["id"]) or activity.get("definition")
        if definition:
            out["definition"] = _filter_definition(definition, self.preferred)
        return out

    def verb(self, verb: dict[str, Any]) -> dict[str, Any]:
        if isinstance(verb.get("display"), dict):
            return {**verb, "display": pick_language(verb["display"], self.preferred)}
        return verb

    def statement(self, statement: dict[str, Any]) -> dict[str, Any]:
        return _walk(statement, lambda a: a, self.activity, self.verb)
