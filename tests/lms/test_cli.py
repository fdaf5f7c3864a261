"""The portal's command line (lms/cli.py): the LRS credential commands; a command is one unit
of work."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import func, select

from lms.accounts.models import AccessRequest, Agency, Person
from lms.catalog.models import Course
from lms.db import db
from lms.domain import DomainError


def test_cli_creates_a_credential_as_json(app, tmp_path, monkeypatch):
    from lms.cli import main

    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(
        main, ["lrs", "credential", "create", "conformance", "--scope", "all"]
    )
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert set(created) >= {"key", "secret"}
    assert app.extensions["lrs"].authenticate(created["key"], created["secret"]) is not None
    bad = CliRunner().invoke(main, ["lrs", "credential", "create", "x", "--scope", "everything"])
    assert bad.exit_code != 0 and "scope" in bad.output


def test_cli_revokes_a_credential_and_refuses_an_unknown_key(app, tmp_path, monkeypatch):
    from lms.cli import main

    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    store = app.extensions["lrs"]
    live, secret = store.create_credential("tool", ["all"])
    result = CliRunner().invoke(main, ["lrs", "credential", "revoke", live.key])
    assert result.exit_code == 0, result.output
    assert store.authenticate(live.key, secret) is None
    again = CliRunner().invoke(main, ["lrs", "credential", "revoke", live.key])
    assert again.exit_code != 0 and f"no active credential with key {live.key}" in again.output


def test_a_command_failing_half_way_exits_with_its_message_and_writes_nothing(app, monkeypatch):
    """A CLI command is one unit of work (lms/unit_of_work.py): `lms demo load` refused after
    it has added its agencies, people and courses leaves none of them."""
    from lms import demo, demo_facilitation, demo_history
    from lms.cli import main

    def refused(**fields) -> None:
        assert db.session.scalar(select(func.count()).select_from(Person)) > 0  # written so far
        raise DomainError("the access request was refused")

    monkeypatch.setattr(demo.access_requests, "submit", refused)
    result = app.test_cli_runner().invoke(main, ["demo", "load"])
    assert result.exit_code != 0
    assert "demo data not loaded: the access request was refused" in result.output
    db.session.remove()
    for model in (Agency, Person, Course, AccessRequest):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model

    monkeypatch.undo()
    loaded = app.test_cli_runner().invoke(main, ["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    db.session.remove()
    people = len(demo.ACCOUNTS) + len(demo_history.LEARNERS) + len(demo_facilitation.ATTENDEES)
    assert db.session.scalar(select(func.count()).select_from(Person)) == people


def test_cli_builds_and_checks_the_courses_named_and_fails_on_a_broken_one(tmp_path, monkeypatch):
    from lms.cli import main
    from lms.packages import bundled

    sources = tmp_path / "content_packages"
    for slug, page in (
        ("good-course", "<p>ok</p>"),
        ("cdn-course", '<script src="https://cdn.example.net/a.js"></script>'),
    ):
        (sources / slug / "package").mkdir(parents=True)
        (sources / slug / "course.toml").write_text(f'title = "{slug}"\nstandard = "tincan"\n')
        (sources / slug / "package" / "tincan.xml").write_text(
            '<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>'
            f'<activity id="https://learning-portal.example/tests/{slug}"'
            ' type="http://adlnet.gov/expapi/activities/course"><name>A course</name>'
            '<launch lang="en-US">index.html</launch></activity></activities></tincan>'
        )
        (sources / slug / "package" / "index.html").write_text(page)
    monkeypatch.setattr(bundled, "SOURCES", sources)
    monkeypatch.setattr(bundled, "BUILD", tmp_path / "build")
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "instance"))

    good = CliRunner().invoke(main, ["packages", "build", "good-course", "--check"])
    assert good.exit_code == 0, good.output
    assert "good-course.zip" in good.output and "checked: tincan" in good.output
    assert (tmp_path / "build" / "good-course.zip").is_file()
    again = CliRunner().invoke(main, ["packages", "build", "good-course"])
    assert "(unchanged)" in again.output

    both = CliRunner().invoke(main, ["packages", "build", "--check"])
    assert both.exit_code != 0
    assert "cdn-course: index.html: <script src=" in both.output
    assert "1 of 2 courses failed" in both.output
    unknown = CliRunner().invoke(main, ["packages", "build", "nonesuch"])
    assert unknown.exit_code != 0 and "no bundled course nonesuch" in unknown.output


def test_lms_lrs_serve_runs_the_lrs_alone_on_its_own_database(tmp_path, monkeypatch):
    """What a third-party tool does: a credential for the LRS served alone, a statement sent
    with it over HTTP and read back, its authority the LRS's own address."""
    import base64
    import http.client
    import os
    import socket
    import subprocess
    import sys
    import time

    from lms.cli import main

    alone = f"sqlite:///{tmp_path / 'lrs-alone.sqlite3'}"
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "portal"))
    made = CliRunner().invoke(
        main,
        ["lrs", "credential", "create", "tool", "--scope", "all", "--database-url", alone],
    )
    assert made.exit_code == 0, made.output
    credential = json.loads(made.output)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lms = os.path.join(os.path.dirname(sys.executable), "lms")
    server = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
        [lms, "lrs", "serve", "--port", str(port), "--workers", "1"],
        env={**os.environ, "LRS_DATABASE_URL": alone},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    token = base64.b64encode(f"{credential['key']}:{credential['secret']}".encode()).decode()
    headers = {
        "Authorization": f"Basic {token}",
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    sent = {
        "actor": {"mbox": "mailto:tool@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": "https://tool.example/activity"},
    }

    def ask(method: str, path: str, body: bytes | None = None) -> tuple[int, object]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request(method, f"/xapi{path}", body, headers)
            answer = connection.getresponse()
            return answer.status, json.loads(answer.read() or b"null")
        finally:
            connection.close()

    try:
        for _ in range(150):
            try:
                if ask("GET", "/about")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        status, ids = ask("POST", "/statements", json.dumps(sent).encode())
        assert status == 200, ids
        status, stored = ask("GET", f"/statements?statementId={ids[0]}")  # type: ignore[index]
        assert status == 200
        assert stored["object"]["id"] == "https://tool.example/activity"  # type: ignore[index]
        assert stored["authority"]["account"]["homePage"] == f"http://127.0.0.1:{port}"  # type: ignore[index]
    finally:
        server.terminate()
        server.wait(timeout=20)
