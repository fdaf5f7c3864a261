"""The catalog: who may register for what, registering and dropping, POST staff's edits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lms.accounts.interfaces import Role
from lms.catalog import services
from lms.catalog.interfaces import (
    AlreadyRegistered,
    Audience,
    CatalogError,
    CreditRule,
    Delivery,
    Mandate,
    NotEligible,
)
from lms.catalog.models import Course, Registration
from lms.db import db
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_agency, make_officer, make_person, make_post_staff


def make_course(
    title="Vehicle Pursuit Policy Update", audience=None, published=True, number="1850-21805", **kw
):
    return services.save_course(
        services.CourseFields(
            slug=kw.pop("slug", title.lower().replace(" ", "-")),
            title=title,
            description=kw.pop("description", ""),
            audience=audience or {Audience.PEACE_OFFICER, Audience.DISPATCHER},
            delivery=kw.pop("delivery", Delivery.DISTANCE),
            published=published,
            certification_number=number,
            cpt_hours=Decimal(kw.pop("cpt_hours", "2")),
            credit_rule=kw.pop("credit_rule", CreditRule.AUTOMATIC),
            psp_category=None,
            mandates=kw.pop("mandates", {Mandate.PURSUIT}),
        )
    )


def test_the_pursuit_course_is_only_for_sworn_officers_and_dispatchers(app):
    course = make_course()
    agency = make_agency()
    officer = make_officer(agency)
    dispatcher = make_person(Role.DISPATCHER, agency=agency, post_id="D12-345-678")
    npo = make_person(Role.NPO, agency=agency)
    assert services.ineligibility(officer, course) is None
    assert services.ineligibility(dispatcher, course) is None
    with pytest.raises(NotEligible) as raised:
        services.register(npo, course.id)
    assert "peace officers" in raised.value.message
    assert db.session.query(Registration).count() == 0


def test_nothing_until_the_post_id_is_linked(app):
    course = make_course()
    officer = make_person(Role.PEACE_OFFICER, agency=make_agency())
    with pytest.raises(NotEligible) as raised:
        services.register(officer, course.id)
    assert "POST-ID" in raised.value.message


def test_dispatcher_courses_are_for_dispatchers(app):
    course = make_course(
        "Dispatcher Critical Incidents", {Audience.DISPATCHER}, number="1850-21801"
    )
    assert course.dispatcher_specific
    with pytest.raises(NotEligible):
        services.register(make_officer(), course.id)


def test_an_unpublished_course_is_not_in_the_catalog(app):
    course = make_course(published=False)
    officer = make_officer()
    assert services.catalog(officer) == []
    with pytest.raises(NotEligible):
        services.register(officer, course.id)


def test_register_drop_and_register_again(app):
    course = make_course()
    officer = make_officer()
    registration = services.register(officer, course.id)
    assert [r.id for r in services.registrations(officer, services.ACTIVE)] == [registration.id]
    assert len(registration.uuid) == 36
    with pytest.raises(AlreadyRegistered):
        services.register(officer, course.id)
    services.drop(officer, registration.id)
    assert services.registrations(officer, services.ACTIVE) == []
    again = services.register(officer, course.id)
    assert again.uuid != registration.uuid


def test_one_cannot_drop_someone_elses_registration(app):
    course = make_course()
    owner, other = make_officer(), make_officer()
    registration = services.register(owner, course.id)
    with pytest.raises(CatalogError):
        services.drop(other, registration.id)
    db.session.refresh(registration)
    assert registration.status == "active"


def test_catalog_search_and_filters(app):
    make_course()
    make_course("Dispatcher Critical Incidents", {Audience.DISPATCHER}, number="1850-21801")
    make_course(
        "Organization Wellness",
        {Audience.PEACE_OFFICER, Audience.NPO},
        number="1850-21804",
        delivery=Delivery.FACILITATED,
    )
    dispatcher = make_person(Role.DISPATCHER, agency=make_agency(), post_id="D12-345-678")
    titles = lambda **kw: [c.title for c, _ in services.catalog(dispatcher, **kw)]  # noqa: E731
    assert titles(query="pursuit") == ["Vehicle Pursuit Policy Update"]
    assert titles(query="1850-21801") == ["Dispatcher Critical Incidents"]
    assert titles(audience="dispatcher") == [
        "Dispatcher Critical Incidents",
        "Vehicle Pursuit Policy Update",
    ]
    assert titles(delivery="facilitated") == ["Organization Wellness"]
    reasons = dict((c.title, r) for c, r in services.catalog(dispatcher))
    assert reasons["Organization Wellness"] and reasons["Dispatcher Critical Incidents"] is None


def test_a_certification_number_has_its_format_and_belongs_to_one_course(app):
    make_course()
    with pytest.raises(CatalogError) as raised:
        make_course("Other", number="185-21796", slug="other")
    assert raised.value.field == "certification_number"
    with pytest.raises(CatalogError) as raised:
        make_course("Other", number="1850-21805", slug="other")
    assert raised.value.field == "certification_number"


def test_learner_registers_from_the_catalog_and_drops_from_the_dashboard(client):
    course = make_course()
    make_officer(email="pat@example.org")
    sign_in(client, "pat@example.org", PASSWORD)
    page = client.get("/courses?q=pursuit").get_data(as_text=True)
    assert "Vehicle Pursuit Policy Update" in page and "1850-21805" in page
    token = csrf_token(client, "/courses")
    response = client.post(f"/courses/{course.id}/register", data={"csrf_token": token})
    assert response.headers["Location"].endswith("/dashboard")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Active Courses" in dashboard and "Vehicle Pursuit Policy Update" in dashboard
    registration = db.session.query(Registration).one()
    client.post(f"/registrations/{registration.id}/drop", data={"csrf_token": token})
    assert "No active courses." in client.get("/dashboard").get_data(as_text=True)


def test_an_ineligible_learner_is_told_why_and_not_registered(client):
    course = make_course()
    make_person(Role.NPO, agency=make_agency(), email="npo@example.org")
    sign_in(client, "npo@example.org", PASSWORD)
    token = csrf_token(client, "/courses")
    assert "only" in client.get("/courses").get_data(as_text=True)
    response = client.post(f"/courses/{course.id}/register", data={"csrf_token": token})
    assert response.status_code == 303
    assert db.session.query(Registration).count() == 0


def test_post_staff_create_and_edit_a_course(client):
    make_post_staff(email="staff@example.org")
    sign_in(client, "staff@example.org", PASSWORD)
    token = csrf_token(client, "/staff/courses/new")
    form = {
        "csrf_token": token,
        "title": "Use of Force Update",
        "slug": "use-of-force-update",
        "audience": ["peace_officer"],
        "delivery": "distance",
        "published": "y",
        "certification_number": "1850-30001",
        "cpt_hours": "4",
        "credit_rule": "automatic",
        "psp_category": "use_of_force",
        "mandates": ["psp_use_of_force"],
    }
    assert client.post("/staff/courses/new", data=form).status_code == 302
    course = db.session.query(Course).filter_by(slug="use-of-force-update").one()
    assert course.certification.cpt_hours == Decimal("4.00")
    assert course.certification.psp_category == "use_of_force"
    bad = client.post(f"/staff/courses/{course.id}", data={**form, "certification_number": "30001"})
    assert bad.status_code == 422
    assert 'id="certification_number-error"' in bad.get_data(as_text=True)


def test_only_post_staff_edit_courses(client):
    course = make_course()
    make_officer(email="pat@example.org")
    sign_in(client, "pat@example.org", PASSWORD)
    assert client.get("/staff/courses").status_code == 403
    assert client.get(f"/staff/courses/{course.id}").status_code == 403
