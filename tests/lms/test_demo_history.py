"""The demo history (lms/demo_history.py): people of the demo agencies with months of training,
recorded as statements in the LRS and turned into CPT entries by the bridge alone."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from lms import demo, demo_facilitation, demo_history, unit_of_work
from lms.accounts.models import Agency, Person
from lms.bridge.services import cursor_state
from lms.catalog.interfaces import Mandate
from lms.catalog.models import Course, Registration
from lms.db import db
from lms.player import records
from lms.player.models import LaunchSession
from lms.training import services as training
from lms.training.cycles import CPT_HOURS_REQUIRED, today
from lms.training.mandates import Standing
from lms.training.models import CptEntry
from lrs.ops.query import StatementQuery
from tests.conftest import sign_in

SHORT_DISPATCHER = "D19-310-104"
PURSUIT_MISSED = "P17-310-102"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def load_demo(folder: Path) -> int:
    """`lms demo load` (which loads the history at its end), in one unit of work; how many
    records it made. The bundled courses are built once into the shared build folder."""
    with unit_of_work.job():
        created = demo.load()
    current_app.extensions["bridge"].wait_idle(10)
    return created


def person(post_id: str) -> Person:
    return db.session.scalar(select(Person).where(Person.post_id == post_id))


def compliance_csv(client, show: str) -> dict[str, dict[str, str]]:
    agency = db.session.scalar(select(Agency).where(Agency.agency_number == "90001"))
    answer = client.get(f"/agencies/{agency.id}/compliance.csv?show={show}")
    assert answer.status_code == 200
    rows = csv.DictReader(io.StringIO(answer.get_data(as_text=True)))
    return {row["post_id"]: row for row in rows}


def test_the_demo_agency_shows_a_dispatcher_short_of_hours_and_a_missed_pursuit_year(
    app, client, tmp_path
):
    load_demo(tmp_path)
    sign_in(client, "admin@example.org", "admin-demo-2026")

    dispatcher = training.profile(person(SHORT_DISPATCHER), today())
    assert 0 < dispatcher.cpt_hours < CPT_HOURS_REQUIRED
    short = compliance_csv(client, "short")[SHORT_DISPATCHER]
    assert Decimal(short["cpt_hours"]) == dispatcher.cpt_hours
    assert Decimal(short["cpt_short_by"]) == CPT_HOURS_REQUIRED - dispatcher.cpt_hours

    officer = training.profile(person(PURSUIT_MISSED), today())
    pursuit = next(m for m in officer.mandates if m.mandate == Mandate.PURSUIT)
    assert pursuit.last_completed == dt.date(today().year - 2, 6, 18)
    assert pursuit.standing != Standing.MET
    everyone = compliance_csv(client, "all")[PURSUIT_MISSED]
    listed = {
        Standing.OVERDUE: everyone["mandates_overdue"],
        Standing.DUE_SOON: everyone["mandates_due_soon"],
    }
    if pursuit.standing in listed:
        assert Mandate.PURSUIT.value in listed[pursuit.standing].split()


def test_every_cpt_entry_is_the_bridges_from_a_statement_in_the_lrs(app, tmp_path):
    load_demo(tmp_path)
    entries = db.session.scalars(select(CptEntry)).all()
    history = {learner.post_id for learner in demo_history.LEARNERS}
    roster = {attendee[0] for attendee in demo_facilitation.ATTENDEES}  # the demo's roster
    assert {entry.post_id for entry in entries} == history | roster
    store = records.store()
    for entry in entries:
        statement = store.get(entry.statement_id)
        assert statement["authority"]["account"]["name"] == entry.authority
        timestamp = dt.datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
        assert entry.completed_at == timestamp  # dated when the learner finished
    assert cursor_state().entries_made == len(entries)


def test_the_demo_sign_in_accounts_keep_no_course_history(app, tmp_path):
    load_demo(tmp_path)
    emails = [account.email for account in demo.ACCOUNTS]
    ids = db.session.scalars(select(Person.id).where(Person.email.in_(emails))).all()
    assert len(ids) == len(emails)
    assert not db.session.scalars(select(Registration).where(Registration.person_id.in_(ids))).all()
    assert not db.session.scalars(select(CptEntry).where(CptEntry.person_id.in_(ids))).all()


def test_the_dispatcher_failed_the_post_test_then_passed_and_is_credited_the_pass(app, tmp_path):
    load_demo(tmp_path)
    dispatcher = person(SHORT_DISPATCHER)
    course = db.session.scalar(select(Course).where(Course.slug == demo_history.DISPATCH))
    course_iri = f"{current_app.config['LMS_BASE_URL']}/courses/{course.id}"
    said = records.store().query(StatementQuery(activity=course_iri, ascending=True))
    about = [
        (s["verb"]["id"], s["timestamp"][:10])
        for s in said.statements
        if s["actor"]["account"]["name"] == dispatcher.post_id
    ]
    verbs = [verb for verb, _ in about]
    assert verbs == [FAILED, COMPLETED, PASSED]
    (entry,) = db.session.scalars(
        select(CptEntry).where(CptEntry.person_id == dispatcher.id, CptEntry.course_id == course.id)
    )
    assert about[0][1] < about[1][1] == entry.completed_at.strftime("%Y-%m-%d")


def test_loading_the_history_twice_adds_nothing(app, tmp_path):
    assert load_demo(tmp_path) > 0
    counts = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Person, Registration, CptEntry)
    ]
    statements = records.store().newest_seq()
    assert load_demo(tmp_path) == 0
    assert [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Person, Registration, CptEntry)
    ] == counts
    assert records.store().newest_seq() == statements


def test_the_wellness_resource_is_read_under_each_launchs_credential_and_credits_nothing(
    app, tmp_path
):
    load_demo(tmp_path)
    course = db.session.scalar(select(Course).where(Course.slug == demo_history.WELLNESS))
    sessions = db.session.scalars(
        select(LaunchSession)
        .join(Registration, Registration.id == LaunchSession.registration_id)
        .where(Registration.course_id == course.id)
    ).all()
    assert sessions and all(session.completed_at and session.terminated_at for session in sessions)
    said = records.store().query(StatementQuery(verb=COMPLETED, limit=0)).statements
    keys = {session.credential_key for session in sessions}
    read = [s for s in said if s["authority"]["account"]["name"] in keys]
    assert len(read) == len(sessions)
    assert not db.session.scalars(select(CptEntry).where(CptEntry.course_id == course.id)).all()
