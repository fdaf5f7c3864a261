"""Documents: the State, Activity Profile and Agent Profile resources' storage and rules
(xAPI 1.0.3 Communication §2.2–2.6, §3.1 concurrency; 2.0 §4.1.4, §4.1.6.2–4.1.6.6)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.engine import Connection

from lrs.backend import schema
from lrs.errors import BadRequest, Conflict, PreconditionFailed

STATE, ACTIVITY_PROFILE, AGENT_PROFILE = "state", "activity_profile", "agent_profile"


@dataclass(frozen=True)
class Scope:
    """Where documents live: one kind, for an activity and/or an agent (and a registration)."""

    kind: str
    activity_key: str = ""
    agent_key: str = ""
    registration: str = ""

    def conditions(self) -> list[Any]:
        d = schema.document
        return [
            d.c.kind == self.kind,
            d.c.activity_key == self.activity_key,
            d.c.agent_key == self.agent_key,
            d.c.registration == self.registration,
        ]


@dataclass(frozen=True)
class Document:
    content_type: str
    content: bytes
    etag: str
    updated: dt.datetime


@dataclass(frozen=True)
class Preconditions:
    if_match: str | None = None
    if_none_match: str | None = None
    # A PUT that may overwrite must say which version it overwrites (409 without either header).
    required_for_overwrite: bool = False
    # xAPI 1.0.3 §3.1.s3.b1: a PUT to a profile MUST carry If-Match or If-None-Match (400 without).
    required_always: bool = False

    def check(self, held: Document | None, *, overwriting: bool) -> None:
        if self.if_match is not None:
            tags = {tag.strip() for tag in self.if_match.split(",")}
            if held is None or not ("*" in tags or f'"{held.etag}"' in tags or held.etag in tags):
                raise PreconditionFailed("If-Match: the document has changed, or is not there.")
        if self.if_none_match is not None:
            tags = {tag.strip() for tag in self.if_none_match.split(",")}
            if held is not None and ("*" in tags or f'"{held.etag}"' in tags or held.etag in tags):
                raise PreconditionFailed("If-None-Match: the document is already there.")
        if (
            overwriting
            and self.required_always
            and self.if_match is None
            and self.if_none_match is None
            and held is None
        ):
            raise BadRequest(
                "If-Match / If-None-Match: a PUT to a profile document must send one of them "
                "(If-None-Match: * to create it)."
            )
        if (
            overwriting
            and held is not None
            and self.required_for_overwrite
            and self.if_match is None
            and self.if_none_match is None
        ):
            raise Conflict(
                "The document already exists: send If-Match with its ETag to replace it, "
                "or If-None-Match: * to create it only if it is absent."
            )


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def get(connection: Connection, scope: Scope, document_id: str) -> Document | None:
    d = schema.document
    row = connection.execute(
        select(d.c.content_type, d.c.content, d.c.etag, d.c.updated).where(
            and_(*scope.conditions(), d.c.document_id == document_id)
        )
    ).first()
    if row is None:
        return None
    return Document(row.content_type, bytes(row.content), row.etag, row.updated)


def ids(connection: Connection, scope: Scope, since: dt.datetime | None) -> list[str]:
    """The ids of the documents in scope (for State without a registration: of every
    registration), updated after `since` if given."""
    d = schema.document
    conditions = scope.conditions()
    if scope.kind == STATE and not scope.registration:
        conditions = conditions[:3]
    if since is not None:
        conditions.append(d.c.updated > since)
    return list(
        connection.execute(
            select(d.c.document_id).where(and_(*conditions)).order_by(d.c.document_id)
        ).scalars()
    )


def _write(
    connection: Connection, scope: Scope, document_id: str, held: Document | None, body: Document
) -> None:
    d = schema.document
    values = {
        "content_type": body.content_type,
        "content": body.content,
        "etag": body.etag,
        "updated": body.updated,
    }
    if held is None:
        connection.execute(
            insert(d).values(
                kind=scope.kind,
                activity_key=scope.activity_key,
                agent_key=scope.agent_key,
                registration=scope.registration,
                document_id=document_id,
                **values,
            )
        )
    else:
        connection.execute(
            update(d)
            .where(and_(*scope.conditions(), d.c.document_id == document_id))
            .values(**values)
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def put(
    connection: Connection,
    scope: Scope,
    document_id: str,
    content_type: str,
    content: bytes,
    preconditions: Preconditions,
) -> None:
    """Store the document, replacing the one held."""
    held = get(connection, scope, document_id)
    preconditions.check(held, overwriting=True)
    _write(
        connection,
        scope,
        document_id,
        held,
        Document(content_type, content, etag_of(content), _now()),
    )


def _json_object(content: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        value = None
    if not isinstance(value, dict):
        raise BadRequest(f"{what} is not a JSON object, so the two cannot be merged.")
    return value


def post(
    connection: Connection,
    scope: Scope,
    document_id: str,
    content_type: str,
    content: bytes,
    preconditions: Preconditions,
) -> None:
    """Store the document, or merge it into the one held: both must be JSON objects, and the
    new one's top-level properties replace the old ones' (1.0.3 Communication §2.2)."""
    held = get(connection, scope, document_id)
    preconditions.check(held, overwriting=False)
    if held is None:
        if content_type.split(";")[0].strip() == "application/json":
            _json_object(content, "The document")
        _write(
            connection,
            scope,
            document_id,
            None,
            Document(content_type, content, etag_of(content), _now()),
        )
        return
    if held.content_type.split(";")[0].strip() != "application/json":
        raise BadRequest("The document held is not application/json, so it cannot be merged.")
    if content_type.split(";")[0].strip() != "application/json":
        raise BadRequest("Content-Type: a document merged into JSON must be application/json.")
    merged = {
        **_json_object(held.content, "The document held"),
        **_json_object(content, "The document sent"),
    }
    body = json.dumps(merged).encode()
    _write(
        connection,
        scope,
        document_id,
        held,
        Document("application/json", body, etag_of(body), _now()),
    )


def delete_one(
    connection: Connection, scope: Scope, document_id: str, preconditions: Preconditions
) -> None:
    held = get(connection, scope, document_id)
    preconditions.check(held, overwriting=False)
    if held is None:
        return
    d = schema.document
    connection.execute(delete(d).where(and_(*scope.conditions(), d.c.document_id == document_id)))


def delete_all(connection: Connection, scope: Scope) -> None:
    """Every State document of an activity and agent (and registration, if one is named)."""
    d = schema.document
    conditions = scope.conditions()
    if not scope.registration:
        conditions = conditions[:3]
    connection.execute(delete(d).where(and_(*conditions)))
