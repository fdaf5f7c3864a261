"""Statements on their way to the LRS: written with the commit that produced them, sent once
the learner has their answer, forgotten once the LRS has them.

A statement waits in `scorm_pending_statement`, written in the same transaction as the CMI data
it reports, so an acknowledged commit never loses its statements. The commit endpoint sends
them after answering (`statement_sender`, run by the server once the response is out), so a
commit never waits for the LRS nor for the bridge the LRS wakes. One sender runs at a time in a
process and takes every registration waiting, in one LRS transaction: under load, many commits'
statements go in one store. What the LRS could not take stays pending and goes with the next
commit or launch of the registration; what it refuses for good (a conflict with a stored
statement, an invalid statement) leaves the queue, logged, instead of waiting for ever.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session, SessionTransaction

from lms import unit_of_work
from lms.db import db, utcnow
from lms.player import records
from lms.player.scorm.models import PendingStatement
from lrs.errors import Conflict
from lrs.spec.errors import ValidationError

log = logging.getLogger(__name__)
# What the LRS answers a statement whatever the moment: its id is already stored with other
# content (statements are immutable: 409 Conflict), or it breaks a rule of xAPI.
REFUSED_FOR_GOOD = (Conflict, ValidationError)
# SQLite has one writer at a time and makes the others wait by sleeping between tries (up to
# 100 ms each): this process's SCORM writers queue on a lock instead, and go in turn at once.
_SQLITE_WRITER = threading.RLock()
# One sender at a time in this process; the registrations waiting for it.
_SENDING = threading.Lock()
_WAITING: set[int] = set()
_WAITING_LOCK = threading.Lock()
_HOLDS_WRITER = "scorm.sending.holds_writer"


@contextmanager
def writing() -> Iterator[None]:
    """Before a write of the SCORM runtime. On SQLite the lock is taken by a unit of work not
    yet writing, and held to its end (the commit or rollback of the request, job or test that
    owns it): released earlier, a second writer would hold it while waiting for this unit's
    commit, and this unit, writing again, would wait for the lock. A unit that is writing
    already is SQLite's one writer, which the others wait for anyway: it goes on."""
    if db.engine.dialect.name != "sqlite" or db.session.info.get(_HOLDS_WRITER):
        yield
        return
    driver_connection = db.session.connection().connection.dbapi_connection
    if driver_connection is not None and driver_connection.in_transaction:  # type: ignore[attr-defined]
        yield
        return
    _SQLITE_WRITER.acquire()
    # The unit's transaction is open (connection() above): its end releases the lock.
    db.session.info[_HOLDS_WRITER] = True
    yield


@event.listens_for(Session, "after_transaction_end")
def _release_at_unit_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        _release_writer(session)


def _release_writer(session: Session) -> None:
    if session.info.pop(_HOLDS_WRITER, False):
        _SQLITE_WRITER.release()


def keep(registration_id: int, statements: list[dict[str, Any]]) -> None:
    """Write the statements to send, in the caller's transaction, a microsecond apart so that
    they go in the order given."""
    now = utcnow()
    for position, statement in enumerate(statements):
        db.session.add(
            PendingStatement(
                id=statement["id"],
                registration_id=registration_id,
                statement=json.dumps(statement),
                created_at=now + dt.timedelta(microseconds=position),
            )
        )


def statement_sender(registration_id: int) -> Callable[[], None]:
    """What sends the registration's pending statements, in an application context of its own.
    If a sender is already running in this process, it takes them too."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def send() -> None:
        with _WAITING_LOCK:
            _WAITING.add(registration_id)
        while _SENDING.acquire(blocking=False):
            try:
                with app.app_context():
                    _send_waiting()
            finally:
                _SENDING.release()
            with _WAITING_LOCK:
                # One added after the last look, by a sender that found this one running.
                if not _WAITING:
                    return

    return send


def _send_waiting() -> None:
    while True:
        with _WAITING_LOCK:
            registration_ids = set(_WAITING)
            _WAITING.clear()
        if not registration_ids:
            return
        try:
            with unit_of_work.job():  # rolled back on failure: they stay pending
                record_pending(registration_ids)
        except Exception:  # they go with the next commit or launch
            log.exception("pending SCORM statements of registrations %s", registration_ids)
        finally:
            db.session.remove()


def record_pending(registration_ids: Iterable[int]) -> None:
    """Send the registrations' pending statements to the LRS, and forget those it stored, in
    the caller's unit of work (the LRS joins it: a statement stored and its pending row
    forgotten commit together, or neither does)."""
    pending = list(
        db.session.scalars(
            select(PendingStatement)
            .where(PendingStatement.registration_id.in_(list(registration_ids)))
            .order_by(PendingStatement.created_at, PendingStatement.id)
        )
    )
    if not pending:
        return
    done: list[str] = []
    try:
        with writing():
            records.record([json.loads(row.statement) for row in pending])
        done = [row.id for row in pending]
    except Exception:
        # One bad statement must not hold back the others: try them one by one.
        for row in pending:
            try:
                with writing():
                    records.record([json.loads(row.statement)])
                done.append(row.id)
            except REFUSED_FOR_GOOD as error:
                # The LRS would answer the same on every try: waiting would only keep it
                # in the queue, and the log busy, for ever.
                log.error("the LRS refused SCORM statement %s for good, dropped: %s", row.id, error)
                done.append(row.id)
            except Exception:
                log.exception("the LRS refused SCORM statement %s; it stays pending", row.id)
    with writing():
        db.session.execute(
            delete(PendingStatement)
            .where(PendingStatement.id.in_(done))
            .execution_options(synchronize_session=False)
        )
