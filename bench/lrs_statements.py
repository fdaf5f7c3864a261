"""LRS storage benchmark: write throughput, filtered query latency, and memory while paging.

    .venv/bin/python bench/lrs_statements.py --statements 100000 [--database-url URL]

Prints its figures; it is never part of the test run. Uses a fresh SQLite file by default.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from lms.migrate import MIGRATIONS
from lrs.api import LearningRecordStore
from lrs.ops.query import StatementQuery

VERBS = [
    f"http://adlnet.gov/expapi/verbs/{v}"
    for v in ("attempted", "completed", "passed", "failed", "experienced")
]
COURSES = [f"https://lms.example/courses/{n}" for n in range(200)]


def make_statement(person: int) -> dict:
    return {
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://lms.example", "name": f"P{person:08d}"},
        },
        "verb": {"id": random.choice(VERBS)},
        "object": {"id": random.choice(COURSES), "definition": {"name": {"en-US": "Course"}}},
        "context": {
            "registration": str(uuid.uuid4()),
            "contextActivities": {"parent": [{"id": random.choice(COURSES)}]},
        },
        "result": {"completion": True, "score": {"scaled": random.random()}},
    }


def migrate(url: str) -> None:
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    engine.dispose()


def timed(label: str, work, repeat: int = 20) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    median, p95 = statistics.median(times), sorted(times)[int(repeat * 0.95) - 1]
    print(f"{label:<44} median {median:7.2f} ms   p95 {p95:7.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=20000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    migrate(url)
    store = LearningRecordStore(create_engine(url), "https://lms.example")
    credential, _ = store.create_credential("bench", ["all"])
    print(
        f"database: {store.engine.dialect.name}; statements: {args.statements}; batch: {args.batch}"
    )

    random.seed(7)
    start = time.perf_counter()
    written = 0
    while written < args.statements:
        size = min(args.batch, args.statements - written)
        store.record(
            [make_statement(random.randrange(args.people)) for _ in range(size)], credential
        )
        written += size
    elapsed = time.perf_counter() - start
    print(
        f"write: {written / elapsed:8.0f} statements/s ({elapsed:.1f} s, batches of {args.batch})"
    )

    person = {
        "objectType": "Agent",
        "account": {"homePage": "https://lms.example", "name": "P00000042"},
    }
    timed("query: newest page (limit 100)", lambda: store.query(StatementQuery(limit=100)))
    timed("query: agent filter", lambda: store.query(StatementQuery(agent=person, limit=100)))
    timed(
        "query: verb + activity filter",
        lambda: store.query(StatementQuery(verb=VERBS[2], activity=COURSES[3], limit=100)),
    )
    timed(
        "query: related_activities",
        lambda: store.query(
            StatementQuery(activity=COURSES[5], related_activities=True, limit=100)
        ),
    )
    timed(
        "query: one statement by id",
        lambda: store.get(next(iter(store.read_from(store.newest_seq() - 1)))[1]["id"]),
    )

    tracemalloc.start()
    start = time.perf_counter()
    count = sum(1 for _ in store.read_from(0))
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"read everything in stored order: {count} statements in {elapsed:.1f} s, "
        f"peak Python memory {peak / 1e6:.1f} MB"
    )
    print(json.dumps({"statements": count, "peak_mb": round(peak / 1e6, 1)}))


if __name__ == "__main__":
    main()
