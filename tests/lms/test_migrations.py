"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms import models_registry
from lms.db import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, models_registry.all_metadata()) == []


def test_cli_upgrade_and_demo_load_are_repeatable(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from lms.cli import main

    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()
    for _ in range(2):
        assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(main, ["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "officer@example.org" in first.output and "officer-demo-2026" in first.output
    second = runner.invoke(main, ["demo", "load"])
    assert "demo data: 0 new records" in second.output
