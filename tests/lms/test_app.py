"""The application: factory, settings, health, request ids, errors, cookies."""

from __future__ import annotations

import stat

import pytest
from flask import Flask

from lms.app import create_app
from lms.config import SECRET_KEY_FILE, load_or_create_secret_key


def test_app_starts_with_no_configuration(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "LMS_SECRET_KEY", "LMS_ENV", "PORT", "LMS_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'lms.sqlite3'}"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    key_file = tmp_path / "inst" / SECRET_KEY_FILE
    assert app.config["SECRET_KEY"] == key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_or_create_secret_key(tmp_path)
    assert len(first) >= 40
    assert load_or_create_secret_key(tmp_path) == first


def test_environment_variables_choose_database_and_key(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5432/lms")
    monkeypatch.setenv("LMS_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("LMS_ENV", "development")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example:5432/lms"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert not (tmp_path / SECRET_KEY_FILE).exists()


def test_the_connection_pool_is_sized_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LMS_DB_POOL_SIZE", "12")
    monkeypatch.setenv("LMS_DB_MAX_OVERFLOW", "0")
    app = create_app()
    with app.app_context():
        from lms.db import db

        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (12, 0)
        assert app.extensions["lrs"].engine.pool.size() == 12  # the LRS's own SQLite engine
    monkeypatch.setenv("LMS_DB_POOL_SIZE", "none")
    with pytest.raises(ValueError, match="LMS_DB_POOL_SIZE"):
        create_app()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app: Flask):
    from sqlalchemy import text

    from lms.db import db

    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_gone(tmp_path):
    app = create_app(
        {
            "LMS_INSTANCE_PATH": tmp_path,
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 1}},
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_every_response_carries_a_request_id(client):
    made_up = client.get("/healthz").headers["X-Request-ID"]
    assert len(made_up) == 32
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        == "abc-123"
    )
    hostile = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert hostile.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(hostile.headers["X-Request-ID"]) == 32


def test_request_log_lines_carry_the_request_id(client, caplog):
    caplog.set_level("INFO", logger="lms.request")
    client.get("/healthz", headers={"X-Request-ID": "trace-me-1"})
    records = [r for r in caplog.records if r.name == "lms.request"]
    assert records and records[-1].request_id == "trace-me-1"
    assert "GET /healthz 200" in records[-1].getMessage()


def test_unknown_page_is_a_404_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_unknown_page_answers_json_to_json_clients(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"] == "Page not found"


def test_an_unexpected_error_shows_the_500_page_and_writes_nothing(app: Flask, client):
    from lms.accounts.models import Agency
    from lms.db import db

    @app.get("/boom")
    def boom():
        db.session.add(Agency(name="Half-written", agency_number="X1"))
        db.session.flush()
        raise RuntimeError("boom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    assert db.session.query(Agency).filter_by(name="Half-written").count() == 0


def test_form_posted_without_csrf_token_is_refused(client):
    response = client.post("/sign-in", data={"email": "a@example.org", "password": "x" * 12})
    assert response.status_code == 400
    assert "csrf_token" in response.get_data(as_text=True)


def test_oversized_request_is_refused_with_413(app: Flask, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/sign-in", data={"email": "a" * 5000})
    assert response.status_code == 413
