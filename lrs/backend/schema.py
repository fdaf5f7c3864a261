"""The LRS's tables. They live in their own metadata: nothing in lms/ reads them directly.

Statements are kept exactly as received (`raw`, for format=exact) beside what the LRS derived
from them. Every filter the spec allows is served by `lrs_statement_index`, one row per
(statement, filter kind, key), including the rows a statement inherits from the statement it
targets (xAPI 1.0.3 Communication §2.1.3, filter conditions for StatementRefs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite gives INTEGER PRIMARY KEY its rowid (and autoincrement) only for plain INTEGER.
Sequence = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every engine, kept to the microsecond."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


statement = Table(
    "lrs_statement",
    metadata,
    # The stored order: the cursor the bridge reads from and the order of every query.
    Column("seq", Sequence, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("stored", UTCDateTime, nullable=False, index=True),
    Column("timestamp", UTCDateTime, nullable=False),
    Column("verb_id", Text, nullable=False),
    Column("registration", String(36)),
    # The statement this one targets through a StatementRef object, if any.
    Column("target_id", String(36), index=True),
    Column("voided", Boolean, nullable=False, default=False),
    Column("is_voiding", Boolean, nullable=False, default=False),
    Column("credential_id", Integer, index=True),
    Column("version", String(10), nullable=False),
    # The statement as received, with the properties the LRS set (id, stored, authority, ...).
    Column("raw", Text, nullable=False),
)

statement_index = Table(
    "lrs_statement_index",
    metadata,
    Column("seq", Sequence, ForeignKey("lrs_statement.seq", ondelete="CASCADE"), nullable=False),
    # agent | activity | verb | registration
    Column("kind", String(12), nullable=False),
    # SHA-256 of the canonical key: long IRIs make a short, evenly spread index.
    Column("key", String(64), nullable=False),
    # True where the plain filter matches; False where only related_agents/activities does.
    Column("narrow", Boolean, nullable=False),
    Index("ix_lrs_statement_index_lookup", "kind", "key", "seq"),
    Index("ix_lrs_statement_index_seq", "seq"),
)

attachment = Table(
    "lrs_attachment",
    metadata,
    Column("sha2", String(128), primary_key=True),
    Column("content_type", String(255), nullable=False),
    Column("length", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

# Canonical Activity definitions (the Activities resource and format=canonical).
activity = Table(
    "lrs_activity",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("activity_id", Text, nullable=False),
    Column("definition", Text),
    Column("updated", UTCDateTime, nullable=False),
)

# The Agents resource combines what statements said about a person.
agent = Table(
    "lrs_agent",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("ifi", Text, nullable=False),
    Column("agent", Text, nullable=False),
    Column("updated", UTCDateTime, nullable=False),
)

document = Table(
    "lrs_document",
    metadata,
    Column("id", Sequence, primary_key=True, autoincrement=True),
    # state | activity_profile | agent_profile
    Column("kind", String(20), nullable=False),
    # SHA-256 of the activity id and of the agent's IFI; "" where the kind has none, and "" for
    # no registration, so that the unique index below also holds where they are absent.
    Column("activity_key", String(64), nullable=False),
    Column("agent_key", String(64), nullable=False),
    Column("registration", String(36), nullable=False),
    # The id as sent (any length), and its SHA-256, which the unique index holds: a B-tree entry
    # has a size limit (about 2.7 kB on PostgreSQL) that a long id would exceed.
    Column("document_id", Text, nullable=False),
    Column("document_key", String(64), nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("etag", String(64), nullable=False),
    Column("updated", UTCDateTime, nullable=False),
    Index(
        "uq_lrs_document_address",
        "kind",
        "activity_key",
        "agent_key",
        "registration",
        "document_key",
        unique=True,
    ),
)

credential = Table(
    "lrs_credential",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    # SHA-256 of a random 32-byte secret: a fast check per request is safe for random secrets.
    Column("secret_hash", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("scopes", String(255), nullable=False),
    # A credential limited to one agent (JSON) and one registration, for launched content.
    Column("agent", Text),
    Column("registration", String(36)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
)
