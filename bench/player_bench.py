"""SCORM player benchmark: commits from many learners at once against a running portal.

    .venv/bin/python bench/player_bench.py [--learners 50] [--commits 20] [--think-ms 1000]
                                            [--processes N] [--database-url URL]

A SCORM 1.2 course is imported and each learner (an officer of their own) registers for it.
The portal is served by `lms run`, one process per core by default (each learner stays with
one, as behind a load balancer). Every learner signs in, opens the player page, opens a
session of the SCO, then commits as scorm-again does: the whole CMI data each time (location,
suspend data, one more interaction every few commits, a score at the end), a pause between
commits, and a last terminate commit sent as text/plain, as sendBeacon sends it. The learners
start committing together; each commit's time is measured from the request to its answer.
Afterwards every attempt and the statements in the LRS are checked. Every process answers the
portal's host name and the content origin's (the player page and its runtime URLs), told apart
by the Host header as behind a load balancer.

Never part of the test run. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from portal import CSRF, environment, free_port, scorm12_manifest, wait_for

MANIFEST = scorm12_manifest(
    "player", "Player benchmark", "SCO", "The SCO", "<adlcp:masteryscore>80</adlcp:masteryscore>"
)
PASSWORD = "bench-learner-password"  # noqa: S105 (the benchmark's throwaway learners)
SIGNING_IN = threading.Semaphore(4)
SETTINGS = re.compile(r'<script type="application/json" id="scorm-settings">(.*?)</script>', re.S)
# The two host names every process answers, as behind a load balancer: the portal's, and the
# content origin's (the player page and its runtime URLs; docs/content-origin.md).
PORTAL_HOST = "lms.bench"
CONTENT_HOST = "content.lms.bench"


def _environment(instance: Path, database_url: str | None) -> dict[str, str]:
    env = environment(
        instance,
        LMS_ENV="development",
        LMS_BASE_URL=f"http://{PORTAL_HOST}",
        LMS_CONTENT_BASE_URL=f"http://{CONTENT_HOST}",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare(instance: Path, database_url: str | None, learners: int) -> list[str]:
    """The course imported and published, and `learners` officers registered for it."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from lms import migrate, unit_of_work
    from lms.accounts import agencies
    from lms.accounts.interfaces import Role
    from lms.accounts.services import add_person
    from lms.catalog import services as catalog
    from lms.catalog.models import Course
    from lms.db import db, utcnow
    from lms.packages.services import import_package

    package = instance / "bench.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.writestr("index.html", "<p>The SCO</p>")
    app = _app(instance, database_url)
    emails = []
    with app.app_context():
        migrate.upgrade()
    with app.app_context(), unit_of_work.job():
        result = import_package(package, app.extensions["content_store"], instance / "work")
        course = db.session.get(Course, result.course_id)
        course.published = True
        agency = agencies.create_agency(
            name="Benchmark Police Department", agency_number="B0001", in_post_program=True
        )
        for n in range(learners):
            email = f"learner{n}@bench.example"
            person = add_person(
                email=email,
                first_name="Bench",
                last_name=f"Learner{n}",
                roles={Role.PEACE_OFFICER},
                agency=agency,
                password=PASSWORD,
            )
            person.post_id = f"B{n % 100:02d}-{n:03d}-{n % 1000:03d}"
            person.post_id_linked_at = utcnow()
            catalog.register(person, course.id)
            emails.append(email)
    with app.app_context():
        db.engine.dispose()
    return emails


def _stop(servers: list[subprocess.Popen[bytes]]) -> None:
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait(timeout=30)
    servers.clear()


def _app(instance: Path, database_url: str | None):  # noqa: ANN202 (a Flask app)
    from lms.app import create_app

    config: dict[str, object] = {"LMS_INSTANCE_PATH": instance, "LMS_ENV": "development"}
    if database_url:
        config["DATABASE_URL"] = database_url
    return create_app(config)


def _wait_until_sent(instance: Path, database_url: str | None, seconds: float = 10) -> None:
    from sqlalchemy import func, select

    from lms.db import db
    from lms.player.scorm.models import PendingStatement

    app = _app(instance, database_url)
    deadline = time.monotonic() + seconds
    with app.app_context():
        while time.monotonic() < deadline:
            if not db.session.scalar(select(func.count()).select_from(PendingStatement)):
                break
            db.session.rollback()
            time.sleep(0.1)
        db.engine.dispose()


def check(instance: Path, database_url: str | None) -> dict[str, int]:
    """What the portal kept: finished attempts and the statements in its LRS."""
    from sqlalchemy import func, select

    from lms.db import db
    from lms.player.scorm.models import PendingStatement, ScoAttempt

    app = _app(instance, database_url)
    with app.app_context():
        attempts = db.session.scalars(select(ScoAttempt)).all()
        figures = {
            "attempts": len(attempts),
            "attempts_passed": sum(a.success_status == "passed" for a in attempts),
            "statements": app.extensions["lrs"].newest_seq(),
            "statements_pending": db.session.scalar(
                select(func.count()).select_from(PendingStatement)
            ),
        }
        db.engine.dispose()
    return figures


class Browser:
    """What a browser keeps for one learner: a kept-alive connection to its process, and the
    cookies of each host name."""

    def __init__(self, base: str) -> None:
        address = urlsplit(base)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        self.cookies: dict[str, dict[str, str]] = {PORTAL_HOST: {}, CONTENT_HOST: {}}

    def request(
        self, method: str, url: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, str, bytes]:
        """(status, Location, body) of one request; a path goes to the portal's host."""
        parts = urlsplit(url)
        host = parts.netloc or PORTAL_HOST
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Accept": "application/json, text/html", "Host": host}
        if content_type:
            headers["Content-Type"] = content_type
        if self.cookies[host]:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies[host].items())
        for retry in (False, True):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                # The server closed the kept-alive connection: a browser opens another.
                self.connection.close()
                if retry:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, cookie = value.split(";", 1)[0].partition("=")
                self.cookies[host][key.strip()] = cookie.strip()
        return response.status, response.getheader("Location") or "", data

    def follow(self, url: str) -> bytes:
        for _ in range(5):
            status, location, data = self.request("GET", url)
            if status not in (301, 302, 303):
                return data
            # A Location without a host stays on the host it came from.
            url = (
                location
                if urlsplit(location).netloc
                else urlsplit(url)
                ._replace(path=urlsplit(location).path, query=urlsplit(location).query)
                .geturl()
            )
        raise RuntimeError(f"too many redirects from {url}")


class Learner(threading.Thread):
    """One learner: signs in, opens the course, then commits with pauses between."""

    def __init__(
        self,
        base: str,
        email: str,
        commits: int,
        think: float,
        start: threading.Barrier,
    ) -> None:
        super().__init__(daemon=True)
        self.email = email
        self.commits = commits
        self.think = think
        self.start_line = start
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.browser = Browser(base)

    def _post(self, url: str, body: str, content_type: str) -> dict:
        status, _, data = self.browser.request("POST", url, body.encode(), content_type)
        answer = json.loads(data)
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {answer.get('message')}")
        return answer

    def _open_course(self) -> str:
        page = self.browser.follow("/sign-in").decode()
        token = CSRF.search(page).group(1)
        form = {"email": self.email, "password": PASSWORD, "csrf_token": token}
        status, location, _ = self.browser.request(
            "POST", "/sign-in", urlencode(form).encode(), "application/x-www-form-urlencoded"
        )
        dashboard = self.browser.follow(urlsplit(location).path)
        launch = re.search(rb'href="(/registrations/\d+/launch)"', dashboard).group(1).decode()
        player = self.browser.follow(launch).decode()
        settings = json.loads(html.unescape(SETTINGS.search(player).group(1)))
        session_url = settings["urls"]["session"].replace("SCO_ID", "SCO")
        return self._post(session_url, "{}", "application/json")["commitUrl"]

    def _body(self, sequence: int, last: bool) -> str:
        interactions = {
            str(n): {
                "id": f"q{n}",
                "type": "choice",
                "student_response": "a,b",
                "result": "correct",
                "latency": "0000:00:05.00",
                "correct_responses": {"0": {"pattern": "a,b"}},
            }
            for n in range(sequence // 4)
        }
        core = {
            "student_id": self.email,
            "lesson_location": f"page-{sequence}",
            "lesson_status": "completed" if last else "incomplete",
            "exit": "",
            "score": {"raw": "90", "min": "0", "max": "100"} if last else {},
            "session_time": f"0000:{sequence // 60:02d}:{sequence % 60:02d}.00",
        }
        body: dict[str, object] = {
            "cmi": {
                "core": core,
                "suspend_data": "visited=" + ",".join(str(n) for n in range(sequence)),
                "interactions": interactions,
            },
            "commitSequence": sequence,
            "committedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        if last:
            body["terminate"] = True
        return json.dumps(body)

    def run(self) -> None:
        try:
            # A few sign-ins at a time: each hashes a password (Argon2) while it holds a
            # database connection, and fifty at once would wait for the pool; the benchmark
            # measures commits.
            with SIGNING_IN:
                commit_url = self._open_course()
        except Exception as error:  # noqa: BLE001 (reported in the figures, not raised)
            self.errors.append(f"opening the course: {error}")
            self.start_line.abort()
            return
        try:
            self.start_line.wait()
        except threading.BrokenBarrierError:
            return
        time.sleep(random.uniform(0, self.think))
        for sequence in range(1, self.commits + 1):
            last = sequence == self.commits
            # The terminate commit comes as sendBeacon sends it: text/plain.
            kind = "text/plain;charset=UTF-8" if last else "application/json;charset=UTF-8"
            body = self._body(sequence, last)
            asked = time.perf_counter()
            try:
                answer = self._post(commit_url, body, kind)
                if answer.get("result") is not True:
                    self.errors.append(f"commit {sequence}: {answer}")
            except (OSError, RuntimeError, ValueError) as error:
                self.errors.append(f"commit {sequence}: {error}")
            self.latencies.append(time.perf_counter() - asked)
            if not last:
                time.sleep(random.uniform(0.5 * self.think, 1.5 * self.think))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--commits", type=int, default=20, help="commits per learner")
    parser.add_argument("--think-ms", type=float, default=1000, help="mean pause between commits")
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="`lms run` processes, as behind a load balancer (default: one per core)",
    )
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="player-bench-"))
    servers: list[subprocess.Popen[bytes]] = []
    try:
        emails = prepare(instance, args.database_url, args.learners)
        env = _environment(instance, args.database_url)
        lms = str(Path(sys.executable).parent / "lms")
        bases = []
        for _ in range(args.processes):
            port = free_port()
            servers.append(
                subprocess.Popen(
                    [lms, "run", "--host", "127.0.0.1", "--port", str(port)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            wait_for(base)
        start = threading.Barrier(args.learners)
        # Each learner stays with one process, as behind a load balancer.
        learners = [
            Learner(bases[n % len(bases)], email, args.commits, args.think_ms / 1000, start)
            for n, email in enumerate(emails)
        ]
        for learner in learners:
            learner.start()
        began = time.perf_counter()
        for learner in learners:
            learner.join()
        elapsed = time.perf_counter() - began
        latencies = [value for learner in learners for value in learner.latencies]
        errors = [error for learner in learners for error in learner.errors]
        for error in errors[:10]:
            print("error:", error)
        if not latencies:
            raise SystemExit("no commit was made")
        # Statements go out just after each answer: let the last ones leave before stopping.
        _wait_until_sent(instance, args.database_url)
        _stop(servers)
        kept = check(instance, args.database_url)
        figures = {
            "learners": args.learners,
            "commits": len(latencies),
            "errors": len(errors),
            "think_ms": args.think_ms,
            "commits_per_second": round(len(latencies) / elapsed, 1),
            "commit_ms_p50": round(statistics.median(latencies) * 1000, 1),
            "commit_ms_p95": round(percentile(latencies, 0.95) * 1000, 1),
            "commit_ms_p99": round(percentile(latencies, 0.99) * 1000, 1),
            "commit_ms_max": round(max(latencies) * 1000, 1),
            "database": "postgresql" if args.database_url else "sqlite",
            "processes": args.processes,
            **kept,
        }
        print(
            f"{figures['commits']} commits from {args.learners} learners: "
            f"p50 {figures['commit_ms_p50']} ms, p95 {figures['commit_ms_p95']} ms, "
            f"p99 {figures['commit_ms_p99']} ms, max {figures['commit_ms_max']} ms; "
            f"{kept['attempts_passed']} of {kept['attempts']} attempts passed, "
            f"{kept['statements']} statements in the LRS"
        )
        print(json.dumps(figures))
    finally:
        _stop(servers)
        shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
