"""HTTP Basic key/secret pairs for the LRS, their scopes and limits, and the authority they give.

The secret is 32 random bytes, so a SHA-256 of it is as safe to store as a slow password hash
and can be checked on every request at no cost (xAPI Communication §4).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from lrs.backend import schema
from lrs.errors import BadRequest, NoSuchCredential
from lrs.spec.shapes import text_flaw

KEY_LENGTH = schema.credential.c.key.type.length
SCOPES = (
    "statements/write",
    "statements/read",
    "statements/read/mine",
    "state",
    "profile",
    "define",
    "all/read",
    "all",
)


@dataclass(frozen=True)
class Credential:
    id: int
    key: str
    name: str
    scopes: frozenset[str]
    agent: dict[str, Any] | None = None
    registration: str | None = None
    expires_at: dt.datetime | None = None

    def can_write_statements(self) -> bool:
        return bool(self.scopes & {"statements/write", "all"})

    def can_read_all_statements(self) -> bool:
        return bool(self.scopes & {"statements/read", "all/read", "all"})

    def can_read_own_statements(self) -> bool:
        return self.can_read_all_statements() or "statements/read/mine" in self.scopes

    def can_use_documents(self, scope: str, *, write: bool) -> bool:
        """`scope` is "state" or "profile"."""
        allowed = {scope, "all"} if write else {scope, "all", "all/read"}
        return bool(self.scopes & allowed)

    def can_read_definitions(self) -> bool:
        return bool(self.scopes - {"statements/write"}) or not self.scopes


def _could_be_issued(key: str, secret: str) -> bool:
    """Whether this pair can be one the LRS issued, before any lookup: a key no longer than its
    column, and neither holding a NUL (PostgreSQL compares no text that holds one) nor a lone
    surrogate (UTF-8 has none, so neither the database nor the hash could take it)."""
    return len(key) <= KEY_LENGTH and text_flaw(key) is None and text_flaw(secret) is None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(
    connection: Connection,
    name: str,
    scopes: list[str],
    *,
    agent: dict[str, Any] | None = None,
    registration: str | None = None,
    expires_at: dt.datetime | None = None,
) -> tuple[Credential, str]:
    """A new credential and its secret (shown once: only a digest is kept)."""
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise BadRequest(
            f"scope: choose from {', '.join(SCOPES)} (got {', '.join(unknown) or 'none'})."
        )
    if not name.strip():
        raise BadRequest("name: a credential needs a name.")
    key = secrets.token_hex(16)
    secret = secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC)
    credential_id = connection.execute(
        insert(schema.credential)
        .values(
            key=key,
            secret_hash=_digest(secret),
            name=name.strip(),
            scopes=" ".join(scopes),
            agent=json.dumps(agent) if agent else None,
            registration=registration.lower() if registration else None,
            created_at=now,
            expires_at=expires_at,
        )
        .returning(schema.credential.c.id)
    ).scalar_one()
    return _credential_from(connection, credential_id), secret


def system(connection: Connection, key: str, name: str) -> Credential:
    """The credential of a system that records statements through the Python API (the
    portal itself): made once under a fixed key, with a secret nobody is given, so it can
    never be used over HTTP."""
    row = connection.execute(
        select(schema.credential).where(schema.credential.c.key == key)
    ).first()
    if row is not None:
        return _to_credential(row)
    with contextlib.suppress(IntegrityError), connection.begin_nested():
        # Another process may make it at the same moment: then its row is the one.
        connection.execute(
            insert(schema.credential).values(
                key=key,
                secret_hash=_digest(secrets.token_urlsafe(32)),
                name=name,
                scopes="all",
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    row = connection.execute(select(schema.credential).where(schema.credential.c.key == key)).one()
    return _to_credential(row)


def by_key(connection: Connection, key: str) -> Credential | None:
    row = connection.execute(
        select(schema.credential).where(schema.credential.c.key == key)
    ).first()
    return _to_credential(row) if row is not None else None


def _credential_from(connection: Connection, credential_id: int) -> Credential:
    row = connection.execute(
        select(schema.credential).where(schema.credential.c.id == credential_id)
    ).one()
    return _to_credential(row)


def _to_credential(row: Any) -> Credential:
    return Credential(
        id=row.id,
        key=row.key,
        name=row.name,
        scopes=frozenset(row.scopes.split()),
        agent=json.loads(row.agent) if row.agent else None,
        registration=row.registration,
        expires_at=row.expires_at,
    )


def authenticate(
    connection: Connection, key: str, secret: str, *, now: dt.datetime | None = None
) -> Credential | None:
    """The credential for this key and secret, if it is valid now."""
    if not _could_be_issued(key, secret):
        return None
    now = now or dt.datetime.now(dt.UTC)
    row = connection.execute(
        select(schema.credential).where(schema.credential.c.key == key)
    ).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(secret)):
        return None
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= now):
        return None
    return _to_credential(row)


def revoke(connection: Connection, key: str) -> None:
    """End the active credential with this key at once; NoSuchCredential if there is none."""
    result = connection.execute(
        update(schema.credential)
        .where(schema.credential.c.key == key, schema.credential.c.revoked_at.is_(None))
        .values(revoked_at=dt.datetime.now(dt.UTC))
    )
    if result.rowcount != 1:
        raise NoSuchCredential(f"key: no active credential with key {key}.")


@dataclass(frozen=True)
class IssuedCredential:
    """A credential as its issuer sees it in a list: everything but the secret."""

    key: str
    name: str
    scopes: tuple[str, ...]
    agent: dict[str, Any] | None
    registration: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


def list_issued(connection: Connection) -> list[IssuedCredential]:
    """Every credential, oldest first, revoked and expired ones included."""
    rows = connection.execute(select(schema.credential).order_by(schema.credential.c.id))
    return [
        IssuedCredential(
            key=row.key,
            name=row.name,
            scopes=tuple(row.scopes.split()),
            agent=json.loads(row.agent) if row.agent else None,
            registration=row.registration,
            created_at=row.created_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
        )
        for row in rows
    ]


def authority_for(credential: Credential, base_url: str) -> dict[str, Any]:
    """The Agent the LRS records as the authority of what this credential sends."""
    return {
        "objectType": "Agent",
        "name": credential.name,
        "account": {"homePage": base_url, "name": credential.key},
    }
