"""The Python API that lms/ uses: record, read in stored order, hear about commits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
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
    store = app.extensions["lrs"]
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    expired, expired_secret = store.create_credential(
        "launch", ["statements/write"], expires_at=past
    )
    assert store.authenticate(expired.key, expired_secret) is None
    live, secret = store.create_credential("tool", ["all"])
    assert store.authenticate(live.key, secret) is not None
    assert store.authenticate(live.key, secret + "x") is None
    store.revoke_credential(live.key)
    assert store.authenticate(live.key, secret) is None


def test_credentials_are_listed_oldest_first_with_their_state_and_no_secret(app):
    store = app.extensions["lrs"]
    until = dt.datetime(2031, 5, 1, 12, 0, tzinfo=dt.UTC)
    tool, tool_secret = store.create_credential("Dispatch simulator", ["statements/write", "state"])
    launch, _ = store.create_credential(
        "launch",
        ["statements/write"],
        agent={"mbox": "mailto:learner@example.org"},
        registration="0F6E7D3C-5B1A-4F2E-9D8C-7B6A5F4E3D2C",
        expires_at=until,
    )
    store.revoke_credential(tool.key)
    listed = {c.key: c for c in store.list_credentials()}
    assert [c.key for c in store.list_credentials()][-2:] == [tool.key, launch.key]
    assert listed[tool.key].name == "Dispatch simulator"
    assert listed[tool.key].scopes == ("statements/write", "state")
    assert listed[tool.key].revoked_at is not None
    assert listed[tool.key].created_at is not None
    assert listed[launch.key].revoked_at is None
    assert listed[launch.key].expires_at == until
    assert listed[launch.key].agent == {"mbox": "mailto:learner@example.org"}
    assert listed[launch.key].registration == "0f6e7d3c-5b1a-4f2e-9d8c-7b6a5f4e3d2c"
    assert tool_secret not in repr(dataclasses.astuple(listed[tool.key]))


def test_revoking_an_unknown_or_already_revoked_key_raises_no_such_credential(app):
    from lrs.errors import NoSuchCredential, NotFound

    store = app.extensions["lrs"]
    with pytest.raises(NoSuchCredential, match="no active credential with key abc"):
        store.revoke_credential("abc")
    live, _ = store.create_credential("tool", ["all"])
    store.revoke_credential(live.key)
    with pytest.raises(NoSuchCredential) as raised:
        store.revoke_credential(live.key)
    assert isinstance(raised.value, NotFound) and raised.value.status == 404


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
