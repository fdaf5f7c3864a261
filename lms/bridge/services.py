"""Running the bridge: read the LRS in stored order from the cursor, apply the rules, and write
the entries and the new cursor in one unit of work (docs/architecture.md, "The transaction
contract"): `run_pass` and `rejudge_course` write in the caller's unit and never commit; the
bridge's job, `catch_up` (run by the background thread and `lms bridge`), makes each pass one.

Exactly once: a pass first takes the cursor row for writing (a row lock on PostgreSQL, the
database's write lock on SQLite), so two processes never read the same statements; what it
makes and the cursor it moves to commit together, so a crash before the commit leaves the cursor
where it was and the next pass makes the same entries again, once.

Once per course per cycle: after any change to a person's entries for a course in a cycle, the
earliest completion (by its timestamp, then statement id) carries the hours and every other one
0, whatever order the statements came in.

Judging a course again: when POST staff change what completes a course (its credit rule or its
completion), `rejudge_course` reads that course's stored statements again, under the cursor's
lock, and makes the entries the new rule gives that are not made yet.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, delete, insert, select, tuple_, update

from lms import unit_of_work
from lms.bridge import one_finish, rules
from lms.bridge.interfaces import PassResult
from lms.bridge.lookups import Lookups
from lms.bridge.models import BridgeCursor
from lms.db import db, lock_cursor, utcnow
from lms.training.cycles import completion_date, cycle_of
from lms.training.models import CptEntry

log = logging.getLogger(__name__)
CURSOR = "cpt"
PASS_STATEMENTS = 2000  # per transaction: short enough not to hold the write lock for long


def _lock_cursor() -> BridgeCursor:
    return lock_cursor(BridgeCursor, CURSOR)


def run_pass(limit: int = PASS_STATEMENTS, *, lookups: Lookups | None = None) -> PassResult:
    """Read up to `limit` qualifying statements after the cursor, and write what they make and
    the cursor's new place in the caller's unit of work (`catch_up` makes each pass one): they
    are committed together or not at all."""
    store = current_app.extensions["lrs"]
    lookups = lookups or Lookups(current_app.config["LMS_BASE_URL"])
    result = PassResult()
    cursor = _lock_cursor()
    newest = store.newest_seq()
    credits: list[Judged] = []
    voided: list[rules.Void] = []
    last = cursor.seq
    for seq, statement in store.read_from(
        cursor.seq, batch=min(limit, 1000), verbs=rules.VERBS, until=newest
    ):
        result.read += 1
        last = seq
        outcome = rules.judge(statement, lookups.person, lookups.activity, lookups.authority)
        if isinstance(outcome, rules.Credit):
            credits.append((seq, statement, outcome))
        elif isinstance(outcome, rules.Void):
            voided.append(outcome)
        elif isinstance(outcome, rules.Skip):
            result.skipped[outcome.reason] = result.skipped.get(outcome.reason, 0) + 1
        if result.read >= limit:
            break
    else:
        last = max(last, newest)  # nothing else qualifies up to `newest`
    touched = _credit(credits, result, lookups) | _remove_entries(voided, result)
    _credit_once_per_cycle(touched)
    cursor.seq = last
    cursor.entries_made += result.made
    cursor.entries_removed += result.removed
    cursor.skipped_unknown_person += result.skipped.get(rules.UNKNOWN_PERSON, 0)
    cursor.skipped_uncertified += result.skipped.get(rules.UNCERTIFIED, 0)
    cursor.skipped_unentitled += result.skipped.get(rules.UNENTITLED, 0)
    result.cursor = last
    return result


Group = tuple[int, int, int]  # person, course, cycle
Judged = tuple[int, dict[str, Any], rules.Credit]  # seq, statement, what it is worth


def _credit(judged: list[Judged], result: PassResult, lookups: Lookups) -> set[Group]:
    """Make the entries of the credited statements, but one per finish reported twice."""
    store = current_app.extensions["lrs"]
    finishes = one_finish.sort_out(
        store, [(statement, credit) for _, statement, credit in judged], lookups.authority
    )
    credits = [
        (seq, statement["id"], credit)
        for seq, statement, credit in judged
        if statement["id"] not in finishes.second_reports
    ]
    return _make_entries(credits, result) | _remove_superseded(finishes.superseded, result)


def _remove_superseded(statement_ids: set[str], result: PassResult) -> set[Group]:
    """Remove the entries made from statements now known to be a finish's second report."""
    touched: set[Group] = set()
    for chunk in _chunks(sorted(statement_ids)):
        found = db.session.execute(
            select(CptEntry.id, CptEntry.person_id, CptEntry.course_id, CptEntry.cycle_start).where(
                CptEntry.statement_id.in_(chunk)
            )
        ).all()
        if found:
            db.session.execute(delete(CptEntry).where(CptEntry.id.in_([row.id for row in found])))
        touched.update((row.person_id, row.course_id, row.cycle_start) for row in found)
        result.removed += len(found)
    return touched


def _chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _make_entries(credits: list[tuple[int, str, rules.Credit]], result: PassResult) -> set[Group]:
    held: set[str] = set()
    for chunk in _chunks([statement_id for _, statement_id, _ in credits]):
        held.update(
            db.session.scalars(
                select(CptEntry.statement_id).where(CptEntry.statement_id.in_(chunk))
            )
        )
    rows, touched = [], set()
    now = utcnow()
    for seq, statement_id, credit in credits:
        if statement_id in held:
            continue  # made by an earlier pass (ids are final: a statement is never replaced)
        held.add(statement_id)
        day = completion_date(credit.completed_at)
        cycle = cycle_of(day)
        course = credit.course
        rows.append(
            {
                "statement_id": statement_id,
                "statement_seq": seq,
                "person_id": credit.person.person_id,
                "post_id": credit.person.post_id,
                "course_id": course.course_id,
                "certification_number": course.certification_number or "",
                "title": course.title,
                "completed_at": credit.completed_at,
                "completed_on": day,
                "cycle_start": cycle.start_year,
                "hours": credit.hours,
                "credited_hours": Decimal(0),
                "source": credit.source,
                "mandate_codes": " ".join(course.mandate_codes),
                "psp_category": course.psp_category,
                "recorded_at": now,
                "authority": credit.authority,
            }
        )
        touched.add((credit.person.person_id, course.course_id, cycle.start_year))
    if rows:
        db.session.execute(insert(CptEntry), rows)
    result.made += len(rows)
    return touched


def _remove_entries(voids: list[rules.Void], result: PassResult) -> set[Group]:
    """Remove the entries of voided statements, where the voiding's authority may (a voiding
    from anyone else removes nothing and is counted as unentitled)."""
    touched: set[Group] = set()
    voider_of = {void.statement_id.lower(): void.authority for void in voids}
    for chunk in _chunks(list(voider_of)):
        found = db.session.execute(
            select(
                CptEntry.id,
                CptEntry.statement_id,
                CptEntry.authority,
                CptEntry.person_id,
                CptEntry.course_id,
                CptEntry.cycle_start,
            ).where(CptEntry.statement_id.in_(chunk))
        ).all()
        removed = [
            row for row in found if rules.may_void(voider_of[row.statement_id], row.authority)
        ]
        refused = len(found) - len(removed)
        if refused:
            result.skipped[rules.UNENTITLED] = result.skipped.get(rules.UNENTITLED, 0) + refused
        if removed:
            db.session.execute(delete(CptEntry).where(CptEntry.id.in_([row.id for row in removed])))
        touched.update((row.person_id, row.course_id, row.cycle_start) for row in removed)
        result.removed += len(removed)
    return touched


def _credit_once_per_cycle(groups: set[Group]) -> None:
    """In each group, the earliest completion carries the hours and every other one 0."""
    if not groups:
        return
    changes = []
    for chunk in _chunks(sorted(groups), 300):
        entries = db.session.execute(
            select(
                CptEntry.id,
                CptEntry.person_id,
                CptEntry.course_id,
                CptEntry.cycle_start,
                CptEntry.hours,
                CptEntry.credited_hours,
            )
            .where(tuple_(CptEntry.person_id, CptEntry.course_id, CptEntry.cycle_start).in_(chunk))
            .order_by(CptEntry.completed_at, CptEntry.statement_id)
        ).all()
        first_seen: set[Group] = set()
        for entry in entries:
            group = (entry.person_id, entry.course_id, entry.cycle_start)
            credited = Decimal(0) if group in first_seen else entry.hours
            first_seen.add(group)
            if entry.credited_hours != credited:
                changes.append({"entry_id": entry.id, "credited": credited})
    if changes:
        table = CptEntry.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("entry_id"))
            .values(credited_hours=bindparam("credited")),
            changes,
        )


def rejudge_course(course_id: int) -> PassResult:
    """Judge the course's stored statements again under its rule as it stands in this session
    (POST staff have just changed it), and add the entries the rule now gives, in the caller's
    unit of work (catalog's course save, in its request): the course and the entries are
    committed together or not at all.

    Under the cursor's lock, so that no pass judges the same statements meanwhile; every
    statement about the course is read, before and after the cursor, so that one a pass read
    under the old rule is credited now and one it has still to read is found made (entries are
    unique by statement id). Voided statements are not read: they are not revived. An entry the
    new rule would not make stays: CPT already granted is not withdrawn by a rule change."""
    store = current_app.extensions["lrs"]
    lookups = Lookups(current_app.config["LMS_BASE_URL"])
    result = PassResult()
    cursor = _lock_cursor()
    credits: list[Judged] = []
    for seq, statement in store.read_about(
        lookups.course_activity_ids(course_id), verbs=rules.COMPLETION_VERBS
    ):
        result.read += 1
        outcome = rules.judge(statement, lookups.person, lookups.activity, lookups.authority)
        if isinstance(outcome, rules.Credit):
            credits.append((seq, statement, outcome))
        elif isinstance(outcome, rules.Skip):
            result.skipped[outcome.reason] = result.skipped.get(outcome.reason, 0) + 1
    _credit_once_per_cycle(_credit(credits, result, lookups))
    cursor.entries_made += result.made
    cursor.entries_removed += result.removed
    result.cursor = cursor.seq
    return result


def catch_up(limit: int = PASS_STATEMENTS) -> PassResult:
    """The bridge's job: run passes until every statement stored so far has been read, each
    pass one unit of work (`unit_of_work.job`), committed before the next begins, so that no
    pass holds the write lock for long. A pass that fails is rolled back whole and ends the job
    (the cursor moves only with what a pass commits). Inside an open unit of work every pass is
    part of it. Each pass looks courses up afresh, so a rule POST staff change between two
    passes holds from the next one."""
    total = PassResult()
    base_url = current_app.config["LMS_BASE_URL"]
    while True:
        with unit_of_work.job():
            done = run_pass(limit, lookups=Lookups(base_url))
        total.read += done.read
        total.made += done.made
        total.removed += done.removed
        for reason, count in done.skipped.items():
            total.skipped[reason] = total.skipped.get(reason, 0) + count
        total.cursor = done.cursor
        if done.read < limit:
            return total


def cursor_state() -> BridgeCursor | None:
    return db.session.get(BridgeCursor, CURSOR)


# --- Right after statements are stored -----------------------------------------------------


class BackgroundBridge:
    """Runs the bridge in a thread of this process as soon as statements are committed, so
    the request that stored them does not wait for it. Statements stored while a pass runs
    are read by the next one; a pass that fails is retried by the next trigger or `lms
    bridge` (the cursor only moves with what a pass commits)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._wanted = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.idle = threading.Event()
        self.idle.set()

    def trigger(self, seqs: Iterable[int] = ()) -> None:
        # `idle` changes only under the lock, together with `_wanted`: a pass that ends just as
        # a trigger arrives cannot call the bridge idle with that trigger's pass still to run.
        with self._lock:
            self.idle.clear()
            self._wanted.set()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="cpt-bridge", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wanted.wait(timeout=30)
            if not self._wanted.is_set():
                with self._lock:
                    if not self._wanted.is_set():
                        self._thread = None
                        self.idle.set()
                        return
                continue
            self._wanted.clear()
            with self.app.app_context():
                try:
                    catch_up()  # each pass its own unit of work
                except Exception:
                    log.exception("the bridge pass failed; the next trigger tries again")
                finally:
                    db.session.remove()
                run_followers()
                db.session.remove()
            with self._lock:
                if not self._wanted.is_set():
                    self.idle.set()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        return self.idle.wait(timeout)


_followers: list[Callable[[], object]] = []


def add_follower(job: Callable[[], object]) -> None:
    """Have `job` (another reader of the LRS in stored order, with a cursor of its own) run
    after each of the bridge's catch-ups, in the same thread, so that the two never contend
    for the write lock, and in `lms bridge`. It makes its own units of work. A job added again
    is kept once: every app a process makes subscribes its areas' jobs."""
    if job not in _followers:
        _followers.append(job)


def run_followers() -> None:
    for job in _followers:
        try:
            job()
        except Exception:
            log.exception("a follower of the bridge failed; the next trigger tries again")
            db.session.rollback()  # the caller's session stays theirs (lms bridge reuses it)


def start_with(app: Flask) -> BackgroundBridge:
    """Have the bridge run after every commit of statements in this app's LRS."""
    bridge = BackgroundBridge(app)
    app.extensions["bridge"] = bridge
    app.extensions["lrs"].on_committed(bridge.trigger)
    return bridge
