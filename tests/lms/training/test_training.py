"""The Training Profile, agency compliance and the exports, from entries the bridge made."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest

from lms.accounts.interfaces import Role
from lms.catalog.interfaces import CreditRule, Mandate, PspCategory
from lms.db import db
from lms.training import cycles, exports, mandates, services
from lms.training.cycles import Cycle
from lms.training.mandates import Standing
from tests.conftest import sign_in
from tests.factories import (
    PASSWORD,
    make_administrator,
    make_agency,
    make_course,
    make_cpt_entry,
    make_officer,
    make_person,
    make_sub_affiliation,
)

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("lms.training.views.today", lambda: TODAY)


def complete(person, course, when: str) -> None:
    make_cpt_entry(person, course, when)


# --- Cycles and mandates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start"),
    [(dt.date(2025, 1, 1), 2025), (dt.date(2026, 12, 31), 2025), (dt.date(2027, 1, 1), 2027)],
)
def test_a_completion_counts_in_the_cycle_of_its_date(day, start):
    assert cycles.cycle_of(day) == Cycle(start)


def test_the_completion_date_is_californias():
    late_on_new_years_eve = dt.datetime(2027, 1, 1, 7, 30, tzinfo=dt.UTC)  # 23:30 in California
    assert cycles.completion_date(late_on_new_years_eve) == dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("mandate", "last", "due", "standing"),
    [
        (Mandate.PURSUIT, dt.date(2026, 2, 1), dt.date(2027, 12, 31), Standing.MET),
        (Mandate.PURSUIT, dt.date(2025, 11, 1), dt.date(2026, 12, 31), Standing.DUE),
        (Mandate.PURSUIT, None, dt.date(2026, 12, 31), Standing.DUE),
        (Mandate.FIRST_AID, dt.date(2024, 7, 1), dt.date(2026, 7, 1), Standing.DUE_SOON),
        (Mandate.FIRST_AID, dt.date(2024, 1, 1), dt.date(2026, 1, 1), Standing.OVERDUE),
        (Mandate.RACIAL_PROFILING, dt.date(2022, 3, 1), dt.date(2027, 3, 1), Standing.MET),
        (Mandate.USE_OF_FORCE, None, dt.date(2026, 12, 31), Standing.DUE),
    ],
)
def test_each_mandate_has_its_next_due_date(mandate, last, due, standing):
    status = mandates.status(mandate, last, TODAY)
    assert (status.next_due, status.standing) == (due, standing)


def test_pursuit_training_is_due_soon_at_the_end_of_a_year_without_it():
    status = mandates.status(Mandate.PURSUIT, dt.date(2025, 5, 1), dt.date(2026, 11, 1))
    assert status.standing == Standing.DUE_SOON


# --- The profile --------------------------------------------------------------------------


def test_an_officers_profile_shows_hours_psp_and_mandates(app):
    officer = make_officer()
    pursuit = make_course("1850-00001", "2", title="Vehicle Pursuit", mandates={Mandate.PURSUIT})
    firearms = make_course("1850-00002", "4", title="Tactical Firearms")
    firearms.certification.psp_category = PspCategory.TACTICAL_FIREARMS.value
    db.session.commit()
    complete(officer, pursuit, "2026-02-01T10:00:00Z")
    complete(officer, firearms, "2025-09-01T10:00:00Z")
    complete(officer, firearms, "2026-03-01T10:00:00Z")  # a repeat: 0 hours

    profile = services.profile(officer, TODAY)
    assert profile.cpt_hours == Decimal(6) and profile.cpt_short_by == Decimal(18)
    assert profile.psp_hours[PspCategory.TACTICAL_FIREARMS] == Decimal(4)
    assert PspCategory.TACTICAL_FIREARMS not in profile.psp_short
    assert PspCategory.USE_OF_FORCE in profile.psp_short
    pursuit_status = next(m for m in profile.mandates if m.mandate == Mandate.PURSUIT)
    assert pursuit_status.last_completed == dt.date(2026, 2, 1)
    assert pursuit_status.standing == Standing.MET


def test_the_profile_page_lists_each_completion_with_its_source(app, client):
    officer = make_officer(email="pat@example.org")
    pursuit = make_course("1850-00001", "2", title="Vehicle Pursuit", mandates={Mandate.PURSUIT})
    complete(officer, pursuit, "2026-02-01T10:00:00Z")
    sign_in(client, "pat@example.org", PASSWORD)
    page = client.get("/profile").get_data(as_text=True)
    assert 'id="cpt-hours">2</span> of 24 hours' in page
    assert "Perishable Skills Program" in page and "Mandated training" in page
    entry = db.session.query(services.CptEntry).one()
    assert entry.statement_id in page and "Course completion" in page


def test_a_dispatcher_sees_cpt_but_no_psp_or_mandates(app, client):
    dispatcher = make_person(Role.DISPATCHER, email="d@example.org", post_id="D12-345-678")
    course = make_course("1850-00003", "2", title="Dispatcher Critical Incidents")
    complete(dispatcher, course, "2026-02-01T10:00:00Z")
    sign_in(client, "d@example.org", PASSWORD)
    page = client.get("/profile").get_data(as_text=True)
    assert "of 24 hours" in page
    assert "Perishable Skills Program" not in page and "Mandated training" not in page


def test_an_npo_sees_their_courses_and_no_requirement(app, client):
    npo = make_person(Role.NPO, email="n@example.org", agency=make_agency())
    course = make_course("1850-00004", "2", title="Organization Wellness")
    complete(npo, course, "2026-02-01T10:00:00Z")
    sign_in(client, "n@example.org", PASSWORD)
    page = client.get("/profile").get_data(as_text=True)
    assert "Organization Wellness" in page
    assert "of 24 hours" not in page and "Mandated training" not in page


def test_a_recorded_course_is_on_the_profile_with_no_cpt(app):
    officer = make_officer()
    course = make_course(
        "1850-00005", "0", rule=CreditRule.RECORDED, title="Basic Course Instructor"
    )
    complete(officer, course, "2026-02-01T10:00:00Z")
    profile = services.profile(officer, TODAY)
    assert [e.title for e in profile.entries] == ["Basic Course Instructor"]
    assert profile.cpt_hours == 0


# --- Exports --------------------------------------------------------------------------------


def test_the_profile_exports_in_the_documented_layout(app, client):
    officer = make_officer(email="pat@example.org", agency=make_agency(), first_name="Pat")
    course = make_course("1850-21796", "2", title="Vehicle Pursuit", mandates={Mandate.PURSUIT})
    complete(officer, course, "2026-02-01T10:00:00Z")
    sign_in(client, "pat@example.org", PASSWORD)

    as_csv = client.get("/profile/entries.csv")
    assert as_csv.mimetype == "text/csv" and "attachment" in as_csv.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert tuple(rows[0]) == exports.COLUMNS
    assert rows[0]["post_id"] == officer.post_id and rows[0]["cpt_hours"] == "2.00"
    assert rows[0]["completion_date"] == "2026-02-01" and rows[0]["cycle"] == "2025-2026"
    assert rows[0]["mandates"] == "pc_13519_8"

    as_json = json.loads(client.get("/profile/entries.json").get_data(as_text=True))
    assert (as_json["layout"], as_json["version"]) == (exports.LAYOUT, 1)
    assert as_json["entries"] == rows


def test_text_a_spreadsheet_would_run_is_defused():
    assert exports.as_csv([{"a": "=HYPERLINK()"}], ("a",)).splitlines()[1] == "'=HYPERLINK()"


# --- Compliance ---------------------------------------------------------------------------


@pytest.fixture
def agency_with_people(app):
    agency = make_agency("Capitol City PD")
    patrol = make_sub_affiliation(agency, "Patrol")
    night = make_sub_affiliation(agency, "Night shift", parent=patrol)
    records_unit = make_sub_affiliation(agency, "Records")
    admin = make_administrator(agency, email="admin@example.org", last_name="Admin")
    done = make_person(  # a dispatcher: 24 hours and nothing else to owe
        Role.DISPATCHER, agency=agency, first_name="Ada", last_name="Done", post_id="D00-000-001"
    )
    short = make_officer(agency, first_name="Sam", last_name="Short")
    for person, sub in ((done, night), (short, records_unit)):
        person.sub_affiliation_id = sub.id
    db.session.commit()
    big = make_course("1850-00010", "24", title="Big course")
    complete(done, big, "2026-01-10T10:00:00Z")
    return agency, patrol, admin, done, short


def test_compliance_lists_who_is_short_by_sub_affiliation(app, client, agency_with_people):
    agency, patrol, admin, done, short = agency_with_people
    sign_in(client, "admin@example.org", PASSWORD)
    page = client.get(f"/agencies/{agency.id}/compliance?show=short").get_data(as_text=True)
    assert "Sam Short" in page and "Ada Done" not in page
    under_patrol = client.get(f"/agencies/{agency.id}/compliance?sub_affiliation={patrol.id}")
    text = under_patrol.get_data(as_text=True)
    assert "Ada Done" in text and "Sam Short" not in text  # Night shift is under Patrol
    assert 'id="progress-chart"' in text
    summary = text.split('id="sub-affiliation-summary"')[1].split("</table>")[0]
    # Patrol counts Night shift's people: Ada (on track) is there, Sam is in Records.
    patrol_row = summary.split(">Patrol</a></td>")[1].split("</tr>")[0]
    assert patrol_row.split("<td>")[1:4] == ["1</td>", "1</td>", "0</td>"]


def test_compliance_sorts_by_hours(app, client, agency_with_people):
    agency, *_ = agency_with_people
    sign_in(client, "admin@example.org", PASSWORD)
    page = client.get(f"/agencies/{agency.id}/compliance?sort=hours&order=desc").get_data(
        as_text=True
    )
    assert page.index("Ada Done") < page.index("Sam Short")


def test_compliance_exports_to_csv(app, client, agency_with_people):
    agency, *_ = agency_with_people
    sign_in(client, "admin@example.org", PASSWORD)
    body = client.get(f"/agencies/{agency.id}/compliance.csv?show=short").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["last_name"] for r in rows] == ["Admin", "Short"]  # the administrator is sworn
    assert rows[1]["cpt_short_by"] == "24" and rows[1]["psp_categories_short"]


def test_bad_filters_are_refused_naming_the_field(app, client, agency_with_people):
    agency, *_ = agency_with_people
    sign_in(client, "admin@example.org", PASSWORD)
    response = client.get(f"/agencies/{agency.id}/compliance?sort=salary")
    assert response.status_code == 400 and "sort" in response.get_data(as_text=True)
    assert client.get(f"/agencies/{agency.id}/compliance?sub_affiliation=999").status_code == 404


def test_another_agencys_compliance_is_404_and_an_officer_gets_403(app, client, agency_with_people):
    agency, _, _, done, _ = agency_with_people
    other = make_agency("Valley County")
    make_administrator(other, email="valley@example.org")
    sign_in(client, "valley@example.org", PASSWORD)
    for url in (
        f"/agencies/{agency.id}/compliance",
        f"/agencies/{agency.id}/compliance.csv",
        f"/agencies/{agency.id}/entries.json",
    ):
        assert client.get(url).status_code == 404, url
    officer_client = app.test_client()
    done_email = done.email
    sign_in(officer_client, done_email, PASSWORD)
    assert officer_client.get(f"/agencies/{agency.id}/compliance").status_code == 403


def test_a_training_manager_sees_their_agency(app, client, agency_with_people):
    agency, *_ = agency_with_people
    make_person(Role.TRAINING_MANAGER, agency=agency, email="tm@example.org")
    sign_in(client, "tm@example.org", PASSWORD)
    assert client.get(f"/agencies/{agency.id}/compliance").status_code == 200
    exported = json.loads(client.get(f"/agencies/{agency.id}/entries.json").get_data(as_text=True))
    assert [e["course_title"] for e in exported["entries"]] == ["Big course"]
