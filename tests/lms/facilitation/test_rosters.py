"""Presentations and rosters: the Course Control Number, the late-request flag, every roster
error naming its line, a roster that writes nothing while a line is wrong, attended statements
under the agency's roster credential that the bridge turns into CPT, and a correction that voids
and records again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms import unit_of_work
from lms.accounts.interfaces import Role
from lms.bridge import services as bridge
from lms.catalog.interfaces import CreditRule
from lms.db import db
from lms.facilitation import services
from lms.facilitation.interfaces import FacilitationNotFound, RosterRefused
from lms.facilitation.models import Roster, RosterEvent
from lms.training.models import CptEntry
from tests.factories import make_agency, make_course, make_officer, make_person

START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 20)
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def setting(app):
    agency = make_agency("Capitol City PD")
    manager = make_person(Role.TRAINING_MANAGER, agency=agency, post_id="M10-000-001")
    course = make_course("1850-21801", "4", CreditRule.ROSTER, title="Preliminary Investigations")
    with unit_of_work.job():
        presentation = services.schedule(
            manager, course.id, START, END, facilitated_at_agency=True, today=dt.date(2026, 9, 1)
        )
        presentation_id = presentation.id
    officers = [make_officer(agency) for _ in range(3)]
    return agency, manager, course, presentation_id, officers


def _submit(manager, presentation_id, text, date=END, hours=Decimal("4")):
    with unit_of_work.job():
        roster = services.submit_roster(
            manager, presentation_id, services.pasted(text), date, hours, today=TODAY
        )
        return roster.id


def _hours(person):
    db.session.expire_all()
    return sorted(
        (e.completed_on, e.credited_hours)
        for e in db.session.scalars(select(CptEntry).where(CptEntry.person_id == person.id))
    )


def test_the_course_control_number_and_the_late_flag(app, setting):
    agency, manager, course, presentation_id, _ = setting
    presentation = services.presentation_of(manager, presentation_id)
    assert services.fiscal_year(dt.date(2026, 7, 1)) == 27
    assert services.fiscal_year(dt.date(2026, 6, 30)) == 26
    assert services.course_control_number(presentation) == "1850-21801-27001"
    assert not presentation.late_request
    with unit_of_work.job():
        late = services.schedule(
            manager,
            course.id,
            dt.date(2026, 12, 20),
            dt.date(2026, 12, 20),
            location="Academy room 2",
            today=dt.date(2026, 12, 1),
        )
        assert late.late_request and late.number == 2  # flagged, not refused


def test_a_roster_becomes_attended_statements_and_cpt(app, setting):
    agency, manager, course, presentation_id, officers = setting
    first, second, _ = officers
    _submit(manager, presentation_id, f"{first.post_id}\n{second.post_id}, 2026-11-19, 2.5")
    bridge.catch_up()
    assert _hours(first) == [(END, Decimal("4.00"))]
    assert _hours(second) == [(dt.date(2026, 11, 19), Decimal("2.50"))]
    statements = [s for _, s in app.extensions["lrs"].read_from(0)]
    attended = [s for s in statements if s["verb"]["id"].endswith("/attended")]
    assert len(attended) == 2
    base = app.config["LMS_BASE_URL"]
    assert attended[0]["context"]["instructor"]["account"]["name"] == manager.post_id
    assert attended[0]["context"]["extensions"][
        f"{base}/xapi/extensions/course-control-number"
    ] == ("1850-21801-27001")
    assert attended[0]["authority"]["account"]["name"] == f"roster-{agency.id}"


@pytest.mark.parametrize(
    "line, says",
    [
        ("Z99-999-999", "no one has the POST-ID Z99-999-999"),
        ("not-an-id", "is not a POST-ID"),
        ("{other}", "is not a person of your agency"),
        ("{first}\n{first}", "is already on line 2"),
        ("{first}, 2026-11-10, 5", "more than the course's certified 4.00 hours"),
        ("{first}, 2026-12-24, 2", "is in the future"),
        ("{first}, 2026-10-01, 2", "is outside the presentation"),
        ("{first}, 2026-11-10, 0", "more than 0"),
    ],
)
def test_each_roster_error_names_its_line_and_nothing_is_written(app, setting, line, says):
    agency, manager, course, presentation_id, officers = setting
    other = make_officer(make_agency("Valley County SO"))
    text = line.format(first=officers[0].post_id, other=other.post_id)
    before = app.extensions["lrs"].newest_seq()
    with pytest.raises(RosterRefused) as refused:
        _submit(manager, presentation_id, f"{officers[1].post_id}\n{text}")
    assert says in refused.value.message
    assert refused.value.errors[-1].line == text.count("\n") + 2
    assert db.session.scalar(select(func.count(Roster.id))) == 0
    assert app.extensions["lrs"].newest_seq() == before


def test_a_correction_voids_and_records_again_and_keeps_the_history(app, setting):
    agency, manager, course, presentation_id, officers = setting
    first, second, third = officers
    roster_id = _submit(manager, presentation_id, f"{first.post_id}\n{second.post_id}")
    bridge.catch_up()
    with unit_of_work.job():
        services.correct_roster(
            manager,
            roster_id,
            services.pasted(f"{first.post_id}, 2026-11-20, 3\n{third.post_id}"),
            "Officer two left at the break; officer one stayed three hours.",
            END,
            Decimal("4"),
            today=TODAY,
        )
    bridge.catch_up()
    assert _hours(first) == [(END, Decimal("3.00"))]
    assert _hours(second) == []
    assert _hours(third) == [(END, Decimal("4.00"))]
    roster = db.session.get(Roster, roster_id)
    assert len(roster.lines) == 4 and len(services.current_lines(roster)) == 2
    events = db.session.scalars(select(RosterEvent).order_by(RosterEvent.id)).all()
    assert [e.action for e in events] == ["submitted", "corrected"]
    assert "left at the break" in events[1].reason


def test_another_agencys_manager_gets_404(app, setting):
    agency, manager, course, presentation_id, officers = setting
    roster_id = _submit(manager, presentation_id, officers[0].post_id)
    outsider = make_person(
        Role.TRAINING_MANAGER, agency=make_agency("Valley"), post_id="M20-000-002"
    )
    with pytest.raises(FacilitationNotFound):
        services.presentation_of(outsider, presentation_id)
    with pytest.raises(FacilitationNotFound):
        services.roster_of(outsider, roster_id)
    officer = officers[1]
    with pytest.raises(FacilitationNotFound):
        services.presentation_of(officer, presentation_id)


def test_a_person_on_another_roster_of_the_presentation_is_refused(app, setting):
    agency, manager, course, presentation_id, officers = setting
    _submit(manager, presentation_id, officers[0].post_id)
    with pytest.raises(RosterRefused, match="already on another roster of this presentation"):
        _submit(manager, presentation_id, f"{officers[1].post_id}\n{officers[0].post_id}")


def test_a_csv_roster_is_read_by_its_header(app, setting):
    agency, manager, course, presentation_id, officers = setting
    data = f"post_id,date,hours\n{officers[0].post_id},2026-11-05,1.5\n\n{officers[1].post_id},,\n"
    entries = services.from_csv(data.encode())
    assert [(e.line, e.attended_on, e.hours) for e in entries] == [
        (2, "2026-11-05", "1.5"),
        (4, "", ""),
    ]
    with pytest.raises(RosterRefused, match="post_id column"):
        services.from_csv(b"name,hours\nx,1\n")
