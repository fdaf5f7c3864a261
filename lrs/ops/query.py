"""Reading statements: one by id, or a filtered page with a `more` position that stays right
while statements keep arriving (it remembers the newest sequence number of its first page)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.engine import Connection

from lrs.backend import schema
from lrs.errors import NotFound
from lrs.identifiers import activity_key, agent_key, registration_key, verb_key
from lrs.ops import indexing

MAX_PAGE = 500


@dataclass(frozen=True)
class StatementQuery:
    agent: dict[str, Any] | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 0
    ascending: bool = False
    # Only statements sent with this credential (scope statements/read/mine).
    credential_id: int | None = None
    # Paging: the last sequence number already returned, and the newest one the first page saw.
    after_seq: int | None = None
    through_seq: int | None = None
    # What the first page asked for besides filters (format, attachments), for its more links.
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatementPage:
    statements: list[dict[str, Any]]
    next_query: StatementQuery | None


def get_one(connection: Connection, statement_id: str, *, voided: bool) -> dict[str, Any]:
    """A statement by id; `voided` asks for one that has been voided (voidedStatementId)."""
    s = schema.statement
    row = connection.execute(
        select(s.c.raw, s.c.voided).where(s.c.id == statement_id.lower())
    ).first()
    if row is None or row.voided != voided:
        raise NotFound(f"No {'voided ' if voided else ''}statement with id {statement_id}.")
    return json.loads(row.raw)


def sent_with(connection: Connection, statement_id: str, credential_id: int) -> bool:
    s = schema.statement
    found = connection.execute(
        select(s.c.credential_id).where(s.c.id == statement_id.lower())
    ).first()
    return found is not None and found.credential_id == credential_id


def newest_stored(connection: Connection) -> dt.datetime | None:
    """The `stored` time of the newest statement committed, None if there is none. Every
    statement stored at or before it is visible from now on: writes take the write lock before
    they take their `stored` times, so one still uncommitted has later ones (the value of
    X-Experience-API-Consistent-Through)."""
    s = schema.statement
    return connection.execute(select(s.c.stored).order_by(s.c.seq.desc()).limit(1)).scalar()


def _filter(kind: str, key: str, narrow: bool) -> Any:
    ix = schema.statement_index.alias(f"ix_{kind}")
    condition = and_(ix.c.seq == schema.statement.c.seq, ix.c.kind == kind, ix.c.key == key)
    if narrow:
        condition = and_(condition, ix.c.narrow.is_(True))
    return exists().where(condition)


def newest_seq(connection: Connection) -> int:
    return connection.execute(
        select(func.coalesce(func.max(schema.statement.c.seq), 0))
    ).scalar_one()


def _index_filters(query: StatementQuery) -> list[tuple[str, str, bool]]:
    """(kind, key, narrow) for each filter served by the index, the most selective first."""
    filters = []
    if query.registration:
        filters.append(("registration", registration_key(query.registration), True))
    if query.agent is not None and query.verb:
        # Both in one row (indexing.AGENT_VERB): one index range holds exactly their matches.
        pair = indexing.pair_key(agent_key(query.agent) or "", verb_key(query.verb))
        filters.append((indexing.AGENT_VERB, pair, not query.related_agents))
    elif query.agent is not None:
        filters.append(("agent", agent_key(query.agent) or "", not query.related_agents))
    if query.activity:
        filters.append(("activity", activity_key(query.activity), not query.related_activities))
    if query.verb and query.agent is None:
        filters.append(("verb", verb_key(query.verb), True))
    return filters


def page(connection: Connection, query: StatementQuery) -> StatementPage:
    s, ix = schema.statement, schema.statement_index
    through = query.through_seq if query.through_seq is not None else newest_seq(connection)
    filters = _index_filters(query)
    # The most selective filter drives the query through its index, in stored order; the
    # others are checked on the rows it yields.
    order_column = ix.c.seq if filters else s.c.seq
    conditions = [s.c.voided.is_(False), order_column <= through]
    if filters:
        kind, key, narrow = filters[0]
        conditions += [ix.c.kind == kind, ix.c.key == key]
        if narrow:
            conditions.append(ix.c.narrow.is_(True))
    for kind, key, narrow in filters[1:]:
        conditions.append(_filter(kind, key, narrow))
    if query.since is not None:
        conditions.append(s.c.stored > query.since)
    if query.until is not None:
        conditions.append(s.c.stored <= query.until)
    if query.credential_id is not None:
        conditions.append(s.c.credential_id == query.credential_id)
    if query.after_seq is not None:
        conditions.append(
            order_column > query.after_seq if query.ascending else order_column < query.after_seq
        )

    size = min(query.limit or MAX_PAGE, MAX_PAGE)
    source = ix.join(s, s.c.seq == ix.c.seq) if filters else s
    statement_query = (
        select(s.c.seq, s.c.raw)
        .select_from(source)
        .where(and_(*conditions))
        .order_by(order_column.asc() if query.ascending else order_column.desc())
        .limit(size + 1)
    )
    rows = connection.execute(statement_query).all()
    statements = [json.loads(row.raw) for row in rows[:size]]
    next_query = None
    if len(rows) > size:
        next_query = replace(query, after_seq=rows[size - 1].seq, through_seq=through)
    return StatementPage(statements, next_query)


def stream(
    connection: Connection,
    after_seq: int,
    batch: int = 500,
    *,
    verbs: tuple[str, ...] | None = None,
    until_seq: int | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every statement stored after `after_seq` (and up to `until_seq`), in stored order, voided
    ones included, read in batches so that memory stays flat however many there are. With
    `verbs`, only statements with one of those verbs (the others are not read at all)."""
    s = schema.statement
    position = after_seq
    while True:
        query = select(s.c.seq, s.c.raw).where(s.c.seq > position)
        if until_seq is not None:
            query = query.where(s.c.seq <= until_seq)
        if verbs is not None:
            query = query.where(s.c.verb_id.in_(verbs))
        rows = connection.execute(query.order_by(s.c.seq).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield row.seq, json.loads(row.raw)
        position = rows[-1].seq


def about_activities(
    connection: Connection,
    activity_ids: list[str],
    verbs: tuple[str, ...],
    batch: int = 500,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every statement that is not voided, has one of `verbs` and has one of `activity_ids` as
    its object (the plain activity filter's rows), in stored order and in batches: read through
    the index, so the cost is that of these activities' statements, not of the whole store."""
    if not activity_ids:
        return
    s, ix = schema.statement, schema.statement_index
    keys = sorted({activity_key(activity_id) for activity_id in activity_ids})
    position = 0
    while True:
        rows = connection.execute(
            select(s.c.seq, s.c.raw)
            .select_from(ix.join(s, s.c.seq == ix.c.seq))
            .where(
                ix.c.kind == "activity",
                ix.c.key.in_(keys),
                ix.c.narrow.is_(True),
                ix.c.seq > position,
                s.c.voided.is_(False),
                s.c.verb_id.in_(verbs),
            )
            .order_by(ix.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield row.seq, json.loads(row.raw)
        position = rows[-1].seq


def attachments_for(connection: Connection, statements: list[dict[str, Any]]) -> list[Any]:
    wanted = {
        a["sha2"]
        for st in statements
        for a in st.get("attachments") or []
        if "fileUrl" not in a or a.get("sha2")
    }
    if not wanted:
        return []
    t = schema.attachment
    return list(
        connection.execute(
            select(t.c.sha2, t.c.content_type, t.c.content).where(t.c.sha2.in_(wanted))
        )
    )
