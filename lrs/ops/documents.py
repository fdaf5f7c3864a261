"""Documents: the State, Activity Profile and Agent Profile resources' storage and rules
(xAPI 1.0.3 Communication §2.2–2.3, §2.6–2.7, §3.1 Concurrency; 2.0 §4.1.4, §4.1.6.2, .5, .6).

Every change reads the document, checks the request's preconditions against it and writes, in
one transaction that holds the document's address: SQLite's write transactions are serialised
(BEGIN IMMEDIATE), and on PostgreSQL a transaction advisory lock is taken on the address, so
that two writers can neither both pass an If-Match nor both create the same document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from lrs.backend import schema
from lrs.errors import BadRequest, Conflict, PreconditionFailed
from lrs.identifiers import digest, dumps
from lrs.spec import MAX_DEPTH, ValidationError, check_storable

STATE, ACTIVITY_PROFILE, AGENT_PROFILE = "state", "activity_profile", "agent_profile"
JSON = "application/json"
# The first key of PostgreSQL's two-key advisory locks: a class of its own for documents (the
# single-key locks, such as the statement writers', are another key space).
LOCK_CLASS = 0x0D0C


@dataclass(frozen=True)
class Scope:
    """Where documents live: one kind, for an activity and/or an agent, and a registration.

    Keys are digests (`identifiers.activity_key`, `agent_key`); "" where the kind has none,
    and "" for no registration, so that the unique index also holds where they are absent.
    """

    kind: str
    activity_key: str = ""
    agent_key: str = ""
    registration: str = ""

    def conditions(self, *, every_registration: bool = False) -> list[Any]:
        d = schema.document
        found = [
            d.c.kind == self.kind,
            d.c.activity_key == self.activity_key,
            d.c.agent_key == self.agent_key,
        ]
        if not every_registration:
            found.append(d.c.registration == self.registration)
        return found


@dataclass(frozen=True)
class Document:
    content_type: str
    content: bytes
    etag: str
    updated: dt.datetime


@dataclass(frozen=True)
class Listing:
    ids: list[str]
    # When the most recently changed of them changed (1.0.3 §2.2.s6.b2); None for no ids.
    last_modified: dt.datetime | None


@dataclass(frozen=True)
class Preconditions:
    """The request's If-Match / If-None-Match, and what the version asks when both are absent."""

    if_match: str | None = None
    if_none_match: str | None = None
    # A PUT over an existing document must say which version it replaces: 409 without either
    # header (1.0.3 §3.1.s4.b13 for the profiles; the 2.0 suite's 4.1.4 for all three).
    conflict_without_header: bool = False
    # 1.0.3 §3.1.s3.b1: a PUT to a profile MUST carry one of them; 400 if it creates without.
    bad_request_without_header: bool = False

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None

    def check(self, held: Document | None) -> None:
        """RFC 7232 §3.1–3.2 (RFC 2616 §14.24, §14.26 in 1.0.3 §3.1.s4): 412 on failure."""
        if self.if_match is not None and (held is None or not _matches(self.if_match, held)):
            raise PreconditionFailed("If-Match: the document has changed, or is not there.")
        if self.if_none_match is not None and held and _matches(self.if_none_match, held):
            raise PreconditionFailed("If-None-Match: the document is already there.")

    def check_put(self, held: Document | None) -> None:
        self.check(held)
        if self.given:
            return
        if held is not None and self.conflict_without_header:
            # 1.0.3 §3.1.s4.b14: explain that the client should check and send If-Match.
            raise Conflict(
                "The document already exists: GET it to check its current state, then send "
                "If-Match with its ETag to replace it (or If-None-Match: * to create only)."
            )
        if held is None and self.bad_request_without_header:
            raise BadRequest(
                "If-Match / If-None-Match: a PUT to a profile document must send one of them "
                "(If-None-Match: * to create it)."
            )


def _matches(header: str, held: Document) -> bool:
    tags = {tag.strip() for tag in header.split(",")}
    return "*" in tags or f'"{held.etag}"' in tags or held.etag in tags


def etag_of(content: bytes) -> str:
    """1.0.3 §3.1.s4.b2: the SHA-1 of the contents, in lowercase hexadecimal."""
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def document_key(document_id: str) -> str:
    return digest("document", document_id)


def media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _address(scope: Scope, document_id: str) -> list[Any]:
    return [*scope.conditions(), schema.document.c.document_key == document_key(document_id)]


def _hold(connection: Connection, scope: Scope, document_id: str) -> None:
    """Serialise the changes to one document on PostgreSQL (until the transaction ends)."""
    if connection.dialect.name != "postgresql":
        return
    address = "\x1f".join(
        (scope.kind, scope.activity_key, scope.agent_key, scope.registration, document_id)
    )
    key = int.from_bytes(hashlib.sha256(address.encode()).digest()[:4], "big", signed=True)
    connection.execute(select(func.pg_advisory_xact_lock(LOCK_CLASS, key)))


def get(connection: Connection, scope: Scope, document_id: str) -> Document | None:
    d = schema.document
    row = connection.execute(
        select(d.c.content_type, d.c.content, d.c.etag, d.c.updated).where(
            and_(*_address(scope, document_id))
        )
    ).first()
    if row is None:
        return None
    return Document(row.content_type, bytes(row.content), row.etag, row.updated)


def listing(connection: Connection, scope: Scope, since: dt.datetime | None) -> Listing:
    """The ids of the documents in scope changed after `since` (exclusive), if given.

    State without a registration lists the documents of every registration (1.0.3 §2.3.s4:
    "Activity + Agent [+ registration if specified]"); an id held under several is listed once.
    """
    d = schema.document
    conditions = scope.conditions(every_registration=scope.kind == STATE and not scope.registration)
    if since is not None:
        conditions.append(d.c.updated > since)
    rows = connection.execute(
        select(d.c.document_id, func.max(d.c.updated).label("updated"))
        .where(and_(*conditions))
        .group_by(d.c.document_id)
        .order_by(d.c.document_id)
    ).all()
    # MAX() keeps the column's type, so `updated` comes back as an aware UTC datetime.
    newest = max((row.updated for row in rows), default=None)
    return Listing([row.document_id for row in rows], newest)


def _write(
    connection: Connection, scope: Scope, document_id: str, held: Document | None, new: Document
) -> None:
    d = schema.document
    values = {
        "content_type": new.content_type,
        "content": new.content,
        "etag": new.etag,
        "updated": new.updated,
    }
    if held is None:
        connection.execute(
            insert(d).values(
                kind=scope.kind,
                activity_key=scope.activity_key,
                agent_key=scope.agent_key,
                registration=scope.registration,
                document_id=document_id,
                document_key=document_key(document_id),
                **values,
            )
        )
    else:
        connection.execute(update(d).where(and_(*_address(scope, document_id))).values(**values))


def _new(content_type: str, content: bytes) -> Document:
    return Document(content_type, content, etag_of(content), dt.datetime.now(dt.UTC))


def put(
    connection: Connection,
    scope: Scope,
    document_id: str,
    content_type: str,
    content: bytes,
    preconditions: Preconditions,
) -> None:
    """Store the document as sent, replacing the one held (any content, any media type)."""
    _hold(connection, scope, document_id)
    held = get(connection, scope, document_id)
    preconditions.check_put(held)
    _write(connection, scope, document_id, held, _new(content_type, content))


def _json_object(content: bytes, what: str) -> dict[str, Any]:
    """Strict JSON (no NaN or Infinity, which no JSON reader need accept), an object, that the
    merge can walk and write back (`spec.check_storable`; a NUL is kept: the content is bytes)."""

    def refuse(name: str) -> Any:
        raise ValueError(name)

    try:
        value = json.loads(content.decode("utf-8"), parse_constant=refuse)
    except RecursionError:
        raise BadRequest(f"{what}: $: nested deeper than {MAX_DEPTH} levels.") from None
    except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        value = None
    if not isinstance(value, dict):
        raise BadRequest(f"{what} is not a JSON object, so the two cannot be merged.")
    try:
        check_storable(value, nul_allowed=True)
    except ValidationError as error:
        raise BadRequest(f"{what}: {error}.") from None
    return value


def post(
    connection: Connection,
    scope: Scope,
    document_id: str,
    content_type: str,
    content: bytes,
    preconditions: Preconditions,
) -> None:
    """Store a new document as PUT would, or merge a JSON object into the one held.

    1.0.3 §2.2.s7: only top-level properties are merged, the posted ones replacing the held
    ones whole. §2.2.s8.b1: if either is not application/json or not a JSON object, 400 and
    the document is left as it was.
    """
    _hold(connection, scope, document_id)
    held = get(connection, scope, document_id)
    preconditions.check(held)
    if held is None:
        if media_type(content_type) == JSON:
            _json_object(content, "The document sent")
        _write(connection, scope, document_id, None, _new(content_type, content))
        return
    if media_type(held.content_type) != JSON:
        raise BadRequest("The document held is not application/json, so it cannot be merged.")
    if media_type(content_type) != JSON:
        raise BadRequest("Content-Type: a document merged into JSON must be application/json.")
    merged = {
        **_json_object(held.content, "The document held"),
        **_json_object(content, "The document sent"),
    }
    _write(connection, scope, document_id, held, _new(JSON, dumps(merged).encode()))


def delete_one(
    connection: Connection, scope: Scope, document_id: str, preconditions: Preconditions
) -> None:
    """Delete the document (204 also when there is none: the outcome is the same)."""
    _hold(connection, scope, document_id)
    held = get(connection, scope, document_id)
    preconditions.check(held)
    if held is not None:
        connection.execute(delete(schema.document).where(and_(*_address(scope, document_id))))


def delete_all(connection: Connection, scope: Scope) -> None:
    """Every State document of an activity and agent, of the registration if one is named,
    else of every registration (1.0.3 §2.3.s5)."""
    conditions = scope.conditions(every_registration=not scope.registration)
    connection.execute(delete(schema.document).where(and_(*conditions)))
