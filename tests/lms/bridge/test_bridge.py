"""The bridge over a real LRS: statements in stored order become CPT entries exactly once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from lms import unit_of_work
from lms.bridge import services as bridge
from lms.catalog.interfaces import CreditRule, Mandate
from lms.db import db
from lms.player import records
from lms.training.models import CptEntry
from tests.factories import make_course, make_officer
from tests.lms.bridge.helpers import completion, profile, void


@pytest.fixture
def officer(app):
    return make_officer()


@pytest.fixture
def pursuit(app):
    return make_course(title="Vehicle Pursuit Policy Update", mandates={Mandate.PURSUIT})


def test_a_completion_becomes_an_entry_naming_its_statement(app, officer, pursuit):
    done = completion(officer, pursuit, "2026-03-04T10:00:00-08:00")
    records.record([done])
    bridge.catch_up()
    entry = db.session.query(CptEntry).one()
    assert entry.statement_id == done["id"] and entry.post_id == officer.post_id
    assert (entry.certification_number, entry.title) == ("1850-21796", pursuit.title)
    assert entry.completed_on == dt.date(2026, 3, 4) and entry.cycle_start == 2025
    assert entry.credited_hours == Decimal(2) and entry.mandates == ["pc_13519_8"]


def test_the_bridge_runs_by_itself_right_after_statements_are_stored(app, officer, pursuit):
    records.record([completion(officer, pursuit, "2026-03-04T10:00:00Z")])
    assert app.extensions["bridge"].wait_idle(10)
    assert len(profile(officer)) == 1


def test_cpt_once_per_course_per_cycle_whatever_the_order(app, officer, pursuit):
    later = completion(officer, pursuit, "2026-06-01T10:00:00Z")
    earlier = completion(officer, pursuit, "2025-02-01T10:00:00Z")
    next_cycle = completion(officer, pursuit, "2027-01-05T10:00:00Z")
    records.record([later])
    bridge.catch_up()
    records.record([next_cycle, earlier])  # arrives late, out of order
    bridge.catch_up()
    assert profile(officer) == [
        ("2025-02-01", pursuit.title, Decimal(2)),
        ("2026-06-01", pursuit.title, Decimal(0)),  # the repeat in the same cycle
        ("2027-01-05", pursuit.title, Decimal(2)),
    ]


def test_voiding_the_source_statement_removes_its_entry_and_credits_the_repeat(
    app, officer, pursuit
):
    first = completion(officer, pursuit, "2025-02-01T10:00:00Z")
    repeat = completion(officer, pursuit, "2026-06-01T10:00:00Z")
    records.record([first, repeat])
    bridge.catch_up()
    records.record([void(first["id"], officer)])
    bridge.catch_up()
    assert profile(officer) == [("2026-06-01", pursuit.title, Decimal(2))]
    assert bridge.cursor_state().entries_removed == 1


def test_unknown_people_and_uncertified_activities_are_skipped_and_counted(app, officer, pursuit):
    stranger = completion(officer, pursuit, "2026-03-04T10:00:00Z")
    stranger["actor"] = {
        "objectType": "Agent",
        "account": {"homePage": records.base_url(), "name": "Z99-999-999"},
    }
    unknown_course = completion(officer, pursuit, "2026-03-04T10:00:00Z")
    unknown_course["object"]["id"] = "https://elsewhere.example/courses/77"
    records.record([stranger, unknown_course])
    bridge.catch_up()
    state = bridge.cursor_state()
    assert (state.skipped_unknown_person, state.skipped_uncertified) == (1, 1)
    assert db.session.query(CptEntry).count() == 0


def test_a_crash_before_the_commit_loses_nothing_and_repeats_nothing(app, officer, pursuit):
    records.record([completion(officer, pursuit, "2026-03-04T10:00:00Z")])
    app.extensions["bridge"].wait_idle(10)
    db.session.query(CptEntry).delete()
    db.session.query(bridge.BridgeCursor).delete()
    db.session.commit()

    with pytest.raises(RuntimeError), unit_of_work.job():
        assert bridge.run_pass().made == 1
        raise RuntimeError("the process died here, just before the pass's commit")
    assert db.session.query(CptEntry).count() == 0  # nothing half-written
    assert bridge.cursor_state() is None  # the cursor did not move
    bridge.catch_up()
    bridge.catch_up()
    assert db.session.query(CptEntry).count() == 1


def test_a_pass_failing_half_way_leaves_no_entry_and_the_cursor_where_it_was(
    app, officer, pursuit, monkeypatch
):
    """The bridge's job (`catch_up`) is one unit of work per pass: a step failing after the
    pass has added its entries rolls the whole pass back, and the next pass credits them."""
    records.record([completion(officer, pursuit, "2026-03-04T10:00:00Z")])
    app.extensions["bridge"].wait_idle(10)
    db.session.query(CptEntry).delete()
    db.session.query(bridge.BridgeCursor).delete()
    db.session.commit()
    with unit_of_work.job():
        bridge._lock_cursor()  # the cursor row exists, at the start of the stream
    made: list[int] = []

    def fails_after_the_entries(groups) -> None:
        made.append(db.session.query(CptEntry).count())
        raise RuntimeError("the credit-once step failed")

    monkeypatch.setattr(bridge, "_credit_once_per_cycle", fails_after_the_entries)
    with pytest.raises(RuntimeError, match="credit-once"):
        bridge.catch_up()
    assert made == [1]  # the pass had written its entry when it failed
    db.session.expire_all()
    assert db.session.query(CptEntry).count() == 0
    assert bridge.cursor_state().seq == 0
    monkeypatch.undo()
    assert bridge.catch_up().made == 1
    assert profile(officer) == [("2026-03-04", pursuit.title, Decimal(2))]
    assert bridge.cursor_state().seq > 0


def _bridge_process(database_url: str, instance: str, rounds: int) -> None:
    from tests.conftest import make_test_app

    app = make_test_app(database_url, Path(instance))
    with app.app_context():
        for _ in range(rounds):
            bridge.catch_up(limit=7)


def test_two_bridge_processes_over_one_stream_make_each_entry_once(app, tmp_path, pursuit):
    people = [make_officer() for _ in range(20)]
    records.record([completion(person, pursuit, "2026-03-04T10:00:00Z") for person in people])
    app.extensions["bridge"].wait_idle(10)
    db.session.query(CptEntry).delete()
    db.session.query(bridge.BridgeCursor).delete()
    db.session.commit()
    more = [completion(person, pursuit, "2026-05-04T10:00:00Z") for person in people]

    context = multiprocessing.get_context("spawn")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    workers = [
        context.Process(target=_bridge_process, args=(url, str(tmp_path / f"i{n}"), 30))
        for n in range(2)
    ]
    for worker in workers:
        worker.start()
    for statement in more:
        records.record([statement])
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    bridge.catch_up()
    db.session.expire_all()
    ids = [e.statement_id for e in db.session.query(CptEntry)]
    assert len(ids) == len(set(ids)) == 40


def test_lms_bridge_catches_up_from_the_command_line(app, officer, pursuit, monkeypatch, tmp_path):
    from lms.cli import main

    records.record([completion(officer, pursuit, "2026-03-04T10:00:00Z")])
    app.extensions["bridge"].wait_idle(10)
    db.session.query(CptEntry).delete()
    db.session.query(bridge.BridgeCursor).delete()
    db.session.commit()
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "cli"))
    result = CliRunner().invoke(main, ["bridge"])
    assert result.exit_code == 0, result.output
    assert '"made": 1' in result.output.splitlines()[-1]
    assert len(profile(officer)) == 1


def test_lms_bridge_follow_keeps_turning_new_statements_into_entries(
    app, officer, pursuit, tmp_path
):
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import make_test_app

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    # Statements stored by a process that leaves the bridge to a separate follower.
    quiet = make_test_app(url, tmp_path / "quiet", LMS_BRIDGE_AFTER_STORE=False)
    assert "bridge" not in quiet.extensions
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LMS_INSTANCE_PATH": str(tmp_path / "follow"),
        "LMS_LOG_LEVEL": "WARNING",
        "LMS_BASE_URL": app.config["LMS_BASE_URL"],  # the same portal as the statements'
        "LMS_CONTENT_BASE_URL": app.config["LMS_CONTENT_BASE_URL"],
    }
    lms = str(Path(sys.executable).parent / "lms")
    follower = subprocess.Popen(  # noqa: S603 (our own command)
        [lms, "bridge", "--follow", "--interval", "0.1"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert '"read": 0' in follower.stdout.readline()  # the first look: nothing yet
        with quiet.app_context():
            records.record([completion(officer, pursuit, "2026-03-04T10:00:00Z")])
        line = follower.stdout.readline()
        assert '"made": 1' in line, line
        deadline = time.monotonic() + 10
        while not profile(officer) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(profile(officer)) == 1
    finally:
        follower.terminate()
        follower.wait(10)
        with quiet.app_context():
            db.engine.dispose()
        quiet.extensions["lrs"].engine.dispose()


def test_attendance_recorded_by_anyone_but_a_roster_gives_no_cpt(app, officer):
    """Rosters (and their credentials) come with facilitated courses; until then no authority,
    not even the portal's, may record an attendance that earns CPT."""
    investigations = make_course("1850-30000", "4", rule=CreditRule.ROSTER, title="Investigations")
    attended = completion(
        officer,
        investigations,
        "2026-05-01T09:00:00-07:00",
        "http://adlnet.gov/expapi/verbs/attended",
    )
    attended["result"] = {"duration": "PT1H30M"}
    online = completion(officer, investigations, "2026-05-02T09:00:00-07:00")
    records.record([attended, online])  # the online completion of a roster course gives nothing
    bridge.catch_up()  # the pass after each commit may have read them already: count on the cursor
    assert db.session.query(CptEntry).count() == 0
    assert bridge.cursor_state().skipped_unentitled == 1


def test_each_follower_runs_once_a_pass_however_many_apps_the_process_made(
    app, migrated_database_url, tmp_path, monkeypatch
):
    """Every app subscribes its areas' jobs; a process that makes several (a test run, a CLI
    beside a server) must still run each once after a catch-up, not once per app made."""
    from lms.reports import activity
    from tests.conftest import make_test_app

    monkeypatch.setattr(bridge, "_followers", list(bridge._followers))
    for number in range(3):
        make_test_app(migrated_database_url, tmp_path / f"instance-{number}")
    assert bridge._followers.count(activity.catch_up) == 1
    runs: list[int] = []
    job = lambda: runs.append(1)  # noqa: E731
    bridge.add_follower(job)
    bridge.add_follower(job)
    bridge.run_followers()
    assert runs == [1]
