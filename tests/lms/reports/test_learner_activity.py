"""The Learner Activity report: its figures are the statements the test recorded, its filters
narrow and its sorts order as a training manager asks, its CSV holds every row, and it shows
one agency only."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io

import pytest

from lms.accounts.interfaces import Role
from lms.db import db
from lms.player import records
from lms.reports import activity
from tests.conftest import sign_in
from tests.factories import (
    PASSWORD,
    make_agency,
    make_course,
    make_officer,
    make_person,
    make_post_staff,
    make_registration,
    make_sub_affiliation,
)
from tests.lms.reports.helpers import statement


@pytest.fixture
def world(app):
    """Capitol: Patrol (with Traffic below it) and Records; a second agency beside it."""
    capitol, other = make_agency("Capitol PD"), make_agency("Valley PD")
    patrol = make_sub_affiliation(capitol, "Patrol")
    traffic = make_sub_affiliation(capitol, "Traffic", patrol)
    records_unit = make_sub_affiliation(capitol, "Records")
    pursuit = make_course("1850-21796", title="Vehicle Pursuit Policy Update")
    incidents = make_course("1850-30000", title="Dispatcher Critical Incidents")
    ana = make_officer(capitol, first_name="Ana", last_name="Alvarez", post_id="A11-111-111")
    ben = make_officer(capitol, first_name="Ben", last_name="Brown", post_id="B22-222-222")
    cy = make_officer(capitol, first_name="Cy", last_name="Chen", post_id="C33-333-333")
    dee = make_officer(other, first_name="Dee", last_name="Diaz", post_id="D44-444-444")
    ana.sub_affiliation_id, ben.sub_affiliation_id = patrol.id, traffic.id
    cy.sub_affiliation_id = records_unit.id
    db.session.commit()
    ana_pursuit = make_registration(ana, pursuit)
    ana_incidents = make_registration(ana, incidents)
    ben_pursuit = make_registration(ben, pursuit)
    cy_incidents = make_registration(cy, incidents)
    dee_pursuit = make_registration(dee, pursuit)
    days = {ana_pursuit: 1, ana_incidents: 2, ben_pursuit: 3, cy_incidents: 4, dee_pursuit: 5}
    for registration, day in days.items():
        registration.registered_at = dt.datetime(2026, 3, day, 8, tzinfo=dt.UTC)
    db.session.commit()
    records.record(
        [
            statement(ana, ana_pursuit, "initialized", "2026-03-05T09:00:00Z"),
            statement(ana, ana_pursuit, "failed", "2026-03-05T09:20:00Z", scaled=0.5),
            statement(ana, ana_pursuit, "terminated", "2026-03-05T09:21:00Z", duration="PT21M"),
            statement(ana, ana_pursuit, "initialized", "2026-03-06T09:00:00Z"),
            statement(ana, ana_pursuit, "passed", "2026-03-06T09:30:00Z", scaled=0.9),
            statement(ana, ana_pursuit, "terminated", "2026-03-06T09:31:00Z", duration="PT31M"),
            statement(ana, ana_incidents, "initialized", "2026-03-07T10:00:00Z"),
            statement(ana, ana_incidents, "progressed", "2026-03-07T10:10:00Z", progress=30),
            statement(cy, cy_incidents, "initialized", "2026-03-08T10:00:00Z"),
            statement(cy, cy_incidents, "failed", "2026-03-08T10:40:00Z", scaled=0.3),
            statement(dee, dee_pursuit, "passed", "2026-03-09T10:00:00Z", scaled=1.0),
        ]
    )
    activity.catch_up()
    manager = make_person(Role.TRAINING_MANAGER, agency=capitol, post_id="T99-999-999")
    return {
        "capitol": capitol,
        "other": other,
        "patrol": patrol,
        "records": records_unit,
        "pursuit": pursuit,
        "incidents": incidents,
        "people": {"ana": ana, "ben": ben, "cy": cy, "dee": dee},
        "registrations": {"ana_pursuit": ana_pursuit, "ben_pursuit": ben_pursuit},
        "manager": manager,
    }


def report_csv(client, agency_id: int, **args) -> list[dict[str, str]]:
    response = client.get(f"/agencies/{agency_id}/activity.csv", query_string=args)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def names(rows: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(row["last_name"], row["course"]) for row in rows]


def test_the_report_holds_each_registrations_figures(client, world):
    sign_in(client, world["manager"].email, PASSWORD)
    rows = {(r["last_name"], r["course"]): r for r in report_csv(client, world["capitol"].id)}
    assert len(rows) == 4  # Valley's Diaz is not Capitol's
    done = rows[("Alvarez", "Vehicle Pursuit Policy Update")]
    assert (done["status"], done["score_scaled"], done["attempts"]) == ("completed", "0.9", "2")
    assert done["time_spent_seconds"] == str(52 * 60)
    assert done["completed_at"] == "2026-03-06T09:30:00Z"
    assert done["started_at"] == "2026-03-05T09:00:00Z"
    assert done["sub_affiliation"] == "Patrol" and done["certification_number"] == "1850-21796"
    started = rows[("Alvarez", "Dispatcher Critical Incidents")]
    assert (started["status"], started["progress_percent"]) == ("started", "30")
    assert rows[("Brown", "Vehicle Pursuit Policy Update")]["status"] == "registered"
    assert rows[("Chen", "Dispatcher Critical Incidents")]["status"] == "failed"


def test_filters_narrow_the_rows(client, world):
    sign_in(client, world["manager"].email, PASSWORD)
    capitol = world["capitol"].id
    patrol = report_csv(client, capitol, sub_affiliation=world["patrol"].id, sort="name")
    assert sorted(names(patrol)) == [  # Traffic is below Patrol
        ("Alvarez", "Dispatcher Critical Incidents"),
        ("Alvarez", "Vehicle Pursuit Policy Update"),
        ("Brown", "Vehicle Pursuit Policy Update"),
    ]
    assert names(report_csv(client, capitol, course=world["incidents"].id, status="failed")) == [
        ("Chen", "Dispatcher Critical Incidents")
    ]
    assert {r["last_name"] for r in report_csv(client, capitol, person="b22-222")} == {"Brown"}
    assert {r["last_name"] for r in report_csv(client, capitol, person="alv")} == {"Alvarez"}
    # active on or after March 7: Alvarez's incidents (7th) and Chen's (8th)
    assert sorted(names(report_csv(client, capitol, since="2026-03-07"))) == [
        ("Alvarez", "Dispatcher Critical Incidents"),
        ("Chen", "Dispatcher Critical Incidents"),
    ]
    # registered on or before March 2
    assert len(report_csv(client, capitol, until="2026-03-02")) == 2


def test_sorting_and_paging(client, world):
    sign_in(client, world["manager"].email, PASSWORD)
    capitol = world["capitol"].id
    by_score = report_csv(client, capitol, sort="score", order="desc")
    assert [r["score_scaled"] for r in by_score] == ["0.9", "0.3", "", ""]
    by_registered = report_csv(client, capitol, sort="registered", order="asc")
    assert [r["last_name"] for r in by_registered] == ["Alvarez", "Alvarez", "Brown", "Chen"]
    page = client.get(f"/agencies/{capitol}/activity?sort=registered&order=asc")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "4 registrations" in text
    assert text.index("Alvarez") < text.index("Brown") < text.index("Chen")


def test_the_page_is_paged(app, client, world, monkeypatch):
    from lms.reports import learner_activity

    monkeypatch.setattr(learner_activity, "PAGE_SIZE", 3)
    monkeypatch.setattr(learner_activity.page, "__defaults__", (3,))
    sign_in(client, world["manager"].email, PASSWORD)
    url = f"/agencies/{world['capitol'].id}/activity?sort=registered&order=asc"
    first = client.get(url).get_data(as_text=True)
    second = client.get(url + "&page=2").get_data(as_text=True)
    assert "page 1 of 2" in first and "Chen" not in first and "Next page" in first
    assert "page 2 of 2" in second and "Chen" in second and "Brown" not in second


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"sort": "salary"}, "sort"),
        ({"since": "03/07/2026"}, "since"),
        ({"page": "-1"}, "page"),
        ({"course": "abc"}, "course"),
        ({"since": "2026-04-01", "until": "2026-03-01"}, "since"),
    ],
)
def test_a_bad_filter_names_its_field(client, world, args, field):
    sign_in(client, world["manager"].email, PASSWORD)
    for suffix in ("activity", "activity.csv"):
        response = client.get(f"/agencies/{world['capitol'].id}/{suffix}", query_string=args)
        assert response.status_code == 422
        assert f"'{field}'" in html.unescape(response.get_data(as_text=True))


def test_another_agencys_report_and_records_are_not_found(client, world):
    sign_in(client, world["manager"].email, PASSWORD)
    other, capitol = world["other"].id, world["capitol"].id
    dee = world["people"]["dee"]
    assert client.get(f"/agencies/{other}/activity").status_code == 404
    assert client.get(f"/agencies/{other}/activity.csv").status_code == 404
    assert client.get(f"/agencies/{capitol}/people/{dee.id}/activity").status_code == 404
    assert client.get(f"/agencies/{capitol}/activity?person_id={dee.id}").status_code == 404
    assert client.get(f"/agencies/{capitol}/activity?sub_affiliation=999999").status_code == 404


def test_post_staff_see_any_agency(client, world):
    staff = make_post_staff()
    sign_in(client, staff.email, PASSWORD)
    rows = report_csv(client, world["other"].id)
    assert names(rows) == [("Diaz", "Vehicle Pursuit Policy Update")]


def test_a_learner_may_not_see_the_report(client, world):
    sign_in(client, world["people"]["ana"].email, PASSWORD)
    assert client.get(f"/agencies/{world['capitol'].id}/activity").status_code == 403


def test_drilling_from_a_person_to_their_attempts_and_statements(client, world):
    sign_in(client, world["manager"].email, PASSWORD)
    capitol, ana = world["capitol"].id, world["people"]["ana"]
    person_page = client.get(f"/agencies/{capitol}/people/{ana.id}/activity")
    assert person_page.status_code == 200
    text = person_page.get_data(as_text=True)
    assert "Vehicle Pursuit Policy Update" in text and "Dispatcher Critical Incidents" in text
    registration = world["registrations"]["ana_pursuit"]
    detail = client.get(f"/agencies/{capitol}/registrations/{registration.id}")
    text = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "Attempts (2)" in text
    assert "failed" in text and "passed" in text and "31 min" in text
    other_registration = world["registrations"]["ben_pursuit"]
    empty = client.get(f"/agencies/{capitol}/registrations/{other_registration.id}")
    assert "registered only" in empty.get_data(as_text=True)


def test_a_name_a_spreadsheet_would_run_is_exported_as_text(client, world):
    cy = world["people"]["cy"]
    cy.last_name = "=HYPERLINK(1)"
    db.session.commit()
    sign_in(client, world["manager"].email, PASSWORD)
    rows = report_csv(client, world["capitol"].id, course=world["incidents"].id, status="failed")
    assert rows[0]["last_name"] == "'=HYPERLINK(1)"
