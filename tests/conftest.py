"""Fixtures shared by the whole suite.

Every test that takes `app` runs once per database backend: SQLite always, and PostgreSQL too
when TEST_DATABASE_URL names a server where the tests may create a database (CI always does).
"""

from __future__ import annotations

import contextvars
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms import migrate, models_registry
from lms.app import create_app
from lms.config import normalise_database_url
from lms.db import db

CONTENT_BASE_URL = "http://content.lms.test"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])
CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="csrf_token" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own, which reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`make test` runs on pytest-xdist's workers (one per core); the browser tests all go to
    one of them (`--dist loadgroup`), so one Chromium runs at a time beside the unit tests."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'lms.sqlite3'}"
        return
    server = make_url(normalise_database_url(TEST_DATABASE_URL))
    name = f"lms_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_test_app(database_url: str, instance_path: Path, **config: object) -> Flask:
    return create_app(
        {
            "DATABASE_URL": database_url,
            "LMS_INSTANCE_PATH": instance_path,
            "LMS_ENV": "test",
            "TESTING": True,
            "SERVER_NAME": "lms.test",
            "LMS_BASE_URL": "http://lms.test",  # the portal's address is the host tests ask
            # The portal's requests go to lms.test, course content's to its own host.
            "LMS_CONTENT_BASE_URL": CONTENT_BASE_URL,
            **config,
        }
    )


@pytest.fixture(scope="session")
def migrated_database_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The backend's database, migrated once per run through the real migrations."""
    app = make_test_app(database_url, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        migrate.upgrade()
        db.engine.dispose()
    return database_url


class IsolatedClient(FlaskClient):
    """Runs each request in a context of its own, as a real server would: no `g`, no session,
    no signed-in person leaks from the test (or an earlier request) into the request."""

    def open(self, *args: object, **kwargs: object):  # type: ignore[override]
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(migrated_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(migrated_database_url, tmp_path / "instance")
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        if "bridge" in app.extensions:
            app.extensions["bridge"].wait_idle()
        db.session.remove()
        with db.engine.begin() as connection:
            for metadata in models_registry.all_metadata():
                for table in reversed(metadata.sorted_tables):
                    connection.execute(table.delete())
        app.extensions["lrs"].engine.dispose()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(client: FlaskClient, page: str = "/sign-in") -> str:
    """The CSRF token of the client's session, read from a form as a browser would."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no csrf_token on {page}"
    return next(group for group in match.groups() if group)


def post_form(client: FlaskClient, url: str, data: dict[str, object], **kwargs: object):
    return client.post(url, data={"csrf_token": csrf_token(client), **data}, **kwargs)


def sign_in(client: FlaskClient, email: str, password: str) -> None:
    response = post_form(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
