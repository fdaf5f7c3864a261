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


def test_the_agent_verb_rows_are_written_for_statements_held_before_them(app):
    """Migration 0018 gives the statements stored before it their (agent, verb) rows."""
    from sqlalchemy import text

    from lms import migrate
    from lrs.ops.query import StatementQuery
    from tests.builders.xapi import statement

    store = app.extensions["lrs"]
    completed, attended = (
        {"id": "http://adlnet.gov/expapi/verbs/completed"},
        {"id": "http://adlnet.gov/expapi/verbs/attended"},
    )
    credential = store.system_credential("migration-test", "Migration test")
    kept = store.record([statement(verb=completed), statement(verb=attended)], credential)
    officer = statement()["actor"]
    query = StatementQuery(agent=officer, verb=completed["id"])
    assert [s["id"] for s in store.query(query).statements] == [kept[0]]

    db.session.remove()
    migrate.downgrade("0017")  # as a store migrated before 0018 held them: no pair rows
    with db.engine.connect() as connection:
        pairs = "SELECT count(*) FROM lrs_statement_index WHERE kind = 'agent_verb'"
        assert connection.execute(text(pairs)).scalar() == 0
    assert store.query(query).statements == []
    migrate.upgrade()
    assert [s["id"] for s in store.query(query).statements] == [kept[0]]
    assert [s["id"] for s in store.query(StatementQuery(agent=officer)).statements] == kept[::-1]
