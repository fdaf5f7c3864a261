"""Storing statements: ids, stored, authority and version filled in; voiding; immutability.

The caller has validated the statements (lrs.spec) and checked the credential's scope.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Connection

from lrs.backend import schema
from lrs.errors import BadRequest, Conflict, Forbidden
from lrs.identifiers import activity_key, agent_key, dumps, ifi_of
from lrs.ops import comparison, indexing
from lrs.ops.indexing import Row
from lrs.ops.shape import with_context_activity_arrays
from lrs.spec import ValidationError, parse_timestamp

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


@dataclass(frozen=True)
class Attachment:
    content_type: str
    content: bytes


@dataclass
class StoreResult:
    ids: list[str]
    # The sequence numbers of the statements newly stored (not those already held).
    stored_seqs: list[int] = field(default_factory=list)
    # The `stored` time of the newest of them.
    newest_stored: dt.datetime | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_last_stored = dt.datetime.min.replace(tzinfo=dt.UTC)
_stored_lock = threading.Lock()


def _stored_instants(count: int) -> dt.datetime:
    """The first of `count` instants a microsecond apart for the statements of one write, after
    every instant this process gave before: `stored` grows with `seq` even when two writes of
    one group take their time within the same microseconds, or the clock steps back. Between
    processes the write lock orders them (each takes its time after the one before committed)."""
    global _last_stored
    with _stored_lock:
        start = max(_now(), _last_stored + dt.timedelta(microseconds=1))
        _last_stored = start + dt.timedelta(microseconds=max(count - 1, 0))
        return start


def _format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _parse_time(value: str) -> dt.datetime:
    """The instant of a timestamp validation accepted, in the syntax of either version (a leap
    second, a lower-case z, ... which datetime.fromisoformat does not read)."""
    try:
        return parse_timestamp(value, "timestamp", "2.0.0")
    except ValidationError:
        return parse_timestamp(value, "timestamp", "1.0.3")


def _target_of(statement: dict[str, Any]) -> str | None:
    obj = statement.get("object") or {}
    if obj.get("objectType") == "StatementRef":
        return str(obj["id"]).lower()
    return None


def store(
    connection: Connection,
    statements: list[dict[str, Any]],
    *,
    authority: dict[str, Any],
    credential_id: int | None,
    version: str,
    attachments: dict[str, Attachment] | None = None,
    voids_only_own: bool = False,
) -> StoreResult:
    """Store the statements in one transaction (the caller's, which holds the write lock:
    lrs.backend.engine.take_write_lock), all or none. With
    `voids_only_own` (a credential limited to one agent) a voiding statement may target only a
    statement stored under the same credential."""
    now = _stored_instants(len(statements))
    ids: list[str] = []
    seen: set[str] = set()
    for statement in statements:
        if "id" in statement:
            statement_id = str(statement["id"]).lower()
            if statement_id in seen:
                raise BadRequest(f"The batch holds statement id {statement_id} twice.")
            seen.add(statement_id)
    existing = _existing(connection, seen)

    result = StoreResult(ids=ids)
    fresh: list[dict[str, Any]] = []
    for position, statement in enumerate(statements):
        statement_id = str(statement.get("id") or uuid.uuid4()).lower()
        ids.append(statement_id)
        if statement_id in existing:
            if not comparison.same_statement(statement, existing[statement_id]):
                raise Conflict(
                    f"Statement {statement_id} is already stored with different content."
                )
            continue
        # Each statement its own instant, so that `stored` orders a batch as `seq` does.
        moment = now + dt.timedelta(microseconds=position)
        fresh.append(_complete(statement, statement_id, moment, authority, version))
    if fresh:
        if _refers(connection, fresh):
            only_by = credential_id if voids_only_own else None
            result.stored_seqs = [_insert(connection, st, credential_id, only_by) for st in fresh]
        else:
            result.stored_seqs = _insert_plain(connection, fresh, credential_id)
        result.newest_stored = dt.datetime.fromisoformat(fresh[-1]["stored"])
    for sha2, attachment in (attachments or {}).items():
        _store_attachment(connection, sha2, attachment)
    return result


def not_yet_stored(
    connection: Connection, statements: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The statements the LRS does not hold yet (those without an id are new)."""
    held = _existing(connection, {str(s["id"]).lower() for s in statements if "id" in s})
    return [s for s in statements if "id" not in s or str(s["id"]).lower() not in held]


def _refers(connection: Connection, fresh: list[dict[str, Any]]) -> bool:
    """Whether a statement of the batch targets another, or a held one targets one of them:
    then voiding and filter inheritance need them stored one by one."""
    if any(_target_of(statement) for statement in fresh):
        return True
    s = schema.statement
    ids = [statement["id"] for statement in fresh]
    return (
        connection.execute(select(s.c.seq).where(s.c.target_id.in_(ids)).limit(1)).first()
        is not None
    )


def _row(stored: dict[str, Any], credential_id: int | None, **derived: Any) -> dict[str, Any]:
    registration = (stored.get("context") or {}).get("registration")
    return {
        "id": stored["id"],
        # The LRS wrote `stored` itself (`_format_time`): no other syntax to read.
        "stored": dt.datetime.fromisoformat(stored["stored"]),
        "timestamp": _parse_time(stored["timestamp"]),
        "verb_id": stored["verb"]["id"],
        "registration": registration.lower() if registration else None,
        "credential_id": credential_id,
        "version": stored["version"],
        "raw": dumps(stored),
        "target_id": None,
        "voided": False,
        "is_voiding": False,
        **derived,
    }


def _insert_plain(
    connection: Connection, fresh: list[dict[str, Any]], credential_id: int | None
) -> list[int]:
    """A batch that refers to no other statement, written with a few multi-row statements."""
    s = schema.statement
    seqs = list(
        connection.execute(
            insert(s).returning(s.c.seq, sort_by_parameter_order=True),
            [_row(stored, credential_id) for stored in fresh],
        ).scalars()
    )
    _write_rows_many(
        connection,
        [
            (seq, row)
            for seq, stored in zip(seqs, fresh, strict=True)
            for row in indexing.rows_for(stored)
        ],
    )
    _remember_activities(connection, fresh)
    _remember_agents(connection, fresh)
    return seqs


def _existing(connection: Connection, ids: set[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    rows = connection.execute(
        select(schema.statement.c.id, schema.statement.c.raw).where(schema.statement.c.id.in_(ids))
    )
    return {row.id: json.loads(row.raw) for row in rows}


def _complete(
    statement: dict[str, Any],
    statement_id: str,
    now: dt.datetime,
    authority: dict[str, Any],
    version: str,
) -> dict[str, Any]:
    """The statement with the properties the LRS sets (xAPI Data §2.4.1, §2.4.7–2.4.10)."""
    stored = with_context_activity_arrays(statement)
    stored["id"] = statement_id
    stored.setdefault("timestamp", _format_time(now))
    stored["stored"] = _format_time(now)
    stored["authority"] = authority
    stored.setdefault("version", "2.0.0" if version.startswith("2") else "1.0.0")
    return stored


def _insert(
    connection: Connection,
    stored: dict[str, Any],
    credential_id: int | None,
    voids_only_by: int | None = None,
) -> int:
    s = schema.statement
    target_id = _target_of(stored)
    is_voiding = stored["verb"]["id"] == VOIDED and target_id is not None
    if is_voiding:
        _void(connection, target_id, voids_only_by)
    seq = connection.execute(
        insert(s)
        .values(
            **_row(
                stored,
                credential_id,
                target_id=target_id,
                voided=not is_voiding and _is_voided_already(connection, stored["id"]),
                is_voiding=is_voiding,
            )
        )
        .returning(s.c.seq)
    ).scalar_one()

    rows = indexing.rows_for(stored)
    if target_id is not None:
        rows = indexing.merge(rows, _rows_of_statement(connection, target_id))
    _write_rows(connection, seq, rows)
    _pass_rows_to_targeting_statements(connection, stored["id"], rows)
    _remember_activities(connection, [stored])
    _remember_agents(connection, [stored])
    return seq


def _void(connection: Connection, target_id: str, only_by: int | None = None) -> None:
    """Mark the target voided. `only_by`: the credential that alone may void it (the target
    must be stored already, under that credential)."""
    s = schema.statement
    target = connection.execute(
        select(s.c.is_voiding, s.c.credential_id).where(s.c.id == target_id)
    ).first()
    if only_by is not None and (target is None or target.credential_id != only_by):
        raise Forbidden(
            f"object.id: this credential may void only statements it stored itself, "
            f"and {target_id} is not one of them."
        )
    if target is not None and target.is_voiding:
        raise BadRequest(f"Statement {target_id} is a voiding statement: it cannot be voided.")
    connection.execute(update(s).where(s.c.id == target_id).values(voided=True))


def _is_voided_already(connection: Connection, statement_id: str) -> bool:
    """A voiding statement may arrive before the statement it voids."""
    s = schema.statement
    found = connection.execute(
        select(s.c.seq).where(and_(s.c.target_id == statement_id, s.c.is_voiding.is_(True)))
    ).first()
    return found is not None


def _rows_of_statement(connection: Connection, statement_id: str) -> set[Row]:
    s, ix = schema.statement, schema.statement_index
    found = connection.execute(
        select(ix.c.kind, ix.c.key, ix.c.narrow)
        .join(s, s.c.seq == ix.c.seq)
        .where(s.c.id == statement_id)
    )
    return {(row.kind, row.key, row.narrow) for row in found}


def _write_rows(connection: Connection, seq: int, rows: Iterable[Row]) -> None:
    _write_rows_many(connection, [(seq, row) for row in rows])


def _write_rows_many(connection: Connection, rows: list[tuple[int, Row]]) -> None:
    """The filter rows in one executemany of the driver's: they are plain integers, strings
    and booleans, which need none of SQLAlchemy's per-row processing (a tenth of the time a
    batch took)."""
    if not rows:
        return
    sql, positional = _index_insert(connection.dialect)
    if positional:
        values: list[Any] = [(seq, k, key, n) for seq, (k, key, n) in rows]
    else:
        values = [{"seq": seq, "kind": k, "key": key, "narrow": n} for seq, (k, key, n) in rows]
    connection.exec_driver_sql(sql, values)


_INDEX_INSERTS: dict[str, tuple[str, bool]] = {}


def _index_insert(dialect: Any) -> tuple[str, bool]:
    """The driver's INSERT of one filter row (seq, kind, key, narrow), in its parameter style."""
    found = _INDEX_INSERTS.get(dialect.name)
    if found is None:
        compiled = insert(schema.statement_index).compile(
            dialect=dialect, column_keys=["seq", "kind", "key", "narrow"]
        )
        if compiled.positional:
            assert compiled.positiontup == ["seq", "kind", "key", "narrow"]
        found = _INDEX_INSERTS[dialect.name] = (str(compiled), compiled.positional)
    return found


def _pass_rows_to_targeting_statements(
    connection: Connection, statement_id: str, rows: set[Row]
) -> None:
    """Statements that already target this one now match what it matches, recursively."""
    s, ix = schema.statement, schema.statement_index
    pending, visited = [statement_id], {statement_id}
    while pending:
        target = pending.pop()
        for row in connection.execute(select(s.c.seq, s.c.id).where(s.c.target_id == target)):
            if row.id in visited:
                continue
            visited.add(row.id)
            have = {
                (r.kind, r.key, r.narrow)
                for r in connection.execute(
                    select(ix.c.kind, ix.c.key, ix.c.narrow).where(ix.c.seq == row.seq)
                )
            }
            merged = indexing.merge(have, rows)
            connection.execute(ix.delete().where(ix.c.seq == row.seq))
            _write_rows(connection, row.seq, merged)
            pending.append(row.id)


def _activities_in(statement: dict[str, Any]) -> Iterable[dict[str, Any]]:
    obj = statement.get("object") or {}
    if obj.get("objectType", "Activity") == "Activity" and "id" in obj:
        yield obj
    if obj.get("objectType") == "SubStatement":
        yield from _activities_in(obj)
    context_activities = (statement.get("context") or {}).get("contextActivities") or {}
    for kind in indexing.CONTEXT_ACTIVITY_KINDS:
        found = context_activities.get(kind)
        yield from found if isinstance(found, list) else [found] if found else []


def _remember_activities(connection: Connection, statements: list[dict[str, Any]]) -> None:
    """Keep each activity's canonical definition: the newest, language maps merged."""
    a = schema.activity
    seen: dict[str, tuple[str, dict[str, Any] | None]] = {}
    for statement in statements:
        for activity in _activities_in(statement):
            key = activity_key(activity["id"])
            held = seen.get(key, (activity["id"], None))[1]
            definition = activity.get("definition")
            merged = _merge_definition(held or {}, definition) if definition else held
            seen[key] = (activity["id"], merged)
    if not seen:
        return
    now = _now()
    current = {
        row.key: json.loads(row.definition) if row.definition else None
        for row in connection.execute(
            select(a.c.key, a.c.definition).where(a.c.key.in_(list(seen)))
        )
    }
    new_rows = [
        {
            "key": key,
            "activity_id": activity_id,
            "definition": dumps(definition) if definition else None,
            "updated": now,
        }
        for key, (activity_id, definition) in seen.items()
        if key not in current
    ]
    if new_rows:
        connection.execute(insert(a), new_rows)
    for key, (_, definition) in seen.items():
        if key in current and definition:
            merged = _merge_definition(current[key] or {}, definition)
            if merged != current[key]:
                connection.execute(
                    update(a).where(a.c.key == key).values(definition=dumps(merged), updated=now)
                )


def _merge_definition(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = dict(old)
    for name, value in new.items():
        if name in ("name", "description") and isinstance(value, dict):
            merged[name] = {**(old.get(name) or {}), **value}
        else:
            merged[name] = value
    return merged


def _agents_in(statement: dict[str, Any]) -> Iterable[dict[str, Any]]:
    candidates = [statement.get("actor")]
    obj = statement.get("object")
    if isinstance(obj, dict) and obj.get("objectType") in ("Agent", "Group"):
        candidates.append(obj)
    for actor in candidates:
        if isinstance(actor, dict):
            yield actor
            yield from actor.get("member") or []


def _remember_agents(connection: Connection, statements: list[dict[str, Any]]) -> None:
    """Names seen for each IFI, for the Agents resource's Person object."""
    g = schema.agent
    found: dict[str, tuple[str, dict[str, Any], list[str]]] = {}
    for statement in statements:
        for actor in _agents_in(statement):
            key, ifi = agent_key(actor), ifi_of(actor)
            if key is None or ifi is None:
                continue
            _, _, names = found.setdefault(key, (ifi, actor, []))
            name = actor.get("name")
            if name and name not in names:
                names.append(name)
    if not found:
        return
    now = _now()
    held_keys = set(connection.scalars(select(g.c.key).where(g.c.key.in_(list(found)))))
    # Only an agent held already and named now can have a name to add: read only those.
    named = [key for key in held_keys if found[key][2]]
    current = (
        {
            row.key: json.loads(row.agent)
            for row in connection.execute(select(g.c.key, g.c.agent).where(g.c.key.in_(named)))
        }
        if named
        else {}
    )
    new_rows = []
    for key, (ifi, actor, names) in found.items():
        if key not in held_keys:
            person = {
                k: v for k, v in actor.items() if k in ("mbox", "mbox_sha1sum", "openid", "account")
            }
            new_rows.append(
                {"key": key, "ifi": ifi, "agent": dumps({**person, "name": names}), "updated": now}
            )
            continue
        if key not in current:
            continue
        held = current[key].get("name", [])
        added = [name for name in names if name not in held]
        if added:
            record = {**current[key], "name": [*held, *added]}
            connection.execute(
                update(g).where(g.c.key == key).values(agent=dumps(record), updated=now)
            )
    if new_rows:
        connection.execute(insert(g), new_rows)


def _store_attachment(connection: Connection, sha2: str, attachment: Attachment) -> None:
    t = schema.attachment
    if connection.execute(select(t.c.sha2).where(t.c.sha2 == sha2)).first() is None:
        connection.execute(
            insert(t).values(
                sha2=sha2,
                content_type=attachment.content_type,
                length=len(attachment.content),
                content=attachment.content,
            )
        )
