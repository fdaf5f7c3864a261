"""Group commit (lrs/backend/group_commit.py): the statement writes that arrive together share
one transaction and one commit, each is judged on its own (one bad request never fails another),
the stored order is the order of arrival and of visibility, and nothing is acknowledged before
its commit. On both databases; the last test serves the LRS with several processes."""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from lrs.api import StatementWrite
from lrs.errors import BadRequest, Conflict, Forbidden
from tests.builders.xapi import statement
from tests.lrs.conftest import XapiClient

WRITERS = 8
HELD = "https://lms.test/activities/held-door"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def sent(**overrides):
    """A statement as a client sends it, with an id of its own."""
    return statement(id=str(uuid.uuid4()), **overrides)


@pytest.fixture
def store(app):
    return app.extensions["lrs"]


@contextmanager
def held_group(store, expect_waiting: int):
    """The first write's group holds its transaction open (a statement check about the HELD
    activity waits) until `expect_waiting` other writes queue behind it: they then make one
    group of their own."""

    def hold(write: StatementWrite) -> None:
        if any(s["object"].get("id") == HELD for s in write.statements):
            deadline = time.monotonic() + 20
            while store.group_commit.waiting() < expect_waiting:
                assert time.monotonic() < deadline, "the other writes never queued"
                time.sleep(0.005)

    store.add_statement_check(hold)
    try:
        yield
    finally:
        store._statement_checks.remove(hold)


def _in_threads(jobs):
    """Run each job in a thread of its own (in an application context, as a request thread
    is); each job's result or exception, in job order."""
    results: list[object] = [None] * len(jobs)
    app = current_app._get_current_object()

    def run(index, job):
        try:
            with app.app_context():
                results[index] = job()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
        time.sleep(0.002)  # queue in job order
    for thread in threads:
        thread.join(30)
    return results


def _rows(store):
    """(seq, stored, id) of every statement, in stored order."""
    return [(seq, s["stored"], s["id"]) for seq, s in store.read_from(0)]


def test_writes_that_arrive_together_share_one_commit_in_arrival_order(store, credential):
    created, _ = credential
    groups_before = store.group_commit.groups
    heard: list[list[int]] = []
    store.on_committed(heard.append)
    first = sent(object={"objectType": "Activity", "id": HELD})
    others = [sent() for _ in range(WRITERS - 1)]
    with held_group(store, WRITERS - 1):
        jobs = [lambda: store.record([first], created)]
        jobs += [lambda s=s: store.record([s], created) for s in others]
        results = _in_threads(jobs)

    assert results == [[first["id"]]] + [[s["id"]] for s in others]
    # The held write's group, then one group for the seven that waited behind it.
    assert store.group_commit.groups - groups_before == 2
    rows = _rows(store)
    assert [row[2] for row in rows] == [first["id"]] + [s["id"] for s in others]
    assert [row[1] for row in rows] == sorted(row[1] for row in rows)  # stored grows with seq
    assert len({row[1] for row in rows}) == len(rows)
    # The listener hears each group once, after its commit, with all its sequence numbers.
    assert [len(seqs) for seqs in heard] == [1, WRITERS - 1]


def test_a_bad_request_in_a_group_fails_alone_and_leaves_nothing_of_itself(store, credential):
    created, _ = credential
    held_already = sent()
    voiding = sent(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": held_already["id"]}
    )
    store.record([held_already, voiding], created)
    first = sent(object={"objectType": "Activity", "id": HELD})
    good = [sent() for _ in range(3)]
    # Its first statement is fine, its second conflicts with one stored: neither is kept.
    fine_then_conflicting = [sent(), {**held_already, "verb": {"id": "https://lms.test/v"}}]
    # A voiding statement cannot be voided: refused inside the group (lrs.ops.command).
    voids_the_voiding = sent(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding["id"]}
    )
    voids_unknown = sent(
        verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": str(uuid.uuid4())}
    )

    def refuse(write: StatementWrite) -> None:
        if any(s["object"].get("id") == "https://lms.test/refused" for s in write.statements):
            raise Forbidden("this check refuses it")

    store.add_statement_check(refuse)
    refused = sent(object={"objectType": "Activity", "id": "https://lms.test/refused"})
    with held_group(store, 6):
        results = _in_threads(
            [
                lambda: store.record([first], created),
                lambda: store.record([good[0]], created),
                lambda: store.record(fine_then_conflicting, created),
                lambda: store.record([good[1]], created),
                lambda: store.record([sent(), voids_the_voiding], created),
                lambda: store.record([refused], created),
                lambda: store.record([good[2], voids_unknown], created),
            ]
        )
    store._statement_checks.remove(refuse)

    assert results[0] == [first["id"]]
    assert results[1] == [good[0]["id"]]
    assert isinstance(results[2], Conflict)
    assert results[3] == [good[1]["id"]]
    assert isinstance(results[4], BadRequest)
    assert isinstance(results[5], Forbidden)
    assert results[6] == [good[2]["id"], voids_unknown["id"]]
    stored_ids = [row[2] for row in _rows(store)]
    assert stored_ids == [
        held_already["id"],
        voiding["id"],
        first["id"],
        good[0]["id"],
        good[1]["id"],
        good[2]["id"],
        voids_unknown["id"],
    ]


def _held_then_three(store, created, on_commit):
    """One write held, three queued behind it (so a group of one, then one of three), with
    `on_commit(connection)` listening to every commit meanwhile: the statements sent and what
    each write answered."""
    first = sent(object={"objectType": "Activity", "id": HELD})
    others = [sent() for _ in range(3)]
    engine = store.engine
    event.listen(engine, "commit", on_commit)
    try:
        with held_group(store, 3):
            results = _in_threads(
                [lambda: store.record([first], created)]
                + [lambda s=s: store.record([s], created) for s in others]
            )
    finally:
        event.remove(engine, "commit", on_commit)
    return [first, *others], results


def test_nothing_is_acknowledged_before_its_commit(store, credential):
    """The group's commit fails: every write of it raises, none is stored, no listener hears."""
    created, _ = credential
    heard: list[list[int]] = []
    store.on_committed(heard.append)

    def fail_commit(connection) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    statements, results = _held_then_three(store, created, fail_commit)
    assert all(isinstance(result, OperationalError) for result in results), results
    assert _rows(store) == []
    assert heard == []
    # And the next write goes through.
    assert store.record([statements[1]], created) == [statements[1]["id"]]


class Deadlock(Exception):
    sqlstate = "40P01"  # PostgreSQL's deadlock_detected


def test_a_group_the_engine_refused_for_a_moment_runs_again(store, credential):
    """A deadlock or serialization failure at commit: nothing was committed, so the group runs
    again and each write is stored once."""
    created, _ = credential
    heard: list[list[int]] = []
    store.on_committed(heard.append)
    refusals = {"left": 1}

    def refuse_once(connection) -> None:
        if refusals["left"]:
            refusals["left"] -= 1
            raise OperationalError("COMMIT", {}, Deadlock("deadlock detected"))

    statements, results = _held_then_three(store, created, refuse_once)
    assert results == [[s["id"]] for s in statements]
    assert [row[2] for row in _rows(store)] == [s["id"] for s in statements]
    assert [len(seqs) for seqs in heard] == [1, 3]


def test_concurrent_clients_over_http_get_their_own_answers(client, credential):
    """Eight clients post at once through /xapi, good and bad statements mixed: each gets its
    own answer (never a 500), and what was acknowledged is there."""
    created, secret = credential
    clients = [XapiClient(client.application.test_client(), created.key, secret) for _ in range(8)]
    bodies = [[sent() for _ in range(5)] for _ in range(8)]
    bad = {"actor": {"mbox": "not-an-address"}, "verb": {"id": "x"}, "object": {"id": "y"}}

    def post(index):
        answers = []
        for number, one in enumerate(bodies[index]):
            good = (index + number) % 4 != 0
            answer = clients[index].post_statements([one if good else bad])
            answers.append((answer.status_code, good, one["id"]))
        return answers

    results = _in_threads([lambda i=i: post(i) for i in range(8)])
    answers = [answer for answers in results for answer in answers]
    assert {(status, good) for status, good, _ in answers} == {(200, True), (400, False)}
    acknowledged = {sid for status, _, sid in answers if status == 200}
    everything = clients[0].get_statements(limit=100).get_json()["statements"]
    assert {s["id"] for s in everything} == acknowledged


def _through(answer) -> str:
    return answer.headers["X-Experience-API-Consistent-Through"]


def _millis(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_consistent_through_is_now_when_no_write_is_under_way(client, credential, store):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret)
    before = _millis(dt.datetime.now(dt.UTC))
    assert before <= _through(xapi.get_statements()) <= _millis(dt.datetime.now(dt.UTC))
    store.record([sent()], created)
    before = _millis(dt.datetime.now(dt.UTC))
    assert before <= _through(xapi.post_statements([sent()])) <= _millis(dt.datetime.now(dt.UTC))


def test_consistent_through_waits_behind_a_write_under_way(client, credential, store):
    """While a write holds the write lock (it takes its `stored` times after the lock), the
    header is the newest committed statement's `stored` time: a query answered meanwhile misses
    nothing stored up to it, and the write in flight is stored after it."""
    created, secret = credential
    xapi = XapiClient(client, created.key, secret)
    committed = store.record([sent()], created)
    newest = store.get(committed[0])["stored"]
    holding, release = threading.Event(), threading.Event()

    def hold(write: StatementWrite) -> None:
        if any(s["object"].get("id") == HELD for s in write.statements):
            holding.set()
            assert release.wait(20)

    store.add_statement_check(hold)
    in_flight = sent(object={"objectType": "Activity", "id": HELD})
    app = current_app._get_current_object()

    def write() -> None:
        with app.app_context():
            store.record([in_flight], created)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert holding.wait(20)
        answer = xapi.get_statements()
    finally:
        release.set()
        writer.join(20)
        store._statement_checks.remove(hold)
    assert _through(answer) == newest[:23] + "Z"
    assert [s["id"] for s in answer.get_json()["statements"]] == committed
    assert store.get(in_flight["id"])["stored"] > newest


# --- Several processes ------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served_lrs(app, migrated_database_url, tmp_path: Path):
    """`lms lrs serve` on the test database: two worker processes of four threads."""
    port = _free_port()
    lms = Path(sys.executable).with_name("lms")
    log = (tmp_path / "lrs.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
        [str(lms), "lrs", "serve", "--port", str(port), "--workers", "2", "--threads", "4"],
        env={
            **os.environ,
            "LRS_DATABASE_URL": migrated_database_url,
            "LMS_INSTANCE_PATH": str(tmp_path / "portal"),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/healthz")
            health = probe.getresponse()
            assert json.loads(health.read()) == {"status": "ok", "database": "ok"}
            probe.close()
            break
        except OSError:
            assert server.poll() is None, (tmp_path / "lrs.log").read_text()
            assert time.monotonic() < deadline, "lms lrs serve did not start"
            time.sleep(0.2)
    try:
        yield port
    finally:
        server.terminate()
        server.wait(20)
        log.close()


def test_several_processes_take_turns_and_lose_nothing(served_lrs, store):
    created, secret = store.create_credential("processes", ["all"])
    token = base64.b64encode(f"{created.key}:{secret}".encode()).decode()
    headers = {
        "Authorization": f"Basic {token}",
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    batches = [[sent() for _ in range(15)] for _ in range(12)]

    def post(batch):
        acknowledged = []
        connection = http.client.HTTPConnection("127.0.0.1", served_lrs, timeout=30)
        for one in batch:
            connection.request("POST", "/xapi/statements", json.dumps(one), headers)
            answer = connection.getresponse()
            body = answer.read()
            if answer.status != 200:
                return f"{answer.status} {body[:200]!r}"
            acknowledged += json.loads(body)
        connection.close()
        return acknowledged

    results = _in_threads([lambda b=b: post(b) for b in batches])
    assert all(isinstance(result, list) for result in results), results
    assert sorted(sum(results, [])) == sorted(s["id"] for batch in batches for s in batch)
    rows = _rows(store)
    assert len(rows) == 12 * 15
    # Stored order is visible order: `stored` grows with `seq` across both processes.
    assert [row[1] for row in rows] == sorted(row[1] for row in rows)
