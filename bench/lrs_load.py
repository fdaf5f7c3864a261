"""The LRS over HTTP, served by `lms lrs serve` (gunicorn), under the same load on SQLite and on
PostgreSQL, then on PostgreSQL again with 1,000,000 and 5,000,000 statements in the store.

    .venv/bin/python bench/lrs_load.py     # --seconds 15 --workers 2 --threads 8
        # --sizes 1000000,5000000 --skip-sqlite --skip-fill --postgres-url URL

For each database: a credential (`lms lrs credential create --database-url`), the server, then
(1) single-statement POSTs from 8 clients, (2) batches of 100 from 1 client, (3) batches of 100
from 8 clients, (a) agent + verb + since, first page of 10, as a dashboard asks, and (b) verb +
since, a page of 100, from 8 clients; each load runs `--seconds`, and each query kind again
from one client for a third of it (a query's own time, without the wait for a core). Every
client is a process of its own with one kept-alive connection, its bodies serialised before the
clock starts; every answer that is not 2xx is an error, and the first few are printed.

On PostgreSQL the store is then filled to each of `--sizes` through a bulk path, not the API:
rows made as the LRS makes them (`command._complete`, `command._row`, `indexing.rows_for`)
written with COPY by a pool of processes, then ANALYZE; the queries and a short single-POST
load run again against the same server. `since` is a day before the run, so every statement
qualifies and a query's cost is that of its index walk, which should not grow with the store.

Without `--postgres-url` a throwaway PostgreSQL 15 cluster (fsync on, default settings) is made
in a temporary folder and removed at the end; SQLite is a file in a temporary folder. Statements
are made deterministically: ids are uuid5 of a counter, everything else is drawn from the same
digest (300 agents by account, 10 verbs, 50 assignable units in 5 courses, a registration per
learner and course, cmi5 context activities and session id, timestamps 6 s apart).

Never part of the test run. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import functools
import hashlib
import http.client
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from portal import environment, free_port

ROOT = Path(__file__).resolve().parent.parent
LMS = str(ROOT / ".venv" / "bin" / "lms")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
GIT = shutil.which("git") or "/usr/bin/git"
SEED = 7
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, f"https://lms.example/bench/lrs-load/{SEED}")
HOME = "https://lms.example"
AGENTS, COURSES, UNITS_PER_COURSE = 300, 5, 10
CMI5 = "https://w3id.org/xapi/cmi5"
ADL = "http://adlnet.gov/expapi/verbs"
# (verb, share in %): what a cmi5 course sends, its answers and progress most of all.
VERBS = [
    (f"{ADL}/launched", 10),
    (f"{ADL}/initialized", 12),
    (f"{ADL}/progressed", 15),
    (f"{ADL}/answered", 25),
    (f"{ADL}/experienced", 10),
    (f"{ADL}/completed", 6),
    (f"{ADL}/passed", 5),
    (f"{ADL}/failed", 2),
    ("https://w3id.org/xapi/adl/verbs/satisfied", 3),
    (f"{ADL}/terminated", 12),
]
VERB_BY_PERCENT = [verb for verb, share in VERBS for _ in range(share)]
CMI5_DEFINED = {f"{ADL}/{v}" for v in ("launched", "initialized", "completed", "passed")} | {
    f"{ADL}/failed",
    f"{ADL}/terminated",
    "https://w3id.org/xapi/adl/verbs/satisfied",
}
FIRST_TIMESTAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
CLIENTS, BATCH = 8, 100
# Counters of the statements each load makes: one block per load and client, never reused.
LOAD_BLOCK, CLIENT_BLOCK, FILL_COUNTERS = 10**8, 10**7, 10**11
STATEMENT_COLUMNS = (
    "seq",
    "id",
    "stored",
    "timestamp",
    "verb_id",
    "registration",
    "target_id",
    "voided",
    "is_voiding",
    "credential_id",
    "version",
    "raw",
)
TARGETS = {
    "single_8": (">=", 600, "statements/s"),
    "batch_1": (">=", 5000, "statements/s"),
    "batch_8": (">=", 8000, "statements/s, 0 errors"),
    "agent_verb_since": ("<=", 20, "ms p95"),
    "verb_since_100": ("<=", 30, "ms p95"),
}


@functools.cache
def agent(number: int) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": f"Officer {number}",
        "account": {"homePage": HOME, "name": f"officer-{number:04d}"},
    }


def course_iri(course: int) -> str:
    return f"{HOME}/courses/{course}"


@functools.cache
def unit(course: int, number: int) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{course_iri(course)}/au/{number}",
        "definition": {
            "name": {"en-US": f"Course {course}, unit {number}"},
            "type": f"{CMI5}/activitytype/block" if number == 0 else f"{CMI5}/activitytype/au",
        },
    }


@functools.cache
def registration_of(learner: int, course: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"registration-{learner}-{course}"))


def course_statement(counter: int) -> dict[str, Any]:
    """Statement number `counter` of a cmi5 course: its id and every choice from one digest.
    The agents, activities and registrations are shared objects: nothing changes them."""
    statement_id = uuid.uuid5(NAMESPACE, str(counter))
    draw = hashlib.sha256(statement_id.bytes).digest()
    learner = int.from_bytes(draw[0:2]) % AGENTS
    course = learner % COURSES if draw[2] < 192 else draw[3] % COURSES
    verb = VERB_BY_PERCENT[draw[4] % 100]
    minutes, seconds, scaled = draw[5] % 60, draw[6] % 60, round(draw[7] / 255, 2)
    result: dict[str, Any] = {}
    if verb.endswith("/completed"):
        result = {"completion": True, "duration": f"PT{minutes}M{seconds}S"}
    elif verb.endswith(("/passed", "/failed")):
        result = {
            "success": verb.endswith("/passed"),
            "score": {"scaled": scaled},
            "duration": f"PT{minutes}M{seconds}S",
        }
    elif verb.endswith("/answered"):
        result = {"response": f"choice-{draw[8] % 4}", "success": draw[8] % 4 == 1}
    elif verb.endswith("/progressed"):
        result = {"extensions": {f"{CMI5}/result/extensions/progress": draw[9] % 100}}
    elif verb.endswith("/terminated"):
        result = {"duration": f"PT{minutes}M{seconds}S"}
    categories = [{"id": f"{CMI5}/context/categories/cmi5"}] if verb in CMI5_DEFINED else []
    if verb.endswith(("/completed", "/passed")):
        categories.append({"id": f"{CMI5}/context/categories/moveon"})
    registration = registration_of(learner, course)
    # A session: 40 statements in a row of one registration's (cmi5 §9.6.3.1).
    session = hashlib.sha256(f"{registration}{counter // 40}".encode()).digest()[:16]
    context: dict[str, Any] = {
        "registration": registration,
        "contextActivities": {"grouping": [{"id": course_iri(course)}]},
        "extensions": {
            f"{CMI5}/context/extensions/sessionid": str(uuid.UUID(bytes=session, version=4))
        },
    }
    if categories:
        context["contextActivities"]["category"] = categories
    statement = {
        "id": str(statement_id),
        "actor": agent(learner),
        "verb": {"id": verb, "display": {"en-US": verb.rpartition("/")[2]}},
        "object": unit(course, draw[10] % UNITS_PER_COURSE),
        "context": context,
        "timestamp": (FIRST_TIMESTAMP + dt.timedelta(seconds=6 * (counter % 5_000_000)))
        .isoformat()
        .replace("+00:00", "Z"),
    }
    if result:
        statement["result"] = result
    return statement


# --- Clients: one process each, one kept-alive connection, bodies made before the clock. ---


def _client(
    host: str,
    port: int,
    headers: dict[str, str],
    requests: list[tuple[str, str, bytes | None, int]],
    seconds: float,
    barrier: Any,
    results: Any,
) -> None:
    """Send `requests` (method, path, body, statements in it) round and round until `seconds`
    have passed since all clients were ready; report counts, latencies and the first errors."""
    # Ctrl-C reaches the whole process group: the parent alone stops the clients.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    connection = http.client.HTTPConnection(host, port, timeout=120)
    latencies: list[float] = []
    statements = errors = sizes_seen = statements_seen = 0
    first_errors: list[str] = []
    barrier.wait(timeout=600)
    start = time.monotonic()
    deadline = start + seconds
    position = 0
    while time.monotonic() < deadline:
        method, path, body, count = requests[position % len(requests)]
        position += 1
        sent = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException) as error:
            errors += 1
            if len(first_errors) < 3:
                first_errors.append(f"{method} {path[:40]}: {type(error).__name__}: {error}")
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=120)
            continue
        latencies.append(time.perf_counter() - sent)
        if not 200 <= response.status < 300:
            errors += 1
            if len(first_errors) < 3:
                first_errors.append(f"{method} {path[:40]}: {response.status} {answer[:200]!r}")
            continue
        statements += count
        if method == "GET" and position % 20 == 1:
            sizes_seen += 1
            statements_seen += len(json.loads(answer)["statements"])
    results.put(
        {
            "start": start,
            "end": time.monotonic(),
            "requests": position,
            "statements": statements,
            "errors": errors,
            "first_errors": first_errors,
            "latencies": latencies,
            "page_sizes": (sizes_seen, statements_seen),
            "wrapped": position > len(requests),
        }
    )


def percentile(ordered: list[float], share: float) -> float:
    """Nearest rank, in ms."""
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, int(len(ordered) * share + 0.999999) - 1))
    return round(ordered[rank] * 1000, 1)


class Server:
    """One LRS served by `lms lrs serve` on one database, and how to load it."""

    def __init__(self, url: str, work: Path, workers: int, threads: int, label: str) -> None:
        self.url, self.label = url, label
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = environment(work / f"instance-{label}")
        made = subprocess.run(
            [LMS, "lrs", "credential", "create", "bench", "--scope", "all"]
            + ["--database-url", url],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        self.credential = json.loads(made.stdout.strip().splitlines()[-1])
        token = base64.b64encode(
            f"{self.credential['key']}:{self.credential['secret']}".encode()
        ).decode()
        self.headers = {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": "2.0.0",
            "Content-Type": "application/json",
        }
        self.log_path = work / f"server-{label}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [LMS, "lrs", "serve", "--database-url", url, "--port", str(self.port)]
            + ["--workers", str(workers), "--threads", str(threads)],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait()
        self.counter_block = 0

    def _wait(self, seconds: float = 60) -> None:
        """Until the LRS answers /healthz (or, served from a commit before the LRS had one,
        its About resource, which needs no credential)."""
        deadline = time.monotonic() + seconds
        path = "/healthz"
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"the LRS did not start: see {self.log_path}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", path)
                status = connection.getresponse().status
                if status == 200:
                    return
                if status == 404:
                    path = "/xapi/about"
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the LRS did not answer in {seconds} s: see {self.log_path}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def problems(self) -> dict[str, int]:
        """The exceptions of the server's log (its tracebacks' last lines), each with how often
        it came, the most frequent first."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        found = Counter(
            line
            for line in lines
            if ("Error" in line or "[CRITICAL]" in line)
            and not line.startswith(("127.0.0.1", " ", "20"))
        )
        return dict(found.most_common(8))

    def run(self, name: str, plans: list[list[tuple[str, str, bytes | None, int]]], seconds: float):
        """Each plan in a client process of its own, all started together for `seconds`."""
        context = multiprocessing.get_context("fork")
        barrier, results = context.Barrier(len(plans) + 1), context.Queue()
        processes = [
            context.Process(
                target=_client,
                args=("127.0.0.1", self.port, self.headers, plan, seconds, barrier, results),
                daemon=True,
            )
            for plan in plans
        ]
        for process in processes:
            process.start()
        try:
            barrier.wait(timeout=600)
            reports = [results.get(timeout=seconds + 300) for _ in processes]
        except BaseException:
            for process in processes:
                process.terminate()
            raise
        finally:
            for process in processes:
                process.join(10)
        elapsed = max(r["end"] for r in reports) - min(r["start"] for r in reports)
        latencies = sorted(x for r in reports for x in r["latencies"])
        statements = sum(r["statements"] for r in reports)
        pages, seen = (sum(r["page_sizes"][i] for r in reports) for i in (0, 1))
        figures = {
            "clients": len(plans),
            "seconds": round(elapsed, 1),
            "requests": sum(r["requests"] for r in reports),
            "errors": sum(r["errors"] for r in reports),
            "p50_ms": percentile(latencies, 0.50),
            "p95_ms": percentile(latencies, 0.95),
        }
        if plans[0][0][0] == "POST":
            figures["statements_per_second"] = round(statements / elapsed)
        else:
            figures["queries_per_second"] = round(len(latencies) / elapsed)
            figures["statements_per_page"] = round(seen / pages, 1) if pages else None
        if any(r["wrapped"] for r in reports):
            figures["note"] = "a client used up its bodies and sent some again"
        first_errors = [e for r in reports for e in r["first_errors"]][:5]
        if first_errors:
            figures["first_errors"] = first_errors
        print(f"  [{self.label}] {name}: {_brief(figures)}", flush=True)
        for error in first_errors:
            print(f"      error: {error}", flush=True)
        return figures

    def posts(self, name: str, clients: int, batch: int, seconds: float, cap: float) -> dict:
        """POST loads; each client's bodies made up front (`cap` statements/s per client)."""
        self.counter_block += 1
        per_client = max(2, int(cap * seconds / batch))
        plans = []
        for client in range(clients):
            base = self.counter_block * LOAD_BLOCK + client * CLIENT_BLOCK
            plan = []
            for number in range(per_client):
                statements = [course_statement(base + number * batch + i) for i in range(batch)]
                body = json.dumps(statements[0] if batch == 1 else statements).encode()
                plan.append(("POST", "/xapi/statements", body, batch))
            plans.append(plan)
        return self.run(name, plans, seconds)

    def queries(
        self,
        name: str,
        seconds: float,
        since: str,
        limit: int,
        by_agent: bool,
        clients: int = CLIENTS,
    ) -> dict:
        plans = []
        for client in range(clients):
            plan = []
            for number in range(500):
                draw = hashlib.sha256(f"{name}-{client}-{number}".encode()).digest()
                params = {"verb": VERBS[draw[0] % len(VERBS)][0], "since": since}
                if by_agent:
                    learner = agent(int.from_bytes(draw[1:3]) % AGENTS)
                    params["agent"] = json.dumps({"account": learner["account"]})
                params["limit"] = str(limit)
                plan.append(("GET", f"/xapi/statements?{urlencode(params)}", None, 0))
            plans.append(plan)
        return self.run(name, plans, seconds)


def _brief(figures: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in figures.items() if k != "first_errors")


def measure_writes(server: Server, seconds: float) -> dict:
    return {
        "single_8": server.posts("single POSTs, 8 clients", CLIENTS, 1, seconds, 250),
        "batch_1": server.posts("batches of 100, 1 client", 1, BATCH, seconds, 12_000),
        "batch_8": server.posts("batches of 100, 8 clients", CLIENTS, BATCH, seconds, 2_500),
    }


def measure_queries(server: Server, seconds: float, since: str) -> dict:
    """8 clients as asked, and one client for a shorter while: its latency is a query's own,
    where the 8 clients' is also their wait for a free core."""
    alone = max(2.0, seconds / 3)
    return {
        "agent_verb_since": server.queries("agent+verb+since, limit 10", seconds, since, 10, True),
        "verb_since_100": server.queries("verb+since, limit 100", seconds, since, 100, False),
        "agent_verb_since_1": server.queries(
            "agent+verb+since, limit 10, 1 client", alone, since, 10, True, clients=1
        ),
        "verb_since_100_1": server.queries(
            "verb+since, limit 100, 1 client", alone, since, 100, False, clients=1
        ),
    }


LABELS = {
    "single_8": "single-statement POSTs, 8 clients",
    "batch_1": "batches of 100, 1 client",
    "batch_8": "batches of 100, 8 clients",
    "agent_verb_since": "agent+verb+since, first page of 10",
    "verb_since_100": "verb+since, page of 100",
    "agent_verb_since_1": "  the same, 1 client (no queueing)",
    "verb_since_100_1": "  the same, 1 client (no queueing)",
}


def print_table(title: str, figures: dict) -> None:
    print(f"\n{title}")
    print(f"  {'figure':<40} {'value':<48} target")
    for name, label in LABELS.items():
        found = figures.get(name)
        if found is None:
            continue
        relation, goal, unit_name = TARGETS.get(name, ("", None, ""))
        errors = f"{found['errors']} errors"
        if "statements_per_second" in found:
            measured = found["statements_per_second"]
            value = f"{measured:,} statements/s, {errors}"
            if name == "single_8":
                value += f", p50 {found['p50_ms']} ms, p95 {found['p95_ms']} ms"
            met = measured >= goal and (name != "batch_8" or found["errors"] == 0)
        else:
            value = (
                f"p50 {found['p50_ms']} ms, p95 {found['p95_ms']} ms, "
                f"{found['queries_per_second']}/s, {errors}"
            )
            met = found["p95_ms"] <= goal if goal else None
        target = f"{relation} {goal:,} {unit_name}" if goal else ""
        verdict = "" if met is None else (": met" if met else ": NOT met")
        print(f"  {label:<40} {value:<48} {target}{verdict}")


# --- PostgreSQL: a throwaway cluster, and the bulk fill. ---


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A PostgreSQL 15 cluster of its own in a temporary folder (initdb refuses root, so it runs
    as postgres), removed afterwards; yields the URL of its database `lrs`."""
    import psycopg

    folder = Path(tempfile.mkdtemp(prefix="lrs-load-pg-"))
    shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_postgres, str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        capture_output=True,
    )
    pg_ctl = [*as_postgres, str(PG_BIN / "pg_ctl"), "-D", str(data)]
    try:
        subprocess.run(
            [*pg_ctl, "-o", f"-p {port} -h 127.0.0.1 -k {folder}", "-l", str(folder / "log")]
            + ["-w", "start"],
            check=True,
            capture_output=True,
        )
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres") as admin:
            admin.autocommit = True
            admin.execute("CREATE DATABASE lrs")
        print(f"PostgreSQL 15 cluster in {folder} on port {port} (fsync on, default settings)")
        yield f"postgresql://postgres@127.0.0.1:{port}/lrs"
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


_FILL: dict[str, Any] = {}


def _fill_start(url: str, credential_id: int, authority: dict, moment: dt.datetime) -> None:
    import psycopg

    # A pool process: Ctrl-C is the parent's to handle, and it ends the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    connection = psycopg.connect(_libpq(url))
    # The filter rows' foreign key holds by construction; its check per row is a third of the
    # COPY's time. Skipped where the role may (a superuser: the throwaway cluster's).
    try:
        connection.execute("SET session_replication_role = replica")
        connection.commit()
    except psycopg.errors.InsufficientPrivilege:
        connection.rollback()
    _FILL.update(
        connection=connection,
        credential_id=credential_id,
        authority=authority,
        moment=moment,
    )


def _fill_chunk(chunk: tuple[int, int]) -> tuple[int, int, float, float]:
    """Statements with seq first..first+count-1, their rows made as the LRS makes them,
    written with COPY in one transaction; returns (statements, filter rows, seconds making
    the rows, seconds writing them)."""
    from lrs.ops import command, indexing

    first, count = chunk
    made = time.perf_counter()
    statements, index_rows = [], []
    # A statement's filter rows follow from its actor, object, verb and registration (the
    # context activities from the object and verb, the authority is the fill's): made once each.
    filter_rows = _FILL.setdefault("filter_rows", {})
    for seq in range(first, first + count):
        sent = course_statement(FILL_COUNTERS + seq)
        moment = _FILL["moment"] + dt.timedelta(microseconds=seq)
        stored = command._complete(sent, sent["id"], moment, _FILL["authority"], "2.0.0")
        row = command._row(stored, _FILL["credential_id"])
        statements.append((seq, *(row[name] for name in STATEMENT_COLUMNS[1:])))
        shape = (sent["actor"]["account"]["name"], sent["object"]["id"], sent["verb"]["id"])
        shape += (row["registration"],)
        if shape not in filter_rows:
            filter_rows[shape] = indexing.rows_for(stored)
        index_rows.extend((seq, *filter_row) for filter_row in filter_rows[shape])
    copied = time.perf_counter()
    connection = _FILL["connection"]
    with connection.cursor() as cursor:
        columns = ", ".join(STATEMENT_COLUMNS)
        with cursor.copy(f"COPY lrs_statement ({columns}) FROM STDIN") as copy:
            for statement_row in statements:
                copy.write_row(statement_row)
        with cursor.copy("COPY lrs_statement_index (seq, kind, key, narrow) FROM STDIN") as copy:
            for index_row in index_rows:
                copy.write_row(index_row)
    connection.commit()
    return count, len(index_rows), copied - made, time.perf_counter() - copied


def _remember_catalog(connection: Any) -> None:
    """The Activities and Agents resources' rows of every activity and agent the fill names,
    where the HTTP loads have not made them already (as command._remember_* would)."""
    from lrs.identifiers import activity_key, agent_key, dumps, ifi_of

    now = dt.datetime.now(dt.UTC)
    activities = [(course_iri(c), None) for c in range(COURSES)] + [
        (f"{CMI5}/context/categories/{name}", None) for name in ("cmi5", "moveon")
    ]
    for course in range(COURSES):
        for number in range(UNITS_PER_COURSE):
            made = unit(course, number)
            activities.append((made["id"], dumps(made["definition"])))
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO lrs_activity (key, activity_id, definition, updated) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (key) DO NOTHING",
            [(activity_key(iri), iri, definition, now) for iri, definition in activities],
        )
        people = [agent(number) for number in range(AGENTS)]
        cursor.executemany(
            "INSERT INTO lrs_agent (key, ifi, agent, updated) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (key) DO NOTHING",
            [
                (
                    agent_key(person),
                    ifi_of(person),
                    dumps({"account": person["account"], "name": [person["name"]]}),
                    now,
                )
                for person in people
            ],
        )


def fill(url: str, size: int, credential_id: int, authority: dict, processes: int) -> dict:
    """Fill the store up to `size` statements, after the newest seq, then ANALYZE."""
    import psycopg

    with psycopg.connect(_libpq(url)) as connection:
        held, newest = connection.execute(
            "SELECT count(*), coalesce(max(seq), 0) FROM lrs_statement"
        ).fetchone()
    needed = size - held
    if needed <= 0:
        return {"size": size, "added": 0}
    chunk = 5_000
    chunks = [(newest + 1 + n, min(chunk, needed - n)) for n in range(0, needed, chunk)]
    print(f"\nfilling PostgreSQL from {held:,} to {size:,} statements ({processes} processes)")
    started = time.perf_counter()
    added = filter_rows = 0
    making = writing = 0.0
    context = multiprocessing.get_context("fork")
    moment = dt.datetime.now(dt.UTC)
    with context.Pool(processes, _fill_start, (url, credential_id, authority, moment)) as pool:
        for done, rows, made, written in pool.imap_unordered(_fill_chunk, chunks):
            added += done
            filter_rows += rows
            making += made
            writing += written
            if added % 250_000 < chunk or added == needed:
                rate = added / (time.perf_counter() - started)
                print(f"  {held + added:>10,} statements, {rate:,.0f}/s", flush=True)
    fill_seconds = time.perf_counter() - started
    with psycopg.connect(_libpq(url), autocommit=True) as connection:
        connection.execute(
            "SELECT setval(pg_get_serial_sequence('lrs_statement', 'seq'), "
            "(SELECT max(seq) FROM lrs_statement))"
        )
        _remember_catalog(connection)
        analyzed = time.perf_counter()
        connection.execute("ANALYZE")
        analyze_seconds = time.perf_counter() - analyzed
        database_mb = connection.execute("SELECT pg_database_size(current_database())").fetchone()
    figures = {
        "size": size,
        "added": added,
        "filter_rows": filter_rows,
        "seconds": round(fill_seconds, 1),
        "statements_per_second": round(added / fill_seconds),
        "filter_rows_per_second": round(filter_rows / fill_seconds),
        # Summed over the pool's processes: where the fill's time went.
        "process_seconds_making_rows": round(making, 1),
        "process_seconds_in_copy": round(writing, 1),
        "analyze_seconds": round(analyze_seconds, 1),
        "database_mb": round(database_mb[0] / 1e6),
    }
    print(f"  filled: {_brief(figures)}", flush=True)
    return figures


def _stop_once(number: int, frame: Any) -> None:
    """Ctrl-C or SIGTERM: stop, and let nothing interrupt the cleanup (the server, the
    cluster and the temporary folders) that follows."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if number == signal.SIGINT:
        raise KeyboardInterrupt
    sys.exit(128 + number)


def code_measured() -> str:
    """The commit the LRS was served from, and whether lrs/ had changes not committed."""
    try:
        head = subprocess.run(
            [GIT, "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            [GIT, "--no-optional-locks", "-C", str(ROOT), "status", "--porcelain", "lrs"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    changed = [line for line in changed if line.strip()]
    return f"{head} with {len(changed)} files of lrs/ changed" if changed else head


def measure(server: Server, seconds: float, since: str, writes: bool) -> dict:
    figures = measure_writes(server, seconds) if writes else {}
    figures.update(measure_queries(server, seconds, since))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15, help="of each load")
    parser.add_argument("--sizes", default="1000000,5000000", help="store sizes to fill to")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=8, help="threads of each")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-fill", action="store_true")
    parser.add_argument("--postgres-url", help="use this database instead of a throwaway one")
    parser.add_argument("--fill-processes", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size]
    # A day before the run: every statement qualifies, a page costs its index walk.
    since = (
        (dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )
    print(
        f"lms lrs serve: {args.workers} workers x {args.threads} threads; loads of "
        f"{args.seconds:g} s; {CLIENTS} client processes; since={since}; cores: {os.cpu_count()}",
        flush=True,
    )
    signal.signal(signal.SIGINT, _stop_once)
    signal.signal(signal.SIGTERM, _stop_once)
    report: dict[str, Any] = {"code": code_measured()}
    print(f"code measured: {report['code']}")
    report.update(workers=args.workers, threads=args.threads)
    report["seconds"] = args.seconds
    started = time.perf_counter()
    with ExitStack() as cleanup:
        work = Path(tempfile.mkdtemp(prefix="lrs-load-"))
        cleanup.callback(shutil.rmtree, work, ignore_errors=True)
        if not args.skip_sqlite:
            server = Server(
                f"sqlite:///{work / 'lrs.sqlite3'}", work, args.workers, args.threads, "sqlite"
            )
            try:
                report["sqlite"] = measure(server, args.seconds, since, writes=True)
            finally:
                server.stop()
            report["sqlite"]["server_errors"] = server.problems()
            print_table("SQLite (a file), empty store at first", report["sqlite"])
        url = args.postgres_url or cleanup.enter_context(postgres_cluster())
        server = Server(url, work, args.workers, args.threads, "postgresql")
        cleanup.callback(server.stop)
        postgres: dict[str, Any] = {"empty": measure(server, args.seconds, since, writes=True)}
        report["postgresql"] = postgres
        print_table(
            "PostgreSQL, the store as found (empty unless --postgres-url)", postgres["empty"]
        )
        if not args.skip_fill:
            from lrs.credentials import authority_for

            # What authority_for reads of a credential: its name and key.
            named = SimpleNamespace(name=server.credential["name"], key=server.credential["key"])
            authority = authority_for(named, server.base)  # type: ignore[arg-type]
            credential_id = _credential_id(url, server.credential["key"])
            short = max(3.0, args.seconds / 3)
            for size in sizes:
                filled = fill(url, size, credential_id, authority, args.fill_processes)
                figures = measure(server, args.seconds, since, writes=False)
                figures["single_8"] = server.posts(
                    "single POSTs, 8 clients (short)", CLIENTS, 1, short, 250
                )
                figures["fill"] = filled
                postgres[str(size)] = figures
                print_table(f"PostgreSQL, {size:,} statements in the store", figures)
        postgres["server_errors"] = server.problems()
    report["total_seconds"] = round(time.perf_counter() - started)
    for engine in ("sqlite", "postgresql"):
        for line, times in (report.get(engine) or {}).get("server_errors", {}).items():
            print(f"server log ({engine}), {times} times: {line}")
    print(json.dumps(report))


def _credential_id(url: str, key: str) -> int:
    import psycopg

    with psycopg.connect(_libpq(url)) as connection:
        found = connection.execute("SELECT id FROM lrs_credential WHERE key = %s", (key,))
        return int(found.fetchone()[0])


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("interrupted; the server, the cluster and the temporary folders are gone")
