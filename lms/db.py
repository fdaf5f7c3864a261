"""The data layer's one seam: the SQLAlchemy registry, the engine settings, shared column types."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Named constraints, so that migrations can alter them on every engine (SQLite included).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
CursorRow = TypeVar("CursorRow")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every engine (SQLite stores no offset)."""

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
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def lock_cursor(model: type[CursorRow], name: str) -> CursorRow:
    """The reader's cursor row (a `model` with `name`, `seq` and `updated_at`), taken for
    writing until the transaction ends: a row lock on PostgreSQL, the write lock on SQLite, so
    two processes never read the same statements. Made on first use; of two processes making
    it at once, the second waits for the first's and takes that."""
    row = model.__table__.c  # type: ignore[attr-defined]
    touch = update(model).where(row.name == name).values(updated_at=utcnow())
    if db.session.execute(touch).rowcount == 0:  # type: ignore[attr-defined]
        try:
            with db.session.begin_nested():
                db.session.add(model(name=name, seq=0))  # type: ignore[call-arg]
        except IntegrityError:
            db.session.execute(touch)
    return db.session.execute(select(model).where(row.name == name).with_for_update()).scalar_one()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite in WAL mode with foreign keys enforced and a wait instead of 'database is locked'."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def engine_options(
    database_url: str, *, pool_size: int = 5, max_overflow: int = 10
) -> dict[str, Any]:
    """The engine's settings: each process keeps up to `pool_size` connections open and opens
    up to `max_overflow` more at its busiest (LMS_DB_POOL_SIZE, LMS_DB_MAX_OVERFLOW)."""
    pool = {"pool_size": pool_size, "max_overflow": max_overflow}
    if database_url.startswith("sqlite"):
        if ":memory:" in database_url or database_url.rstrip("/") == "sqlite:":
            return {"connect_args": {"timeout": 10}}  # one connection's database: no pool
        return {"connect_args": {"timeout": 10}, **pool}
    return {"pool_pre_ping": True, **pool}
