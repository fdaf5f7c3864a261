"""Reports benchmark: the training manager's pages at an agency's real size, over HTTP.

    .venv/bin/python bench/reports_bench.py [--learners 10000] [--sub-affiliations 50]
        [--statements 2000000] [--database-url URL] [--keep] [--reuse PATH]

1. The fill (long: run it once with --keep): a throwaway instance, migrated; ONE agency with
   `--learners` learners (sworn officers and dispatchers with POST-IDs, one in twenty an NPO)
   spread over `--sub-affiliations` sub-affiliations, and its training manager; 20 certified,
   published courses made through the catalog's service; 10 to 12 registrations per learner,
   inserted in bulk; then `--statements` statements through the LRS's bulk path
   (`LearningRecordStore.record_many`, under the portal's credential, in batches of
   `--batch`): for each registration, in a shuffled order, what a course sends (launched,
   initialized, progressed with the progress extension, answered and experienced, completed
   and/or passed or failed with result.score.scaled, terminated with result.duration), its
   `context.registration` the registration's UUID, its actor the learner's portal account
   (POST-ID), its object the course's activity IRI, timestamps spread over the current cycle.
2. The catch-up: the reports' activity projection (`lms.reports.activity.catch_up`), then
   `lms bridge` (statements to CPT entries), each timed.
3. The measurements (alone with `--reuse PATH`, on an instance kept by `--keep`): a portal is
   served by `lms run` (one process, as player_bench serves it); signed in as the training
   manager, the dashboard, a filtered Learner Activity page (sub-affiliation, status
   completed, sorted by last activity, page 2) and a person-filtered one, each `--requests`
   times (p50/p95); the agency-wide CSV export, streamed (rows/s; the serving process's peak
   RSS, VmHWM, and the largest VmRSS seen while it streamed); `--certificates` certificate
   PDFs of CPT entries of the agency (each asked twice: issued, then downloaded again).

Never part of the test run. A readable table, then one JSON object with the figures (the last
line printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from player_bench import Browser, percentile
from portal import CSRF, environment, free_port, wait_for

ROOT = Path(__file__).resolve().parents[1]
HOST = "lms.bench"  # the portal's host name (player_bench's Browser sends it)
BASE_URL = f"http://{HOST}"
STATE = "reports-bench.json"  # what a rerun with --reuse needs, in the instance folder
MANAGER_EMAIL = "training.manager@bench.example"
PASSWORD = "bench-manager-password"  # noqa: S105 (the benchmark's throwaway account)
TARGETS = {
    "page_p95_ms": 300,
    "export_rows_per_second": 20_000,
    "export_peak_rss_mb": 200,
    "certificate_p95_ms": 200,
}

ADL = "http://adlnet.gov/expapi/verbs/"
VERB = {
    name: {"id": f"{ADL}{name}", "display": {"en-US": name}}
    for name in (
        "launched",
        "initialized",
        "progressed",
        "answered",
        "experienced",
        "completed",
        "passed",
        "failed",
        "terminated",
    )
}
PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
COURSE_TITLES = [
    "Vehicle Pursuit Policy",
    "First Aid, CPR and AED Refresher",
    "Domestic Violence Response",
    "Racial and Identity Profiling",
    "Use of Force: Decision Making",
    "Strategic Communications",
    "Crisis Intervention",
    "Report Writing for Patrol",
    "Search and Seizure Update",
    "Officer Wellness",
    "Radio Procedures for Dispatchers",
    "Missing Persons Investigations",
    "Hazardous Materials Awareness",
    "Human Trafficking Awareness",
    "Elder and Dependent Adult Abuse",
    "Implicit Bias",
    "Tactical Medicine Basics",
    "Cybercrime for First Responders",
    "Courtroom Testimony",
    "Ethics and Professionalism",
]
FIRST_NAMES = [
    "Alex",
    "Blake",
    "Casey",
    "Dana",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Imani",
    "Jorge",
    "Kim",
    "Luis",
    "Maya",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Victor",
    "Wei",
    "Xavier",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Garcia",
    "Nguyen",
    "Smith",
    "Johnson",
    "Martinez",
    "Lee",
    "Brown",
    "Lopez",
    "Kim",
    "Patel",
    "Rodriguez",
    "Chen",
    "Davis",
    "Wilson",
    "Hernandez",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Perez",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Hill",
    "Flores",
    "Green",
    "Adams",
]


# --- the instance ------------------------------------------------------------------------


def settings(instance: Path, database_url: str | None) -> dict[str, str]:
    """The environment of every process on the instance: the fill, `lms bridge`, the portal."""
    env = environment(
        instance,
        LMS_ENV="development",
        LMS_BASE_URL=BASE_URL,
        LMS_CONTENT_BASE_URL=f"http://content.{HOST}",
        # The fill catches up once, afterwards, as a portal restarted after a bulk load would.
        LMS_BRIDGE_AFTER_STORE="0",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def make_app(instance: Path, database_url: str | None):  # noqa: ANN201 (a Flask app)
    sys.path.insert(0, str(ROOT))
    os.environ.update(settings(instance, database_url))
    from lms.app import create_app

    return create_app()


def save_state(instance: Path, state: dict[str, Any]) -> None:
    (instance / STATE).write_text(json.dumps(state, indent=2))


def load_state(instance: Path) -> dict[str, Any]:
    path = instance / STATE
    if not path.exists():
        raise SystemExit(f"{path} is missing: not an instance this benchmark filled")
    return json.loads(path.read_text())


# --- the fill ------------------------------------------------------------------------------


def fill_people(learners: int, subs: int) -> dict[str, Any]:
    """The agency, its sub-affiliations and training manager (through the services), and its
    learners with their roles (in bulk). In an application context and a unit of work."""
    from sqlalchemy import insert, select

    from lms.accounts import agencies
    from lms.accounts.interfaces import Role
    from lms.accounts.models import Person, RoleGrant
    from lms.accounts.services import add_person
    from lms.db import db, utcnow

    agency = agencies.create_agency(
        name="Capitol Valley Police Department", agency_number="B0100", in_post_program=True
    )
    sub_ids = [
        agencies.create_sub_affiliation(agency, f"Division {n + 1:02d}", None).id
        for n in range(subs)
    ]
    manager = add_person(
        email=MANAGER_EMAIL,
        first_name="Morgan",
        last_name="Training Manager",
        roles={Role.TRAINING_MANAGER, Role.PEACE_OFFICER},
        agency=agency,
        password=PASSWORD,
    )
    manager.post_id = "M99-999-999"
    manager.post_id_linked_at = utcnow()
    db.session.flush()
    now = utcnow()
    rows, roles = [], []
    for n in range(learners):
        role = Role.NPO if n % 20 == 0 else Role.DISPATCHER if n % 4 == 1 else Role.PEACE_OFFICER
        rows.append(
            {
                "email": f"learner{n}@bench.example",
                "first_name": FIRST_NAMES[n % len(FIRST_NAMES)],
                "last_name": f"{LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]}",
                "agency_id": agency.id,
                "sub_affiliation_id": sub_ids[n % subs],
                "post_id": None
                if role == Role.NPO
                else f"B{n // 1_000_000 % 100:02d}-{n // 1000 % 1000:03d}-{n % 1000:03d}",
                "post_id_linked_at": None if role == Role.NPO else now,
                "created_at": now,
                "session_version": 1,
            }
        )
        roles.append(role)
    for start in range(0, learners, 5000):
        db.session.execute(insert(Person), rows[start : start + 5000])
    ids = dict(
        db.session.execute(
            select(Person.email, Person.id).where(
                Person.agency_id == agency.id, Person.id != manager.id
            )
        ).all()
    )
    grants = [
        {"person_id": ids[row["email"]], "role": role.value, "granted_at": now}
        for row, role in zip(rows, roles, strict=True)
    ]
    for start in range(0, learners, 5000):
        db.session.execute(insert(RoleGrant), grants[start : start + 5000])
    return {
        "agency_id": agency.id,
        "sub_affiliation_ids": sub_ids,
        "manager_id": manager.id,
        "learner_ids": [ids[row["email"]] for row in rows],
    }


def fill_courses() -> list[dict[str, Any]]:
    """Twenty certified, published courses, through the catalog's service (as POST staff save
    them); one in three is completed by `passed`, a few meet a mandate."""
    from lms.catalog import services as catalog
    from lms.catalog.interfaces import Audience, Completion, CreditRule, Delivery, Mandate

    mandates = {0: {Mandate.PURSUIT}, 1: {Mandate.FIRST_AID}, 2: {Mandate.DOMESTIC_VIOLENCE}}
    courses = []
    for n, title in enumerate(COURSE_TITLES):
        completion = Completion.PASSED if n % 3 == 2 else Completion.COMPLETED
        course = catalog.save_course(
            catalog.CourseFields(
                slug=f"bench-course-{n + 1}",
                title=title,
                description="",
                audience={Audience.PEACE_OFFICER, Audience.DISPATCHER, Audience.NPO},
                delivery=Delivery.DISTANCE,
                published=True,
                certification_number=f"1850-{30001 + n:05d}",
                cpt_hours=Decimal(1 + n % 4),
                credit_rule=CreditRule.AUTOMATIC,
                psp_category=None,
                mandates=mandates.get(n, set()),
                completion=completion,
            )
        )
        courses.append({"id": course.id, "completion": completion.value})
    return courses


def cycle_start(now: dt.datetime) -> dt.datetime:
    """The first instant of the current CPT cycle (1 January of an odd year)."""
    year = now.year if now.year % 2 else now.year - 1
    return dt.datetime(year, 1, 1, 8, tzinfo=dt.UTC)


def fill_registrations(
    rng: random.Random, learner_ids: list[int], courses: list[dict[str, Any]], now: dt.datetime
) -> int:
    """10 to 12 registrations per learner, each for another course, made over the cycle (up to
    a week ago); one in fifty dropped. In bulk."""
    from sqlalchemy import insert

    from lms.catalog.models import Registration
    from lms.db import db

    first = cycle_start(now)
    span = (now - dt.timedelta(days=7) - first).total_seconds()
    rows: list[dict[str, Any]] = []
    made = 0
    for person_id in learner_ids:
        for course in rng.sample(courses, rng.randint(10, 12)):
            at = first + dt.timedelta(seconds=rng.uniform(0, span))
            dropped = rng.random() < 0.02
            rows.append(
                {
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "person_id": person_id,
                    "course_id": course["id"],
                    "status": "dropped" if dropped else "active",
                    "registered_at": at,
                    "ended_at": at + dt.timedelta(days=2) if dropped else None,
                }
            )
            if len(rows) == 10_000:
                db.session.execute(insert(Registration), rows)
                made += len(rows)
                rows = []
    if rows:
        db.session.execute(insert(Registration), rows)
        made += len(rows)
    return made


def _timestamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs}S" if hours else f"PT{minutes}M{secs}S"


class Sequences:
    """The statements of every registration, one registration after another in a shuffled
    order, until `total` are made; each registration's in the order a course sends them.

    A registration is left untouched (12 %), started and left (28 %), or finished (60 %; one in
    five of those after an attempt that was failed or abandoned). What the statements beyond
    the fixed ones are (progress, answers, pages experienced) pads each registration to the
    length that makes `total` over all of them."""

    def __init__(self, rng: random.Random, plan: list[tuple], total: int) -> None:
        self.rng = rng
        self.plan = plan  # (registration uuid, account name, course IRI, completion, registered)
        self.total = total
        self.made = 0
        self.finished = 0
        self.completions = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        outcomes = [rng.random() for _ in self.plan]
        busy = sum(1 for draw in outcomes if draw >= 0.12) or 1
        mean = max(6, self.total // busy)
        while True:  # again from the first if one pass made too few
            for (registration, name, iri, completion, registered), draw in zip(
                self.plan, outcomes, strict=True
            ):
                if draw < 0.12:
                    continue
                length = max(4, int(rng.gauss(mean, mean / 4)))
                for statement in self._registration(
                    registration, name, iri, completion, registered, draw, length
                ):
                    yield statement
                    self.made += 1
                    if self.made >= self.total:
                        return

    def _registration(
        self,
        registration: str,
        name: str,
        iri: str,
        completion: str,
        registered: dt.datetime,
        draw: float,
        length: int,
    ) -> Iterator[dict[str, Any]]:
        rng = self.rng
        actor = {"objectType": "Agent", "account": {"homePage": BASE_URL, "name": name}}
        context = {"registration": registration}
        sub_context = {"registration": registration, "contextActivities": {"parent": [{"id": iri}]}}
        moment = registered + dt.timedelta(minutes=rng.uniform(5, 3 * 24 * 60))
        finishes = draw >= 0.40
        attempts = 2 if finishes and rng.random() < 0.2 else 1
        per_attempt = max(4, length // attempts)

        def make(verb: str, target: str = iri, **extra: Any) -> dict[str, Any]:
            nonlocal moment
            moment += dt.timedelta(seconds=rng.randint(20, 240))
            return {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "actor": actor,
                "verb": VERB[verb],
                "object": {"objectType": "Activity", "id": target},
                "context": context if target == iri else sub_context,
                "timestamp": _timestamp(moment),
                **extra,
            }

        for attempt in range(attempts):
            last = attempt == attempts - 1
            finishing = finishes and last
            began = moment
            yield make("launched")
            yield make("initialized")
            noise = per_attempt - (5 if finishing else 3)
            progress = 0
            for n in range(max(0, noise)):
                if n % 3 == 0:
                    progress = min(100 if finishing else 90, progress + rng.randint(5, 20))
                    yield make("progressed", result={"extensions": {PROGRESS: progress}})
                elif n % 3 == 1:
                    yield make(
                        "answered",
                        f"{iri}/questions/q{n}",
                        result={"success": rng.random() < 0.8, "response": "b"},
                    )
                else:
                    yield make("experienced", f"{iri}/pages/p{n}")
            if finishing:
                score = round(rng.uniform(0.7, 1.0), 2)
                if completion == "passed":
                    yield make("completed", result={"completion": True})
                    yield make(
                        "passed",
                        result={"success": True, "completion": True, "score": {"scaled": score}},
                    )
                else:
                    yield make(
                        "completed",
                        result={"completion": True, "success": True, "score": {"scaled": score}},
                    )
                self.finished += 1
            elif attempts == 2:
                score = round(rng.uniform(0.3, 0.69), 2)
                yield make("failed", result={"success": False, "score": {"scaled": score}})
            spent = int((moment - began).total_seconds())
            yield make("terminated", result={"duration": _duration(spent)})
            moment += dt.timedelta(days=1)


def _raise_page_cache(engine: Any, megabytes: int) -> None:
    """SQLite's page cache for this process's LRS connections (PRAGMA cache_size; SQLite's
    default is 2 MB): with millions of statements, each batch's index inserts otherwise read
    most of their pages again from the OS (a bulk load's setting, not the portal's)."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _cache(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA cache_size=-{megabytes * 1024}")

    engine.dispose()


def fill_statements(
    app, state: dict[str, Any], total: int, batch: int, cache_mb: int
) -> dict[str, Any]:
    """`total` statements through the LRS's bulk path, under the portal's credential."""
    from sqlalchemy import select

    from lms.accounts.models import Person
    from lms.catalog.models import Registration
    from lms.db import db
    from lms.player.identity import account_name
    from lms.player.records import PORTAL_CREDENTIAL_KEY, PORTAL_CREDENTIAL_NAME

    rng = random.Random(16)
    if cache_mb and state.get("database_url") is None:
        _raise_page_cache(app.extensions["lrs"].engine, cache_mb)
    with app.app_context():
        people = {
            person.id: account_name(person)
            for person in db.session.scalars(
                select(Person).where(Person.agency_id == state["agency_id"])
            )
        }
        completion = {course["id"]: course["completion"] for course in state["courses"]}
        plan = [
            (
                r.uuid,
                people[r.person_id],
                f"{BASE_URL}/courses/{r.course_id}",
                completion[r.course_id],
                r.registered_at,
            )
            for r in db.session.scalars(select(Registration).where(Registration.status == "active"))
        ]
        db.session.rollback()
        rng.shuffle(plan)
        store = app.extensions["lrs"]
        credential = store.system_credential(PORTAL_CREDENTIAL_KEY, PORTAL_CREDENTIAL_NAME)
        sequences = Sequences(rng, plan, total)
        started = time.perf_counter()

        def reported() -> Iterator[dict[str, Any]]:
            for n, statement in enumerate(sequences, 1):
                if n % 200_000 == 0:
                    seconds = time.perf_counter() - started
                    print(f"  {n:,} statements in {seconds:.0f} s ({n / seconds:,.0f}/s)")
                yield statement

        stored = store.record_many(reported(), credential, batch=batch)
        seconds = time.perf_counter() - started
    return {
        "statements": stored,
        "seconds": round(seconds, 1),
        "statements_per_second": round(stored / seconds),
        "registrations_with_statements": len(plan),
        "registrations_finished": sequences.finished,
        "batch": batch,
        "sqlite_cache_mb": cache_mb if state.get("database_url") is None else None,
    }


def fill(instance: Path, args: argparse.Namespace) -> dict[str, Any]:
    from lms import migrate, unit_of_work
    from lms.db import db, utcnow

    app = make_app(instance, args.database_url)
    timings: dict[str, Any] = {}
    began = time.perf_counter()
    with app.app_context():
        migrate.upgrade()
    timings["migrate_seconds"] = round(time.perf_counter() - began, 1)
    rng = random.Random(2026)
    now = utcnow()
    started = time.perf_counter()
    with app.app_context(), unit_of_work.job():
        state = fill_people(args.learners, args.sub_affiliations)
        state["courses"] = fill_courses()
    timings["people_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with app.app_context(), unit_of_work.job():
        state["registrations"] = fill_registrations(
            rng, state["learner_ids"], state["courses"], now
        )
    timings["registrations_seconds"] = round(time.perf_counter() - started, 1)
    print(
        f"fill: {args.learners:,} learners in {args.sub_affiliations} sub-affiliations and "
        f"{len(state['courses'])} courses in {timings['people_seconds']} s; "
        f"{state['registrations']:,} registrations in {timings['registrations_seconds']} s"
    )
    del state["learner_ids"]
    state.update(database_url=args.database_url, learners=args.learners)
    save_state(instance, {**state, "fill": timings})
    timings["statements"] = fill_statements(
        app, state, args.statements, args.batch, args.sqlite_cache_mb
    )
    print(
        f"fill: {timings['statements']['statements']:,} statements in "
        f"{timings['statements']['seconds']} s "
        f"({timings['statements']['statements_per_second']:,}/s)"
    )
    with app.app_context():
        db.engine.dispose()
        app.extensions["lrs"].engine.dispose()
    state["fill"] = timings
    save_state(instance, state)
    return state


# --- the catch-up --------------------------------------------------------------------------


def catch_up(instance: Path, state: dict[str, Any]) -> dict[str, Any]:
    """The reports' projection (in this process, timed), then `lms bridge` (timed)."""
    figures: dict[str, Any] = {}
    env = settings(instance, state.get("database_url"))
    code = (
        "import json, time\n"
        "from lms.app import create_app\n"
        "from lms.reports import activity\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    began = time.perf_counter()\n"
        "    done = activity.catch_up()\n"
        "    print(json.dumps({'seconds': round(time.perf_counter() - began, 1),"
        " 'result': repr(done)}))\n"
    )
    started = time.perf_counter()
    projection = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if projection.returncode == 0:
        figures["projection"] = json.loads(projection.stdout.strip().splitlines()[-1])
    else:
        figures["projection"] = {"error": projection.stderr.strip().splitlines()[-1:]}
    figures["projection"]["wall_seconds"] = round(time.perf_counter() - started, 1)
    lms = str(Path(sys.executable).parent / "lms")
    started = time.perf_counter()
    bridge = subprocess.run([lms, "bridge"], env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = round(time.perf_counter() - started, 1)
    if bridge.returncode != 0:
        raise SystemExit(f"lms bridge failed: {bridge.stderr[-2000:]}")
    figures["bridge"] = {"seconds": seconds, **json.loads(bridge.stdout.strip().splitlines()[-1])}
    print(f"catch-up: projection {figures['projection']}; bridge {figures['bridge']}")
    return figures


# --- the measurements ----------------------------------------------------------------------


def sign_in(base: str) -> Browser:
    browser = Browser(base)
    page = browser.follow("/sign-in").decode()
    token = CSRF.search(page).group(1)
    form = {"email": MANAGER_EMAIL, "password": PASSWORD, "csrf_token": token}
    status, _, _ = browser.request(
        "POST", "/sign-in", urlencode(form).encode(), "application/x-www-form-urlencoded"
    )
    if status not in (302, 303):
        raise SystemExit(f"the training manager could not sign in (HTTP {status})")
    return browser


def timed(browser: Browser, urls: list[str]) -> dict[str, Any]:
    """Each URL once, after two warm-up requests; p50/p95 in ms and the statuses seen."""
    for url in urls[:2]:
        browser.request("GET", url)
    times, statuses = [], {}
    for url in urls:
        asked = time.perf_counter()
        status, _, _ = browser.request("GET", url)
        times.append(time.perf_counter() - asked)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "requests": len(urls),
        "p50_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
        "statuses": statuses,
    }


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak) of a process, in kB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def export(base: str, browser: Browser, url: str, pid: int) -> dict[str, Any]:
    """Stream the CSV, counting rows, while the serving process's RSS is sampled."""
    before = memory(pid)
    # Its peak so far is the pages' (and its start's): start the peak again from what it holds
    # now (Linux: 5 to clear_refs resets VmHWM), so that VmHWM afterwards is the export's.
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    highest = [memory(pid)["VmRSS"]]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            highest[0] = max(highest[0], memory(pid)["VmRSS"])
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=600)
    cookies = "; ".join(f"{k}={v}" for k, v in browser.cookies[HOST].items())
    sampler.start()
    started = time.perf_counter()
    connection.request("GET", url, headers={"Host": HOST, "Cookie": cookies})
    response = connection.getresponse()
    first_byte = time.perf_counter() - started
    lines, size, tail = 0, 0, b""
    while chunk := response.read(65536):
        size += len(chunk)
        lines += chunk.count(b"\n")
        tail = chunk[-1:]
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    after = memory(pid)
    rows = lines - 1 + (tail not in (b"\n", b""))  # the header is no row
    return {
        "status": response.status,
        "rows": rows,
        "megabytes": round(size / 1e6, 1),
        "seconds": round(seconds, 2),
        "first_byte_ms": round(first_byte * 1000, 1),
        "rows_per_second": round(rows / seconds) if seconds else 0,
        "rss_before_mb": round(before["VmRSS"] / 1024, 1),
        "peak_rss_before_mb": round(before["VmHWM"] / 1024, 1),
        "rss_max_during_mb": round(highest[0] / 1024, 1),
        "peak_rss_mb": round(after["VmHWM"] / 1024, 1),
    }


def measurement_targets(instance: Path, state: dict[str, Any], args: argparse.Namespace):
    """What the pages are asked for: sub-affiliations, learners to filter by, CPT entries."""
    from sqlalchemy import select

    from lms.accounts.models import Person
    from lms.db import db
    from lms.training.models import CptEntry

    app = make_app(instance, state.get("database_url"))
    rng = random.Random(7)
    with app.app_context():
        people = list(
            db.session.scalars(
                select(Person).where(
                    Person.agency_id == state["agency_id"], Person.id != state["manager_id"]
                )
            )
        )
        people = [(person.id, person.last_name) for person in people]
        entries = list(
            db.session.scalars(
                select(CptEntry.id)
                .join(Person, Person.id == CptEntry.person_id)
                .where(Person.agency_id == state["agency_id"])
                .order_by(CptEntry.id)
                .limit(5000)
            )
        )
        db.engine.dispose()
        app.extensions["lrs"].engine.dispose()
    return rng.sample(people, min(len(people), args.requests)), rng.sample(
        entries, min(len(entries), args.certificates)
    )


def routes(env: dict[str, str]) -> str:
    """`flask routes` of the portal, to say which of the measured pages exist."""
    flask = str(Path(sys.executable).parent / "flask")
    found = subprocess.run(
        [flask, "--app", "lms.app:create_app", "routes"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return found.stdout


def measure(instance: Path, state: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    people, entries = measurement_targets(instance, state, args)
    env = settings(instance, state.get("database_url"))
    table = routes(env)
    agency, subs = state["agency_id"], state["sub_affiliation_ids"]
    port = free_port()
    lms = str(Path(sys.executable).parent / "lms")
    server = subprocess.Popen(
        [lms, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload", "--no-debugger"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, Any] = {}
    try:
        wait_for(base, 120)
        started = memory(server.pid)
        figures["server_started_mb"] = {
            "rss": round(started["VmRSS"] / 1024, 1),
            "peak": round(started["VmHWM"] / 1024, 1),
        }
        browser = sign_in(base)
        n = args.requests
        pages = {
            "dashboard": ("dashboard", [f"/agencies/{agency}/dashboard"] * n),
            "activity_filtered": (
                "/activity",
                [
                    f"/agencies/{agency}/activity?"
                    + urlencode(
                        {
                            "sub_affiliation": subs[i % len(subs)],
                            "status": "completed",
                            "sort": "last_activity",
                            "page": 2,
                        }
                    )
                    for i in range(n)
                ],
            ),
            "activity_person": (
                "/activity",
                [
                    f"/agencies/{agency}/activity?"
                    + urlencode({"person_id": people[i % len(people)][0]})
                    for i in range(n)
                ],
            ),
            "activity_search": (
                "/activity",
                [
                    f"/agencies/{agency}/activity?"
                    + urlencode({"person": people[i % len(people)][1], "sort": "name"})
                    for i in range(n)
                ],
            ),
        }
        for name, (_, urls) in pages.items():
            figures[name] = timed(browser, urls)
            print(f"{name}: {figures[name]}")
        figures["export"] = export(base, browser, f"/agencies/{agency}/activity.csv", server.pid)
        print(f"export: {figures['export']}")
        certificates = [f"/agencies/{agency}/certificates/{entry}.pdf" for entry in entries]
        first = timed(browser, certificates[2:] + certificates[:2])
        again = timed(browser, certificates)
        figures["certificate_first"] = first
        figures["certificate"] = again
        print(f"certificates: first {first}; again {again}")
        figures["memory_at_end_mb"] = round(memory(server.pid)["VmRSS"] / 1024, 1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures["routes_present"] = {
        "dashboard": "/agencies/<int:agency_id>/dashboard" in table,
        "activity": "activity" in table,
        "activity_csv": "activity.csv" in table,
        "certificate_pdf": "certificates" in table,
    }
    return figures


# --- the report ----------------------------------------------------------------------------


def verdict(value: float | None, target: float, most: bool) -> str:
    if value is None:
        return "—"
    return "met" if (value <= target if most else value >= target) else "MISSED"


def report(state: dict[str, Any], measured: dict[str, Any], args: argparse.Namespace) -> None:
    fill_ = state.get("fill", {})
    statements = fill_.get("statements", {})
    up = state.get("catch_up", {})
    rows = [
        (
            "people (agency, subs, manager, learners, courses)",
            f"{fill_.get('people_seconds')} s",
            "",
        ),
        (
            "registrations",
            f"{state.get('registrations'):,} in {fill_.get('registrations_seconds')} s",
            "",
        ),
        (
            "statements through record_many",
            f"{statements.get('statements', 0):,} in {statements.get('seconds')} s: "
            f"{statements.get('statements_per_second', 0):,}/s",
            "",
        ),
        ("projection catch-up", f"{up.get('projection', {}).get('wall_seconds')} s", ""),
        ("bridge catch-up (lms bridge)", f"{up.get('bridge', {}).get('seconds')} s", ""),
    ]
    target = TARGETS["page_p95_ms"]
    for name in ("dashboard", "activity_filtered", "activity_person", "activity_search"):
        page = measured.get(name, {})
        rows.append(
            (
                f"{name} ({page.get('requests')} requests, HTTP {page.get('statuses')})",
                f"p50 {page.get('p50_ms')} ms, p95 {page.get('p95_ms')} ms",
                f"p95 ≤ {target} ms: {verdict(page.get('p95_ms'), target, True)}",
            )
        )
    csv = measured.get("export", {})
    rows.append(
        (
            f"CSV export (HTTP {csv.get('status')}, {csv.get('rows', 0):,} rows, "
            f"{csv.get('megabytes')} MB)",
            f"{csv.get('rows_per_second', 0):,} rows/s; peak RSS {csv.get('peak_rss_mb')} MB",
            f"≥ {TARGETS['export_rows_per_second']:,}/s: "
            f"{verdict(csv.get('rows_per_second'), TARGETS['export_rows_per_second'], False)}; "
            f"< {TARGETS['export_peak_rss_mb']} MB: "
            f"{verdict(csv.get('peak_rss_mb'), TARGETS['export_peak_rss_mb'], True)}",
        )
    )
    for name in ("certificate_first", "certificate"):
        pdf = measured.get(name, {})
        rows.append(
            (
                f"{name} PDF ({pdf.get('requests')} requests, HTTP {pdf.get('statuses')})",
                f"p50 {pdf.get('p50_ms')} ms, p95 {pdf.get('p95_ms')} ms",
                f"p95 ≤ {TARGETS['certificate_p95_ms']} ms: "
                f"{verdict(pdf.get('p95_ms'), TARGETS['certificate_p95_ms'], True)}",
            )
        )
    width = max(len(row[0]) for row in rows)
    print()
    for name, value, goal in rows:
        print(f"{name:<{width}}  {value:<48}  {goal}")
    print()
    figures = {
        "learners": state.get("learners"),
        "sub_affiliations": len(state.get("sub_affiliation_ids", [])),
        "registrations": state.get("registrations"),
        "database": "postgresql" if state.get("database_url") else "sqlite",
        "fill": fill_,
        "catch_up": up,
        **measured,
        "targets": TARGETS,
    }
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--sub-affiliations", type=int, default=50)
    parser.add_argument("--statements", type=int, default=2_000_000)
    parser.add_argument("--batch", type=int, default=1000, help="statements per transaction")
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database")
    parser.add_argument(
        "--sqlite-cache-mb", type=int, default=512, help="the fill's SQLite page cache (0: 2 MB)"
    )
    parser.add_argument("--requests", type=int, default=50, help="requests per page")
    parser.add_argument("--certificates", type=int, default=20, help="certificates asked for")
    parser.add_argument("--keep", action="store_true", help="keep the filled instance")
    parser.add_argument("--reuse", type=Path, default=None, help="measure a kept instance again")
    parser.add_argument("--fill-only", action="store_true", help="fill and catch up; no pages")
    args = parser.parse_args()
    if args.reuse:
        instance = args.reuse.resolve()
        state = load_state(instance)
    else:
        instance = Path(tempfile.mkdtemp(prefix="reports-bench-"))
    try:
        if not args.reuse:
            print(f"instance: {instance}")
            state = fill(instance, args)
        # A rerun catches up too (nothing to read if the fill's catch-up finished); the
        # fill's own figures are kept as they were.
        caught = catch_up(instance, state)
        if "catch_up" in state and args.reuse:
            state["catch_up_again"] = caught
        else:
            state["catch_up"] = caught
        save_state(instance, state)
        measured = {} if args.fill_only else measure(instance, state, args)
        report(state, measured, args)
    finally:
        if args.keep or args.reuse:
            print(f"kept: {instance} (measure again with --reuse {instance})", file=sys.stderr)
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
