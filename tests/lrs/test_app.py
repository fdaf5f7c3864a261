"""The LRS served on its own, without the Learning Portal."""

from __future__ import annotations

import base64

from lrs.app import create_app
from tests.builders.xapi import statement


def test_the_lrs_runs_on_its_own(migrated_database_url):
    app = create_app(migrated_database_url, "https://lrs.test")
    store = app.extensions["lrs"]
    credential, secret = store.create_credential("standalone", ["all"])
    token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"}
    client = app.test_client()
    assert client.get("/xapi/about").status_code == 200
    posted = client.post("/xapi/statements", json=statement(), headers=headers)
    assert posted.status_code == 200
    fetched = client.get(f"/xapi/statements?statementId={posted.json[0]}", headers=headers)
    assert fetched.json["authority"]["account"]["homePage"] == "https://lrs.test"
    with store.writing() as connection:
        from lrs.backend import schema

        for table in reversed(schema.metadata.sorted_tables):
            connection.execute(table.delete())
    store.engine.dispose()


def test_health_and_a_database_that_is_away(migrated_database_url, tmp_path):
    """/healthz says whether the database answers; when it does not, the statements resource
    answers 503 with Retry-After and the xAPI error body, never a 500."""
    app = create_app(migrated_database_url, "https://lrs.test")
    assert app.test_client().get("/healthz").json == {"status": "ok", "database": "ok"}
    app.extensions["lrs"].engine.dispose()

    away = create_app(
        f"sqlite:///{tmp_path / 'no-such-folder' / 'lrs.sqlite3'}", "https://lrs.test"
    )
    client = away.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["database"] == "unreachable"
    token = base64.b64encode(b"key:secret").decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"}
    posted = client.post("/xapi/statements", json=statement(), headers=headers)
    assert posted.status_code == 503
    assert posted.headers["Retry-After"] == "2"
    assert "database" in posted.json["error"]
    assert posted.headers["X-Experience-API-Consistent-Through"] == "1970-01-01T00:00:00.000Z"


def test_the_engine_settings_the_lrs_relies_on(migrated_database_url):
    """SQLite: the LRS's connections sync the write-ahead log at every commit (an acknowledged
    statement survives a power cut; one commit per group of writes) and wait for the write lock
    rather than fail. PostgreSQL: no generic plan for a prepared filter query (it can walk a
    common verb's every index row where the plan for the values asked reads a page)."""
    app = create_app(migrated_database_url, "https://lrs.test")
    engine = app.extensions["lrs"].engine
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
        else:
            plans = connection.exec_driver_sql("SHOW plan_cache_mode").scalar()
            assert plans == "force_custom_plan"
    engine.dispose()
