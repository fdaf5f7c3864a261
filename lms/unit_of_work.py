"""The one transaction contract (docs/architecture.md, "The transaction contract").

Services never commit nor roll back: they add, change and flush rows in `db.session`. The unit
of work around them does, in one place:

- a web request is one unit of work, committed once after the view has returned; any
  exception that leaves the view (a domain error, `abort()`, a bug) rolls it back (`Portal`,
  the app class, calls `discard` before the error handlers answer). A commit that fails is
  answered as the error it is (409 for a unique value taken by a simultaneous request);
- a view that catches a domain error to show it discards the unit's writes first
  (`lms.web.submit` does it for every form); what it writes after that (a failed sign-in
  counted) is kept;
- a CLI command (`command`) or a background job (`job`) is one unit of work too.

The LRS, mounted in the app, joins the unit's transaction (`JoinedTransaction`): the statements
and documents a request writes commit with its rows or not at all, and the LRS's listeners
(the bridge) hear of statements once the unit is committed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from lms.db import db

P = ParamSpec("P")
R = TypeVar("R")
_AFTER_COMMIT = "unit_of_work.after_commit"
_OPEN = "unit_of_work.open"


def discard() -> None:
    """Undo everything the current unit of work has written so far (and what it was to do
    after its commit). What is written after this is the unit's again, and is committed."""
    db.session.rollback()


def commit() -> None:
    """End the current unit of work, keeping what it wrote. Only the unit of work's owner calls
    this: the app after a request, `job`, `command`, and tests, which are their own units."""
    db.session.commit()


@contextmanager
def job() -> Iterator[None]:
    """One unit of work outside a request (a background job, a CLI command), in the current
    application context: committed at the end, rolled back on any exception. A job inside an
    open unit of work is part of it (the outer one commits)."""
    if is_open():
        yield
        return
    db.session.info[_OPEN] = True
    try:
        yield
        commit()
    except BaseException:
        discard()
        raise
    finally:
        db.session.info.pop(_OPEN, None)


def is_open() -> bool:
    """Whether the current application context is inside a unit of work (a request, a job)."""
    return has_app_context() and bool(db.session.info.get(_OPEN))


def command(function: Callable[P, R]) -> Callable[P, R]:
    """A CLI command that is one unit of work (`job`)."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with job():
            return function(*args, **kwargs)

    return run


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current unit of work is committed; never if it is rolled back
    (a worker started for a row the unit writes must find the row)."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


@contextmanager
def writing_savepoint() -> Iterator[None]:
    """A SAVEPOINT of the unit that holds the database's write lock first (on SQLite, one
    writer: a unit that has read must take the lock before it writes, or it may be refused).
    What fails inside undoes only itself."""
    _take_sqlite_write_lock(db.session.connection())
    with db.session.begin_nested():
        yield


class JoinedTransaction:
    """The LRS's way into the current unit of work (lrs.api.Transaction)."""

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        with writing_savepoint():
            yield db.session.connection()

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        # On SQLite the SAVEPOINT also makes the operation's reads one snapshot.
        with db.session.begin_nested():
            yield db.session.connection()

    def after_commit(self, callback: Callable[[], None]) -> None:
        after_commit(callback)


_JOINED = JoinedTransaction()


def lrs_transaction() -> JoinedTransaction | None:
    """The transaction the LRS joins: the open unit of work, if any. Outside one (a shell, a
    test that is its own unit) the LRS opens transactions of its own, as it would alone."""
    return _JOINED if is_open() else None


def _take_sqlite_write_lock(connection: Connection) -> None:
    """SQLite has one writer at a time. A transaction that has read and then wants to write can
    be refused at once (its snapshot is stale), so a unit that is not yet writing takes the
    writer's lock before its first LRS write (BEGIN IMMEDIATE waits for it)."""
    if connection.dialect.name != "sqlite":
        return
    driver_connection = connection.connection.dbapi_connection
    if driver_connection is not None and not driver_connection.in_transaction:  # type: ignore[attr-defined]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(_AFTER_COMMIT, []):
        callback()


@event.listens_for(Session, "after_transaction_end")
def _forget_after_rollback(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the unit's own transaction, committed or not
        session.info.pop(_AFTER_COMMIT, None)


class Portal(Flask):
    """The application: a request's unit of work is discarded as soon as an exception leaves
    its view, before any error handler answers."""

    def handle_user_exception(self, e: Exception) -> Any:
        discard()
        return super().handle_user_exception(e)

    def handle_exception(self, e: Exception) -> Response:
        discard()
        return super().handle_exception(e)


def init_app(app: Flask) -> None:
    """Register last, so that the commit runs before every other after-request function."""

    @app.before_request
    def _open() -> None:
        db.session.info[_OPEN] = True

    @app.after_request
    def _commit(response: Response) -> Response:
        try:
            commit()
        except Exception as error:  # answered as the error it is, after a rollback
            answer = current_app.handle_user_exception(error)
            return current_app.make_response(answer)
        return response
