"""Engine settings the LRS relies on, whoever created the engine (the LMS, or `lrs.app`)."""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

# Statements are numbered in the order they become visible: one writer at a time.
WRITE_LOCK_KEY = 7_100_251_003
WRITE = {"lrs_write": True}
# How long a SQLite connection of the LRS waits for the write lock before it gives up.
BUSY_TIMEOUT_MS = 10_000
_prepared: weakref.WeakSet[Engine] = weakref.WeakSet()


def prepare_engine(engine: Engine) -> Engine:
    """On SQLite, let the LRS open its write transactions with BEGIN IMMEDIATE, in WAL mode,
    waiting up to 10 s for the write lock. On PostgreSQL, plan each query for its own values.

    pysqlite's own transaction handling defers BEGIN to the first write, so two writers can both
    read, then one fails to upgrade its lock. SQLAlchemy's documented recipe hands BEGIN to us.
    """
    if engine in _prepared:
        return engine
    if engine.dialect.name == "postgresql":
        return _prepare_postgresql(engine)
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _driver_autocommit(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        # Readers beside the writer, and a wait for the write lock instead of an error (the
        # portal sets the same on its own connections; the LRS alone needs them too).
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
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


def _prepare_postgresql(engine: Engine) -> Engine:
    """Every statement query planned for its own values: psycopg prepares a statement it has
    run five times on a connection, and PostgreSQL then tries one generic plan for all values,
    which for a filter query can walk every index row of a common verb (seconds at 5,000,000
    statements, where the plan for the values asked takes milliseconds)."""

    @event.listens_for(engine, "connect")
    def _custom_plans(dbapi_connection: Any, record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
        dbapi_connection.commit()

    _prepared.add(engine)
    engine.dispose()
    return engine


def take_write_lock(connection: Connection) -> None:
    """Serialise statement writes, so that the stored order is the order of visibility.

    SQLite already has one writer at a time (BEGIN IMMEDIATE); PostgreSQL takes a transaction
    advisory lock, released at commit.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})


def no_writer_now(connection: Connection) -> bool:
    """Whether no statement write holds the write lock at this instant, asked without waiting
    and on a connection outside any transaction. A writer that takes the lock after this takes
    its `stored` times after it too (X-Experience-API-Consistent-Through).

    PostgreSQL: the advisory lock is tried in shared mode and let go at once. SQLite: the write
    lock is tried (BEGIN IMMEDIATE with no wait) and let go at once (ROLLBACK); a writer that
    asks for it in that instant waits a millisecond."""
    if connection.dialect.name == "postgresql":
        free = connection.exec_driver_sql(
            "SELECT CASE WHEN pg_try_advisory_lock_shared(%(key)s) "
            "THEN pg_advisory_unlock_shared(%(key)s) ELSE false END",
            {"key": WRITE_LOCK_KEY},
        ).scalar()
        connection.rollback()
        return bool(free)
    driver = connection.connection.dbapi_connection
    assert driver is not None
    driver.execute("PRAGMA busy_timeout=0")
    try:
        driver.execute("BEGIN IMMEDIATE")
    except Exception as busy:  # sqlite3.OperationalError: database is locked
        if "locked" not in str(busy) and "busy" not in str(busy):
            raise
        return False
    else:
        driver.execute("ROLLBACK")
        return True
    finally:
        driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
