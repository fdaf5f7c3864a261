"""The facilitation pages over HTTP: scheduling, a roster entered by pasting, by choosing people
and by CSV, its errors listed by line with nothing written, a correction, access to a facilitated
course and its materials, and 404 for another agency's people."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from lms.accounts.interfaces import Role
from lms.bridge import services as bridge
from lms.catalog.interfaces import CreditRule
from lms.db import db
from lms.facilitation.models import FacilitatedAccess, Presentation, Roster
from lms.packages import bundled
from lms.training.models import CptEntry
from tests.builders.scorm import PACKAGES, SCORM12, zip_package
from tests.conftest import csrf_token, sign_in
from tests.factories import (
    PASSWORD,
    certify,
    make_agency,
    make_officer,
    make_person,
    make_published_course,
)

TODAY = dt.date.today()


@pytest.fixture
def place(app, tmp_path, monkeypatch):
    """A certified course with facilitation materials (named in a course.toml of the test's own
    content_packages/), an agency with a training manager and two officers."""
    (tmp_path / "pkg").mkdir()
    course = make_published_course(
        zip_package(PACKAGES / SCORM12, tmp_path / "pkg"), tmp_path / "pkg"
    )
    course = certify(course, "1850-21900", "4", CreditRule.ROSTER)
    folder = tmp_path / "content_packages" / course.slug
    folder.mkdir(parents=True)
    (folder / "course.toml").write_text(
        'title = "T"\nstandard = "scorm12"\n[facilitation]\n'
        'video = "video/v.mp4"\ncaptions = "video/v.vtt"\nguide = "guide/g.pdf"\n'
    )
    monkeypatch.setattr(bundled, "SOURCES", folder.parent)
    agency = make_agency("Capitol City PD")
    manager = make_person(
        Role.TRAINING_MANAGER, agency=agency, email="tm@example.org", post_id="M10-000-001"
    )
    officers = [make_officer(agency) for _ in range(2)]
    return course, agency, manager, officers


def _schedule(client, course) -> int:
    token = csrf_token(client, "/agency/presentations")
    start = TODAY - dt.timedelta(days=3)
    response = client.post(
        "/agency/presentations",
        data={
            "csrf_token": token,
            "course_id": course.id,
            "starts_on": start.isoformat(),
            "ends_on": TODAY.isoformat(),
            "facilitated_at_agency": "y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return db.session.scalar(select(Presentation.id))


def _enter(client, presentation_id, **fields):
    token = csrf_token(client, f"/agency/presentations/{presentation_id}")
    data = {"csrf_token": token, "default_date": TODAY.isoformat(), "default_hours": "3", **fields}
    return client.post(
        f"/agency/presentations/{presentation_id}", data=data, content_type="multipart/form-data"
    )


def test_a_roster_pasted_chosen_and_uploaded_reaches_the_profiles(app, client, place):
    course, agency, manager, officers = place
    third = make_officer(agency)
    sign_in(client, manager.email, PASSWORD)
    presentation_id = _schedule(client, course)
    page = client.get(f"/agency/presentations/{presentation_id}").get_data(as_text=True)
    fy = (TODAY.year + 1 if TODAY.month >= 7 else TODAY.year) % 100
    assert f"1850-21900-{fy:02d}001" in page and "Requested fewer than 30 days" in page
    csv_file = (io.BytesIO(f"post_id,hours\n{third.post_id},2\n".encode()), "roster.csv")
    response = _enter(
        client,
        presentation_id,
        attendees=officers[0].post_id,
        people=[officers[1].id],
        csv=csv_file,
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    bridge.catch_up()
    hours = dict(db.session.execute(select(CptEntry.person_id, CptEntry.credited_hours)).all())
    assert {k: str(v) for k, v in hours.items()} == {
        officers[0].id: "3.00",
        officers[1].id: "3.00",
        third.id: "2.00",
    }
    roster_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 attendees" in roster_page and "Submitted" in roster_page


def test_roster_errors_are_listed_by_line_and_nothing_is_written(app, client, place):
    course, agency, manager, officers = place
    sign_in(client, manager.email, PASSWORD)
    presentation_id = _schedule(client, course)
    outsider = make_officer(make_agency("Valley"))
    response = _enter(
        client,
        presentation_id,
        attendees="\n".join(
            [officers[0].post_id, "Z99-999-999", outsider.post_id, f"{officers[0].post_id}, , 9"]
        ),
    )
    assert response.status_code == 422
    errors = re.search(r'id="roster-errors".*?</div>', response.get_data(as_text=True), re.S).group(
        0
    )
    assert "Line 2: no one has the POST-ID Z99-999-999" in errors
    assert "Line 3:" in errors and "not a person of your agency" in errors
    assert "Line 4:" in errors and "already on line 1" in errors
    assert db.session.scalar(select(func.count(Roster.id))) == 0


def test_a_correction_from_the_roster_page_voids_and_records_again(app, client, place):
    course, agency, manager, officers = place
    sign_in(client, manager.email, PASSWORD)
    presentation_id = _schedule(client, course)
    entered = _enter(
        client, presentation_id, attendees=f"{officers[0].post_id}\n{officers[1].post_id}"
    )
    roster_url = entered.headers["Location"]
    token = csrf_token(client, roster_url)
    corrected = client.post(
        roster_url,
        data={
            "csrf_token": token,
            "attendees": f"{officers[0].post_id}, {TODAY.isoformat()}, 1.5",
            "reason": "Officer two was on the other shift's roster.",
        },
    )
    assert corrected.status_code == 303
    bridge.catch_up()
    db.session.expire_all()
    entries = db.session.execute(select(CptEntry.person_id, CptEntry.credited_hours)).all()
    assert [(p, str(h)) for p, h in entries] == [(officers[0].id, "1.50")]
    page = client.get(roster_url).get_data(as_text=True)
    assert "other shift" in page and "Voided lines" in page


def test_access_lets_a_person_open_the_materials_and_others_get_404(app, client, place):
    course, agency, manager, officers = place
    viewer = officers[0]
    sign_in(client, viewer.email, PASSWORD)
    assert client.get(f"/facilitated/{course.id}").status_code == 404
    sign_in(client, manager.email, PASSWORD)
    token = csrf_token(client, "/agency/facilitated-access")
    given = client.post(
        "/agency/facilitated-access",
        data={
            "csrf_token": token,
            "course_id": course.id,
            "people": [viewer.id],
            "sub_affiliation_id": 0,
        },
    )
    assert given.status_code == 303
    assert db.session.scalar(select(func.count(FacilitatedAccess.id))) == 1
    sign_in(client, viewer.email, PASSWORD)
    page = client.get(f"/facilitated/{course.id}").get_data(as_text=True)
    assert '<track kind="captions"' in page and "/video/v.vtt" in page and "guide/g.pdf" in page


def test_another_agencys_manager_gets_404_on_every_page(app, client, place):
    course, agency, manager, officers = place
    sign_in(client, manager.email, PASSWORD)
    presentation_id = _schedule(client, course)
    entered = _enter(client, presentation_id, attendees=officers[0].post_id)
    roster_url = entered.headers["Location"]
    other = make_person(
        Role.TRAINING_MANAGER,
        agency=make_agency("Valley"),
        email="vtm@example.org",
        post_id="M20-000-002",
    )
    sign_in(client, other.email, PASSWORD)
    assert client.get(f"/agency/presentations/{presentation_id}").status_code == 404
    assert client.get(roster_url).status_code == 404
    assert presentation_id not in [
        int(i)
        for i in re.findall(
            r"/agency/presentations/(\d+)",
            client.get("/agency/presentations").get_data(as_text=True),
        )
    ]
    officer = officers[1]
    sign_in(client, officer.email, PASSWORD)
    assert client.get("/agency/presentations").status_code == 404
