"""Bridge benchmark: how fast stored statements become CPT entries.

    .venv/bin/python bench/bridge_bench.py [--statements 1000000] [--people 5000] [--seconds 20]

1. Throughput: a fresh SQLite instance gets `--statements` statements straight into the LRS's
   statement table (a realistic mix: a quarter are course completions by known people, a few by
   strangers or about uncertified activities, the rest the other statements a course makes),
   then one `catch_up()` reads them all; prints statements per second.
2. Delay under load: the bridge runs as the portal runs it (a thread started after every
   commit), while writer threads store statements through the LRS's Python API as fast as they
   can; each completion's delay from stored to its CPT entry being visible is measured.

Never part of the test run. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

BASE = "http://127.0.0.1:5000"
NOISE_VERBS = [
    "http://adlnet.gov/expapi/verbs/initialized",
    "http://adlnet.gov/expapi/verbs/terminated",
    "http://adlnet.gov/expapi/verbs/responded",
    "http://adlnet.gov/expapi/verbs/experienced",
    "http://adlnet.gov/expapi/verbs/suspended",
    "http://adlnet.gov/expapi/verbs/resumed",
]
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def build_app(instance: Path):
    os.environ["LMS_INSTANCE_PATH"] = str(instance)
    os.environ["LMS_LOG_LEVEL"] = "WARNING"
    from lms import migrate
    from lms.app import create_app

    app = create_app()
    with app.app_context():
        migrate.upgrade()
    return app


def seed_people_and_courses(people: int) -> tuple[list[str], list[int]]:
    from lms.accounts.models import Person, RoleGrant
    from lms.catalog.models import Course, CourseCertification
    from lms.db import db, utcnow

    now = utcnow()
    post_ids = [
        f"B{n // 1000000 % 100:02d}-{n // 1000 % 1000:03d}-{n % 1000:03d}" for n in range(people)
    ]
    db.session.execute(
        insert(Person),
        [
            {
                "email": f"officer{n}@bench.test",
                "first_name": "Bench",
                "last_name": f"Officer {n}",
                "post_id": post_id,
                "post_id_linked_at": now,
                "created_at": now,
            }
            for n, post_id in enumerate(post_ids)
        ],
    )
    ids = list(db.session.scalars(select(Person.id)))
    db.session.execute(
        insert(RoleGrant), [{"person_id": pid, "role": "peace_officer"} for pid in ids]
    )
    course_ids = []
    for n in range(10):
        course = Course(
            slug=f"bench-{n}",
            title=f"Bench course {n}",
            audience_codes="peace_officer",
            delivery="distance",
            published=True,
        )
        course.certification = CourseCertification(
            certification_number=f"1850-{n:05d}",
            cpt_hours=Decimal(2),
            credit_rule="automatic",
            completion="completed",
        )
        db.session.add(course)
        db.session.flush()
        course_ids.append(course.id)
    db.session.commit()
    return post_ids, course_ids


def statement(verb: str, name: str, activity: str, when: dt.datetime) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": BASE, "name": name}},
        "verb": {"id": verb},
        "object": {"objectType": "Activity", "id": activity},
        # Recorded by the portal (SCORM sessions): an authority the bridge credits.
        "authority": {
            "objectType": "Agent",
            "name": "Learning Portal",
            "account": {"homePage": BASE, "name": "learning-portal"},
        },
        "timestamp": when.isoformat().replace("+00:00", "Z"),
        "stored": when.isoformat().replace("+00:00", "Z"),
        "version": "2.0.0",
    }


def fill_statements(app, count: int, post_ids: list[str], course_ids: list[int]) -> dict[str, int]:
    """Insert `count` statements straight into the LRS's table (setup only, not measured)."""
    from lrs.backend import schema

    rng = random.Random(7)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    mix = {"completions": 0, "unknown_people": 0, "uncertified": 0, "other": 0}
    store = app.extensions["lrs"]
    batch: list[dict] = []
    with store.engine.begin() as connection:
        for n in range(count):
            when = start + dt.timedelta(seconds=n * 50)
            draw = rng.random()
            course = f"{BASE}/courses/{rng.choice(course_ids)}"
            person = rng.choice(post_ids)
            if draw < 0.25:
                st, kind = statement(COMPLETED, person, course, when), "completions"
            elif draw < 0.27:
                st, kind = statement(COMPLETED, "Z99-999-999", course, when), "unknown_people"
            elif draw < 0.29:
                st = statement(COMPLETED, person, "https://elsewhere.example/x", when)
                kind = "uncertified"
            else:
                st = statement(rng.choice(NOISE_VERBS), person, f"{course}/sco-1", when)
                kind = "other"
            mix[kind] += 1
            batch.append(
                {
                    "id": st["id"],
                    "stored": when,
                    "timestamp": when,
                    "verb_id": st["verb"]["id"],
                    "voided": False,
                    "is_voiding": False,
                    "version": "2.0.0",
                    "raw": json.dumps(st),
                }
            )
            if len(batch) == 10_000:
                connection.execute(insert(schema.statement), batch)
                batch.clear()
        if batch:
            connection.execute(insert(schema.statement), batch)
    return mix


def throughput(app, count: int) -> dict[str, float]:
    from lms.bridge.services import catch_up

    with app.app_context():
        started = time.perf_counter()
        done = catch_up(limit=5000)
        seconds = time.perf_counter() - started
    return {
        "statements": count,
        "seconds": round(seconds, 2),
        "statements_per_second": round(count / seconds),
        "qualifying_read": done.read,
        "entries_made": done.made,
        "skipped": done.skipped,
    }


def delay_under_load(app, post_ids: list[str], course_ids: list[int], seconds: float) -> dict:
    """Writers store statements through the LRS API while the bridge thread follows them."""
    from lms.player import records
    from lms.training.models import CptEntry

    delays: list[float] = []
    stored_count = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def writer(seed: int, completions: bool) -> None:
        rng = random.Random(seed)
        with app.app_context():
            while time.monotonic() < stop:
                now = dt.datetime.now(dt.UTC)
                course = f"{BASE}/courses/{rng.choice(course_ids)}"
                if completions:
                    st = statement(COMPLETED, rng.choice(post_ids), course, now)
                    del st["stored"], st["version"]
                    records.record([st])
                    stored_at = time.monotonic()
                    while True:
                        found = app.extensions["lrs"].engine.connect()
                        try:
                            from sqlalchemy import text

                            seen = found.execute(
                                text("SELECT 1 FROM cpt_entry WHERE statement_id = :id"),
                                {"id": st["id"]},
                            ).first()
                        finally:
                            found.close()
                        if seen:
                            break
                        if time.monotonic() - stored_at > 30:
                            raise SystemExit("an entry did not appear within 30 s")
                        time.sleep(0.002)
                    with lock:
                        delays.append(time.monotonic() - stored_at)
                        stored_count[0] += 1
                else:
                    noise = [
                        statement(
                            rng.choice(NOISE_VERBS), rng.choice(post_ids), f"{course}/sco", now
                        )
                        for _ in range(20)
                    ]
                    for st in noise:
                        del st["stored"], st["version"]
                    records.record(noise)
                    with lock:
                        stored_count[0] += 20

    threads = [threading.Thread(target=writer, args=(n, n < 4)) for n in range(6)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    with app.app_context():
        app.extensions["bridge"].wait_idle(30)
        from lms.db import db

        made = db.session.query(CptEntry).count()
    delays.sort()
    return {
        "seconds": round(elapsed, 1),
        "statements_stored": stored_count[0],
        "stored_per_second": round(stored_count[0] / elapsed),
        "completions_measured": len(delays),
        "delay_ms_median": round(statistics.median(delays) * 1000, 1),
        "delay_ms_p95": round(delays[int(len(delays) * 0.95) - 1] * 1000, 1),
        "delay_ms_max": round(delays[-1] * 1000, 1),
        "entries_total": made,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="bridge-bench-"))
    app = build_app(instance)
    with app.app_context():
        post_ids, course_ids = seed_people_and_courses(args.people)
    filled = time.perf_counter()
    mix = fill_statements(app, args.statements, post_ids, course_ids)
    print(f"stored {args.statements} statements in {time.perf_counter() - filled:.1f} s: {mix}")
    figures = {"throughput": throughput(app, args.statements)}
    print(f"throughput: {figures['throughput']}")
    figures["under_load"] = delay_under_load(app, post_ids, course_ids, args.seconds)
    print(f"under load: {figures['under_load']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
