"""Engine settings the LRS relies on, whoever created the engine (the LMS, or `lrs.app`)."""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

# Statements are numbered in the order they become visible: one writer at a time.
WRITE_LOCK_KEY = 7_100_251_003
WRITE = {"lrs_write": True}
_prepared: weakref.WeakSet[Engine] = weakref.WeakSet()


def prepare_engine(engine: Engine) -> Engine:
    """On SQLite, let the LRS open its write transactions with BEGIN IMMEDIATE, in WAL mode,
    waiting up to 10 s for the write lock.

    pysqlite's own transaction handling defers BEGIN to the first write, so two writers can both
    read, then one fails to upgrade its lock. SQLAlchemy's documented recipe hands BEGIN to us.
    """
    if engine.dialect.name != "sqlite" or engine in _prepared:
        return engine

    @event.listens_for(engine, "connect")
    def _driver_autocommit(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        # Readers beside the writer, and a wait for the write lock instead of an error (the
        # portal sets the same on its own connections; the LRS alone needs them too).
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA busy_timeout=10000")
        # An acknowledged statement survives a power cut: each commit syncs the log (one sync
        # per group of writes, lrs/backend/group_commit.py). This listener runs after any the
        # application set for every engine (the portal's NORMAL, for its own rows).
        dbapi_connection.execute("PRAGMA synchronous=FULL")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("lrs_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    _prepared.add(engine)
    # Connections opened before the recipe was in place would begin transactions their own way.
    engine.dispose()
    return engine


def take_write_lock(connection: Connection) -> None:
    """Serialise statement writes, so that the stored order is the order of visibility.

    SQLite already has one writer at a time (BEGIN IMMEDIATE); PostgreSQL takes a transaction
    advisory lock, released at commit.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
