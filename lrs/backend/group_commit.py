"""Group commit: the statement writes of one process that arrive together share one transaction.

A write is queued; the first thread to find no writer at work becomes the writer. It takes every
write waiting (up to `max_size` statements, its own among them or after them), opens one
transaction with the database's write lock, runs each write in a SAVEPOINT of its own, commits
once, and only then lets each thread go on with its own result: a write that fails undoes only
itself and raises its own error in its own thread, and if the commit fails every write of the
group raises that failure (nothing is acknowledged before it is committed). The next group is
taken by the next thread that finds writes waiting. Processes take turns on the database's write
lock (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), once per group.

The writes of one group are stored in the order they were queued, so the stored order (`seq`)
is the order of arrival and of visibility.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")
log = logging.getLogger(__name__)
# Enough statements to make one commit worth its wait, few enough to keep a group's
# transaction short (a batch larger than this is a group of its own).
MAX_GROUP_STATEMENTS = 2000
# A group the engine refused for a moment runs again, up to this many times in all.
ATTEMPTS = 3


@dataclass(eq=False)
class _Write(Generic[T]):
    work: Callable[[Connection], T]
    size: int
    result: T | None = None
    error: BaseException | None = None
    done: bool = False


class GroupCommit:
    """Runs `work(connection)` for each caller, grouping the callers of the moment into one
    transaction that `begin()` opens (with the write lock taken) and commits on leaving.
    `committed(results)` hears the results of each group's successful writes after its commit,
    in the writer's thread, before any caller of the group goes on."""

    def __init__(
        self,
        begin: Callable[[], AbstractContextManager[Connection]],
        committed: Callable[[list[Any]], None],
        *,
        max_size: int = MAX_GROUP_STATEMENTS,
    ) -> None:
        self._begin = begin
        self._committed = committed
        self._max_size = max_size
        self._waiting: deque[_Write[Any]] = deque()
        self._queue_lock = threading.Lock()
        self._writer = threading.Lock()
        # Groups committed, and the writes they held (for tests and benchmarks).
        self.groups = 0
        self.writes = 0

    def waiting(self) -> int:
        """How many writes wait for a writer now."""
        with self._queue_lock:
            return len(self._waiting)

    def run(self, work: Callable[[Connection], T], size: int = 1) -> T:
        """`work(connection)`'s result once committed; `size` is its number of statements."""
        write: _Write[T] = _Write(work, max(size, 1))
        with self._queue_lock:
            self._waiting.append(write)
        with self._writer:
            while not write.done:
                self._commit(self._take())
        if write.error is not None:
            raise write.error
        return write.result  # type: ignore[return-value]

    def _take(self) -> list[_Write[Any]]:
        """The writes waiting, oldest first, up to the group's size (at least one)."""
        group: list[_Write[Any]] = []
        total = 0
        with self._queue_lock:
            while self._waiting and (not group or total + self._waiting[0].size <= self._max_size):
                write = self._waiting.popleft()
                group.append(write)
                total += write.size
        return group

    def _commit(self, group: list[_Write[Any]]) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                self._attempt(group)
                break
            except BaseException as error:
                if isinstance(error, DBAPIError) and _passing(error) and attempt < ATTEMPTS:
                    # The engine's refusal of a moment (a deadlock, a serialization failure, a
                    # lock not freed in time): nothing was committed, so the group runs again.
                    log.warning("group commit retried after %s", error.orig)
                    continue
                # Not committed: no write of the group is stored, and each says so.
                for write in group:
                    if write.error is None:
                        write.result, write.error = None, error
                    write.done = True
                if not isinstance(error, Exception):
                    raise
                return
        self.groups += 1
        self.writes += len(group)
        try:
            succeeded = [write.result for write in group if write.error is None]
            if succeeded:
                self._committed(succeeded)
        except Exception:  # a listener's failure never undoes what was committed
            log.exception("A group commit's listener failed")
        finally:
            for write in group:
                write.done = True

    def _attempt(self, group: list[_Write[Any]]) -> None:
        """Run the group's writes in one transaction and commit it; raises if it is not
        committed."""
        for write in group:
            write.result = write.error = None
        with self._begin() as connection:
            if len(group) == 1:
                # Alone, a write needs no SAVEPOINT: its failure rolls back the transaction,
                # which holds nothing else, and is its own answer.
                group[0].result = group[0].work(connection)
                return
            for write in group:
                try:
                    with connection.begin_nested():
                        write.result = write.work(connection)
                except Exception as error:  # this write's own failure, answered to it alone
                    write.error = error
                    if isinstance(error, DBAPIError) and (
                        _passing(error) or not _usable(connection)
                    ):
                        raise  # the database's, not the write's: the whole group fails


def _passing(error: DBAPIError) -> bool:
    """A refusal that asking again can overcome at once (not a lost connection)."""
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code:
        return str(code) in ("40001", "40P01", "55P03")
    return "database is locked" in str(error.orig).lower()


def _usable(connection: Connection) -> bool:
    """Whether the group's transaction can go on after a write failed in the database."""
    if connection.invalidated or not connection.in_transaction():
        return False
    try:
        connection.exec_driver_sql("SELECT 1")
    except DBAPIError:
        return False
    return True
