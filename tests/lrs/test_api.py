"""The Python API that lms/ uses: record, read in stored order, hear about commits."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.lrs.conftest import statement


def test_record_and_read_from_a_cursor_in_stored_order(app, credential):
    store = app.extensions["lrs"]
    created, _ = credential
    first = store.record([statement(), statement()], created)
    cursor = store.newest_seq()
    later = store.record([statement()], created)
    everything = [s["id"] for _, s in store.read_from(0)]
    assert everything == first + later
    assert [s["id"] for _, s in store.read_from(cursor)] == later


def test_listeners_hear_after_commit_and_cannot_undo(app, credential):
    store = app.extensions["lrs"]
    created, _ = credential
    heard = []

    def listener(seqs):
        heard.append(seqs)
        raise RuntimeError("a listener fails")

    store.on_committed(listener)
    ids = store.record([statement()], created)
    assert len(heard) == 1 and len(heard[0]) == 1
    assert store.get(ids[0])["id"] == ids[0]


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


def test_an_expired_or_revoked_credential_no_longer_authenticates(app):
    import datetime as dt

    from lrs import credentials

    store = app.extensions["lrs"]
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    expired, expired_secret = store.create_credential(
        "launch", ["statements/write"], expires_at=past
    )
    assert store.authenticate(expired.key, expired_secret) is None
    live, secret = store.create_credential("tool", ["all"])
    assert store.authenticate(live.key, secret) is not None
    assert store.authenticate(live.key, secret + "x") is None
    store.with_connection(lambda connection: credentials.revoke(connection, live.key), write=True)
    assert store.authenticate(live.key, secret) is None
