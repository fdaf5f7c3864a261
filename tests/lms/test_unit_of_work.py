"""The transaction contract (lms/unit_of_work.py): a request, a job or a command is one unit of
work, committed once at its end and rolled back as a whole when anything fails half-way, the
learning records the LRS stores in it included."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
from flask import abort, flash, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, OperationalError
from wtforms import StringField

from lms import unit_of_work
from lms.accounts import agencies
from lms.accounts.models import Agency
from lms.db import db
from lms.domain import DomainError, NotFound
from lms.extensions import csrf
from lms.web import act, submit
from lrs.ops.query import StatementQuery
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_officer

ACTIVITY = "https://lms.test/activities/unit-of-work"


def agency_count() -> int:
    db.session.rollback()  # read what is committed, not what this test's session holds
    return db.session.scalar(select(func.count()).select_from(Agency))


def statement() -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:officer@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"id": ACTIVITY},
    }


class NameForm(FlaskForm):
    name = StringField("Name")


@pytest.fixture
def routes(app):
    """Views that write an agency and a statement, then end as told."""
    store = app.extensions["lrs"]
    credential, _ = store.create_credential("unit of work test", ["all"])

    def write(name: str) -> str:
        agencies.create_agency(
            name=name, agency_number=f"U{uuid.uuid4().hex[:6]}", in_post_program=True
        )
        db.session.flush()
        sent = statement()
        store.record([sent], credential)
        return sent["id"]

    @app.post("/test/unit/<ending>")
    @csrf.exempt
    def half_way(ending: str):
        statement_id = write(f"Agency {ending}")
        if ending == "domain-error":
            raise DomainError("The second step refused.", "name")
        if ending == "abort":
            abort(403)
        if ending == "bug":
            raise RuntimeError("a bug half-way")
        if ending == "database-busy":  # what SQLite says when the write lock is not freed in time
            raise OperationalError(
                "UPDATE agency", {}, sqlite3.OperationalError("database is locked")
            )
        if ending == "database-bug":  # a query the schema cannot answer: a bug, not a moment
            raise OperationalError("SELECT x", {}, sqlite3.OperationalError("no such table: x"))
        if ending == "database-gone":  # a lost connection (PostgreSQL restarted)
            raise DBAPIError(
                "SELECT 1", {}, ConnectionError("server closed"), connection_invalidated=True
            )
        if ending == "duplicate":
            agencies.create_agency(name="Twin", agency_number="DUP01", in_post_program=True)
            db.session.add(Agency(name="Twin 2", agency_number="DUP01", in_post_program=True))
        return {"statement": statement_id}

    @app.route("/test/form", methods=["GET", "POST"])
    @csrf.exempt
    def form_view():
        form = NameForm(meta={"csrf": False})

        def save():
            write(form.name.data)
            if form.name.data == "refused":
                raise DomainError("That name is refused.", "name")
            return form.name.data

        sent = submit(form, save)
        if sent.done:
            return f"saved {sent.value}"
        return f"errors {form.name.errors}", sent.status

    @app.post("/test/button/<name>")
    def button(name: str):
        def press():
            write(name)
            if name == "refused":
                raise DomainError("That button is refused.")
            if name == "missing":
                raise NotFound("No such thing.")
            return name

        done = act(press, back=url_for("accounts.dashboard"))
        flash(f"pressed {done}")
        return "pressed"

    return store


def stored(store) -> int:
    return len(store.query(StatementQuery(activity=ACTIVITY)).statements)


@pytest.mark.parametrize(
    ("ending", "status"),
    [("domain-error", 422), ("abort", 403), ("bug", 500), ("database-bug", 500)],
)
def test_a_view_failing_half_way_leaves_nothing_written(app, client, routes, ending, status):
    before = agency_count()
    response = client.post(f"/test/unit/{ending}", headers={"Accept": "application/json"})
    assert response.status_code == status
    assert agency_count() == before
    assert stored(routes) == 0  # the statement went back with the agency


def test_a_view_that_returns_has_its_rows_and_statements_committed_once(app, client, routes):
    heard: list[list[int]] = []
    routes.on_committed(heard.append)
    before = agency_count()
    response = client.post("/test/unit/fine")
    assert response.status_code == 200
    assert agency_count() == before + 1
    assert stored(routes) == 1
    assert len(heard) == 1 and len(heard[0]) == 1  # the listener heard once, after the commit


@pytest.mark.parametrize("ending", ["database-busy", "database-gone"])
def test_a_database_that_is_busy_or_away_is_a_503_to_retry_and_nothing_is_saved(
    app, client, routes, ending
):
    before = agency_count()
    response = client.post(f"/test/unit/{ending}", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert "try again" in response.get_json()["message"]
    assert agency_count() == before
    assert stored(routes) == 0


def test_a_unique_value_taken_at_commit_is_a_conflict_and_nothing_is_saved(app, client, routes):
    before = agency_count()
    response = client.post("/test/unit/duplicate", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert "agency_number" in response.get_json()["message"]
    assert agency_count() == before
    assert stored(routes) == 0


def test_a_listener_hears_nothing_of_statements_rolled_back(app, client, routes):
    heard: list[list[int]] = []
    routes.on_committed(heard.append)
    client.post("/test/unit/bug")
    assert heard == []


def test_the_form_post_shows_the_refusal_beside_its_field_and_keeps_nothing(app, client, routes):
    before = agency_count()
    refused = client.post("/test/form", data={"name": "refused"})
    assert refused.status_code == 422
    assert "That name is refused." in refused.get_data(as_text=True)
    assert agency_count() == before and stored(routes) == 0
    saved = client.post("/test/form", data={"name": "Kept"})
    assert saved.get_data(as_text=True) == "saved Kept"
    assert agency_count() == before + 1 and stored(routes) == 1
    assert client.get("/test/form").status_code == 200


def test_a_refused_button_flashes_why_goes_back_and_keeps_nothing(app, client, routes):
    make_officer(email="button@example.org")
    sign_in(client, "button@example.org", PASSWORD)
    token = csrf_token(client, "/dashboard")
    before = agency_count()
    refused = client.post("/test/button/refused", data={"csrf_token": token})
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith("/dashboard")
    with client.session_transaction() as session:
        assert ("error", "That button is refused.") in session["_flashes"]
    assert agency_count() == before and stored(routes) == 0
    missing = client.post("/test/button/missing", data={"csrf_token": token})
    assert missing.status_code == 404 and agency_count() == before
    pressed = client.post("/test/button/Pressed", data={"csrf_token": token})
    assert pressed.status_code == 200 and agency_count() == before + 1
    assert client.post("/test/button/x").status_code == 400  # no CSRF token: refused first


def test_a_job_failing_half_way_leaves_nothing_and_a_finished_job_commits(app, routes):
    before = agency_count()
    with pytest.raises(RuntimeError), unit_of_work.job():
        agencies.create_agency(name="Job agency", agency_number="J0001", in_post_program=True)
        routes.record([statement()], routes.system_credential("job-test", "Job test"))
        raise RuntimeError("half-way")
    assert agency_count() == before and stored(routes) == 0
    with unit_of_work.job():
        agencies.create_agency(name="Job agency", agency_number="J0001", in_post_program=True)
        with unit_of_work.job():  # a job inside a unit is part of it
            routes.record([statement()], routes.system_credential("job-test", "Job test"))
        assert unit_of_work.is_open()
    assert not unit_of_work.is_open()
    assert agency_count() == before + 1 and stored(routes) == 1
