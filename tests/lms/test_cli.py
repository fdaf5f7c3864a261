"""The portal's command line (lms/cli.py): the LRS credential commands."""

from __future__ import annotations

import json

from click.testing import CliRunner


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
