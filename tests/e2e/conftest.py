"""A live server and a headless Chromium for the browser tests.

The server runs once per backend (the `database_url` fixture is parametrized) with an app object
of its own. The demo data is loaded once per backend and its rows kept; before every test the
tables are emptied and those rows put back, so each test starts from the same state whatever an
earlier one changed; after it they are emptied again, so the rest of the suite still finds an
empty database.

One browser serves the whole session; each test gets fresh contexts (no shared cookies).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Response, sync_playwright
from sqlalchemy import Table
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.serving import make_server

from lms import demo, models_registry, unit_of_work
from lms.db import db
from tests.conftest import make_test_app
from tests.e2e.helpers import NewPage

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Short enough that a missing element fails the test quickly, long enough for a slow CI box.
TIMEOUT_MS = 10_000


def _rewrite_tables(app: Flask, rows: Sequence[tuple[Table, list[dict[str, Any]]]] = ()) -> None:
    """Empty every table and put `rows` back, in one transaction, once the bridge is idle (not
    while it writes what a test made). A page that closes can still send statements after the
    wait, and the pass they start meets this transaction (its cursor row in between, or a
    deadlock on it): wait for that pass and do it again."""
    for attempt in range(3):
        if "bridge" in app.extensions:
            app.extensions["bridge"].wait_idle()
        try:
            with app.app_context():
                db.session.remove()
                with db.engine.begin() as connection:
                    _delete_all(connection)
                    for table, table_rows in rows:
                        if table_rows:
                            connection.execute(table.insert(), table_rows)
            return
        except (IntegrityError, OperationalError):
            if attempt == 2:
                raise


def _empty_tables(app: Flask) -> None:
    _rewrite_tables(app)


def _delete_all(connection: Any) -> None:
    for metadata in models_registry.all_metadata():
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="session")
def listening_socket() -> Iterator[socket.socket]:
    """A free local port, bound before the app is made: the app's base URLs name it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        yield listener


@pytest.fixture(scope="session")
def live_app(
    migrated_database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    listening_socket: socket.socket,
) -> Flask:
    """The served app: its own object, never the unit tests' `app` fixture. The portal is
    http://127.0.0.1:PORT and course content comes from http://localhost:PORT (derived: the
    content origin of a loopback portal), both answered by this one server."""
    port = listening_socket.getsockname()[1]
    return make_test_app(
        migrated_database_url,
        tmp_path_factory.mktemp("e2e-instance"),
        LMS_ENV="development",
        SERVER_NAME=None,
        LMS_BASE_URL=f"http://127.0.0.1:{port}",
        LMS_CONTENT_BASE_URL=None,
    )


@pytest.fixture(scope="session")
def live_server(live_app: Flask, listening_socket: socket.socket) -> Iterator[str]:
    """The base URL of the portal, served on the free local port in a daemon thread."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True, fd=listening_socket.fileno())
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield live_app.config["LMS_BASE_URL"]
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with live_app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def demo_rows(live_app: Flask) -> list[tuple[Table, list[dict[str, Any]]]]:
    """The demo data's rows, the LMS's tables and the LRS's (the demo history's statements),
    table by table in dependency order, loaded once per backend.

    Loading hashes every demo password (Argon2, slow on purpose) and imports the bundled
    courses; copying the rows back is quick.
    """
    _empty_tables(live_app)
    with live_app.app_context():
        with unit_of_work.job():
            demo.load()
        db.session.remove()
        if "bridge" in live_app.extensions:  # the entries of the history's statements made
            live_app.extensions["bridge"].wait_idle()
        with db.engine.connect() as connection:
            rows = [
                (table, [dict(row) for row in connection.execute(table.select()).mappings()])
                for metadata in models_registry.all_metadata()
                for table in metadata.sorted_tables
            ]
    _empty_tables(live_app)
    return rows


@pytest.fixture(autouse=True)
def demo_data(
    live_app: Flask, live_server: str, demo_rows: list[tuple[Table, list[dict[str, Any]]]]
) -> Iterator[None]:
    """Every test starts from the demo data alone and leaves the tables empty. The tables are
    emptied and the rows put back in one transaction, after the bridge is idle: a pass the
    last test's statements started cannot write its cursor in between."""
    _rewrite_tables(live_app, demo_rows)
    yield
    _empty_tables(live_app)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server: str) -> Iterator[NewPage]:
    """Opens a page in a fresh browser context (its own cookies: another person, another
    device). Any server error (5xx) a page receives fails the test, even one it did not check."""
    contexts = []
    server_errors: list[str] = []

    def record(response: Response) -> None:
        if response.status >= 500:
            server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def open_page(**context_options: object) -> Page:
        context = browser.new_context(base_url=live_server, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("response", record)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert not server_errors, f"the server answered with an error: {server_errors}"


@pytest.fixture
def page(new_page: NewPage) -> Page:
    return new_page()
