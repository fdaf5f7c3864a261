"""The training manager's dashboard: its figures are the registrations and completions the test
made, its judgement of who is short or overdue is the compliance page's, a sub-affiliation's
dashboard counts those below it, and it shows one agency only."""

from __future__ import annotations

import datetime as dt
import html
import random
import re
from decimal import Decimal

import pytest

from lms.accounts.interfaces import Role
from lms.catalog import services as catalog
from lms.catalog.interfaces import Audience, CreditRule, Delivery, Mandate, PspCategory
from lms.db import db
from lms.reports import dashboard
from lms.training import services as training
from tests.conftest import sign_in
from tests.factories import (
    PASSWORD,
    make_administrator,
    make_agency,
    make_course,
    make_cpt_entry,
    make_officer,
    make_person,
    make_post_staff,
    make_registration,
    make_sub_affiliation,
)

TODAY = dt.date(2026, 6, 15)  # the 2025–2026 cycle


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("lms.reports.dashboard_views.today", lambda: TODAY)


def psp_course(number: str, category: PspCategory, hours: str = "6"):
    course = catalog.save_course(
        catalog.CourseFields(
            slug=f"psp-{number}",
            title=f"PSP {category.label}",
            description="",
            audience={Audience.PEACE_OFFICER},
            delivery=Delivery.DISTANCE,
            published=True,
            certification_number=number,
            cpt_hours=Decimal(hours),
            credit_rule=CreditRule.AUTOMATIC,
            psp_category=category,
            mandates=set(),
        )
    )
    db.session.commit()
    return course


def registered(person, course, when: dt.datetime):
    registration = make_registration(person, course)
    registration.registered_at = when
    db.session.commit()
    return registration


@pytest.fixture
def world(app):
    """Capitol: Patrol (with Traffic below it) and Records, and people in none; Valley beside."""
    capitol, valley = make_agency("Capitol PD"), make_agency("Valley PD")
    patrol = make_sub_affiliation(capitol, "Patrol")
    traffic = make_sub_affiliation(capitol, "Traffic", patrol)
    records_unit = make_sub_affiliation(capitol, "Records")
    pursuit = make_course(
        "1850-21796", hours="4", title="Vehicle Pursuit", mandates={Mandate.PURSUIT}
    )
    long_course = make_course("1850-30000", hours="20", title="Long Course")
    firearms = psp_course("1850-40000", PspCategory.TACTICAL_FIREARMS)
    first_aid = make_course(
        "1850-50000", hours="2", title="First Aid", mandates={Mandate.FIRST_AID}
    )
    ana = make_officer(capitol, first_name="Ana", last_name="Alvarez")
    ben = make_officer(capitol, first_name="Ben", last_name="Brown")
    cy = make_officer(capitol, first_name="Cy", last_name="Chen")
    dan = make_person(Role.DISPATCHER, agency=capitol, post_id="D55-555-555", last_name="Dunn")
    npo = make_person(Role.NPO, agency=capitol, last_name="Nolan")
    vic = make_officer(valley, first_name="Vic", last_name="Valdez")
    ana.sub_affiliation_id, ben.sub_affiliation_id = patrol.id, traffic.id
    cy.sub_affiliation_id = records_unit.id
    db.session.commit()
    in_cycle = dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC)
    registered(ana, pursuit, in_cycle)
    registered(ana, long_course, in_cycle)
    registered(ben, pursuit, in_cycle)
    registered(cy, pursuit, dt.datetime(2024, 12, 1, 12, tzinfo=dt.UTC))  # the last cycle
    registered(vic, pursuit, in_cycle)
    # Ana: 30 hours, pursuit done this cycle; short of PSP hours only.
    make_cpt_entry(ana, pursuit, "2026-01-10T17:00:00Z")
    make_cpt_entry(ana, long_course, "2026-02-20T17:00:00Z")
    make_cpt_entry(ana, firearms, "2026-02-21T17:00:00Z")
    # Ben: 4 hours; short.  Dan (dispatcher): 20 hours; short by 4.  Cy: nothing this cycle,
    # first aid done two and a half years ago: overdue.
    make_cpt_entry(ben, pursuit, "2026-01-12T17:00:00Z")
    make_cpt_entry(dan, long_course, "2025-05-02T17:00:00Z")
    make_cpt_entry(cy, first_aid, "2024-01-01T17:00:00Z")
    make_cpt_entry(vic, long_course, "2026-02-02T17:00:00Z")
    manager = make_person(Role.TRAINING_MANAGER, agency=capitol, post_id="T99-999-999")
    return {
        "capitol": capitol,
        "valley": valley,
        "patrol": patrol,
        "traffic": traffic,
        "records": records_unit,
        "people": {"ana": ana, "ben": ben, "cy": cy, "dan": dan, "npo": npo},
        "manager": manager,
    }


def groups_by_name(found) -> dict[str, dashboard.Figures]:
    return {group.name: group.figures for group in found.groups}


def test_the_figures_are_the_agencys_registrations_and_completions(world):
    found = dashboard.dashboard(world["capitol"], TODAY)
    totals = found.totals
    assert totals.people == 6  # five learners and the manager; Valley's Valdez is not counted
    assert totals.enrollments == 3  # Chen's registration was in the last cycle
    assert totals.completions == 5  # Chen's 2024 completion is not this cycle's
    assert totals.hours == Decimal("54.00")  # Ana 4 + 20 + 6, Ben 4, Dunn 20
    assert totals.owe_cpt == 4  # the four officers and dispatchers
    assert (totals.short, totals.overdue, totals.on_track) == (4, 1, 0)
    assert (totals.owe_mandates, totals.worst_overdue) == (3, 1)

    groups = groups_by_name(found)
    assert list(groups) == ["Capitol PD", "Patrol", "Traffic", "Records", "No sub-affiliation"]
    patrol = groups["Patrol"]  # Traffic's Brown counts in Patrol
    assert (patrol.people, patrol.enrollments, patrol.completions) == (2, 3, 4)
    assert patrol.hours == Decimal("34.00")
    assert (groups["Traffic"].people, groups["Traffic"].hours) == (1, Decimal("4.00"))
    assert (groups["Records"].overdue, groups["Records"].completions) == (1, 0)
    assert groups["No sub-affiliation"].people == 3  # Dunn, Nolan and the manager

    months = {month.starts: month for month in found.months}
    assert len(found.months) == 18  # January 2025 to June 2026
    assert months[dt.date(2026, 2, 1)].completions == 2
    assert months[dt.date(2026, 2, 1)].hours == Decimal("26.00")
    assert months[dt.date(2025, 5, 1)].completions == 1
    assert sum(month.completions for month in found.months) == totals.completions

    attention = {row.name: row for row in found.attention}
    assert list(attention)[0] == "Cy Chen"  # a mandate overdue comes first
    assert attention["Cy Chen"].overdue == [Mandate.FIRST_AID]
    assert attention["Ben Brown"].cpt_short_by == Decimal("20.00")
    assert attention["Pat Dunn"].cpt_short_by == Decimal("4.00")
    assert attention["Ana Alvarez"].cpt_short_by == 0
    assert attention["Ana Alvarez"].psp_short  # 6 of 18 PSP hours
    assert PspCategory.TACTICAL_FIREARMS not in attention["Ana Alvarez"].psp_short


def test_who_is_short_or_overdue_is_the_compliance_pages_judgement(world):
    found = dashboard.dashboard(world["capitol"], TODAY)
    rows = training.compliance(world["capitol"], TODAY)
    tree = [(sub, depth) for sub, depth in found.tree]
    expected = training.summary_by_sub_affiliation(world["capitol"], rows, tree)
    for summary in expected:
        group = next(g for g in found.groups if g.name == summary.name)
        assert (
            group.figures.owe_cpt,
            group.figures.on_track,
            group.figures.short,
            group.figures.overdue,
        ) == (summary.people, summary.on_track, summary.short, summary.overdue), summary.name
    flagged = {
        row.person.id for row in rows if row.profile.cpt_short_by or row.profile.psp_short
    } | {row.person.id for row in rows if row.overdue}
    assert {row.person_id for row in found.attention} == flagged


def test_a_crowd_is_judged_as_the_compliance_page_judges_it(app):
    """Many people with random completions, judged in aggregate, agree person by person."""
    chance = random.Random(16)
    agency = make_agency("Crowd PD")
    subs = [make_sub_affiliation(agency, f"Unit {n}") for n in range(3)]
    courses = [
        make_course("1850-10001", hours="8", title="Pursuit", mandates={Mandate.PURSUIT}),
        make_course("1850-10002", hours="2", title="First aid", mandates={Mandate.FIRST_AID}),
        make_course("1850-10003", hours="12", title="Twelve"),
        psp_course("1850-10004", PspCategory.USE_OF_FORCE, hours="10"),
        psp_course("1850-10005", PspCategory.DRIVER_TRAINING, hours="8"),
    ]
    days = ["2023-05-01", "2024-08-01", "2025-03-01", "2025-11-01", "2026-05-01"]
    for n in range(24):
        role = Role.DISPATCHER if n % 5 == 0 else Role.PEACE_OFFICER
        person = make_person(role, agency=agency, post_id=f"C{n:02d}-{n:03d}-{n:03d}")
        person.sub_affiliation_id = chance.choice([None, *(sub.id for sub in subs)])
        db.session.commit()
        for course in chance.sample(courses, chance.randint(0, 4)):
            make_cpt_entry(person, course, f"{chance.choice(days)}T17:00:00Z")
    found = dashboard.dashboard(agency, TODAY)
    rows = training.compliance(agency, TODAY)
    expected = training.summary_by_sub_affiliation(agency, rows, found.tree)
    for summary in expected:
        group = next(g for g in found.groups if g.name == summary.name)
        figures = group.figures
        assert (figures.owe_cpt, figures.on_track, figures.short, figures.overdue) == (
            summary.people,
            summary.on_track,
            summary.short,
            summary.overdue,
        ), summary.name
    assert found.totals.due_soon == sum(1 for row in rows if row.due_soon)
    assert found.totals.hours == sum((row.profile.cpt_hours for row in rows), Decimal(0))
    behind = [row for row in rows if row.profile.cpt_short_by or row.profile.psp_short]
    behind += [row for row in rows if row.overdue and row not in behind]
    assert len(found.attention) == min(len(behind), dashboard.ATTENTION_LIMIT)
    by_id = {row.person.id: row for row in rows}
    for listed in found.attention:
        row = by_id[listed.person_id]
        assert listed.cpt_short_by == row.profile.cpt_short_by
        assert listed.psp_short == row.profile.psp_short
        assert listed.overdue == row.overdue


def test_a_sub_affiliations_dashboard_counts_those_below_it(world):
    found = dashboard.dashboard(world["capitol"], TODAY, world["patrol"].id)
    assert [group.name for group in found.groups] == ["Patrol", "Traffic"]
    assert found.totals.people == 2 and found.totals.completions == 4
    assert {row.name for row in found.attention} == {"Ana Alvarez", "Ben Brown"}
    with pytest.raises(dashboard.ReportNotFound):
        dashboard.dashboard(world["valley"], TODAY, world["patrol"].id)


def figure(text: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', text)
    assert found, name
    return html.unescape(found.group(1))


def test_the_page_shows_the_figures_charts_and_actions(client, world):
    sign_in(client, world["manager"].email, PASSWORD)
    response = client.get(f"/agencies/{world['capitol'].id}/dashboard")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (figure(text, "enrollments"), figure(text, "completions")) == ("3", "5")
    assert (figure(text, "hours"), figure(text, "on-track")) == ("54", "0 of 4")
    assert (figure(text, "short"), figure(text, "overdue")) == ("4", "1")
    for chart in ("months-chart", "hours-chart", "cpt-standing-chart", "mandates-standing-chart"):
        assert f'id="{chart}"' in text
    assert "Feb 2026: 2." in text  # the completions chart's description
    assert re.search(r'bar-label">Patrol<.*?width: 100.0%.*?bar-value">34 h<', text)
    assert "overdue: 1." in text  # the mandates chart's
    # A training manager's actions: the facilitation pages; the agency page is its LP admins'.
    assert 'href="/agency/facilitated-access"' in text
    assert 'href="/agency/presentations"' in text
    assert "Add NPO users" not in text
    assert "by your agency" in text and "LP administrator.</li>" in text
    assert f"/agencies/{world['capitol'].id}/people/{world['people']['cy'].id}/activity" in text


def test_an_lp_administrator_reaches_the_agency_page_from_it(client, world):
    admin = make_administrator(world["capitol"])
    sign_in(client, admin.email, PASSWORD)
    text = client.get(f"/agencies/{world['capitol'].id}/dashboard").get_data(as_text=True)
    assert f'href="/agencies/{world["capitol"].id}/#npo-heading">Add NPO users' in text
    assert f'href="/agencies/{world["capitol"].id}/#subs-heading">Create sub-affiliations' in text
    agency_page = client.get(f"/agencies/{world['capitol'].id}/").get_data(as_text=True)
    assert f'href="/agencies/{world["capitol"].id}/dashboard"' in agency_page


def test_a_sub_affiliation_is_chosen_by_the_query(client, world):
    sign_in(client, world["manager"].email, PASSWORD)
    url = f"/agencies/{world['capitol'].id}/dashboard"
    text = client.get(url, query_string={"sub_affiliation": world["patrol"].id}).get_data(
        as_text=True
    )
    assert "<h1>Agency dashboard: Patrol</h1>" in text
    assert figure(text, "completions") == "4"
    bad = client.get(url, query_string={"sub_affiliation": "patrol"})
    assert bad.status_code == 422 and "sub_affiliation" in bad.get_data(as_text=True)
    theirs = make_sub_affiliation(world["valley"], "Valley unit")
    missing = client.get(url, query_string={"sub_affiliation": theirs.id})
    assert missing.status_code == 404


def test_another_agencys_dashboard_is_not_found(client, world):
    sign_in(client, world["manager"].email, PASSWORD)
    assert client.get(f"/agencies/{world['valley'].id}/dashboard").status_code == 404
    staff = make_post_staff()
    client.post("/sign-out")
    sign_in(client, staff.email, PASSWORD)
    text = client.get(f"/agencies/{world['valley'].id}/dashboard").get_data(as_text=True)
    assert figure(text, "completions") == "1"  # Valdez


def test_a_learner_has_no_dashboard_of_the_agency(client, world):
    sign_in(client, world["people"]["ana"].email, PASSWORD)
    assert client.get(f"/agencies/{world['capitol'].id}/dashboard").status_code in (403, 404)


def test_the_cycle_collector_is_back_on_after_the_dashboard(world):
    import gc

    assert gc.isenabled()
    dashboard.dashboard(world["capitol"], TODAY)
    assert gc.isenabled()
    with pytest.raises(dashboard.ReportNotFound):
        dashboard.dashboard(world["capitol"], TODAY, 999_999)
    assert gc.isenabled()
