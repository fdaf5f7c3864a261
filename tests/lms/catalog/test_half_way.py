"""The transaction contract in the catalog's views: a service that fails half-way, after its
first writes, leaves nothing written, and the person sees why (lms/unit_of_work.py)."""

from __future__ import annotations

from lms.catalog import services
from lms.catalog.interfaces import CatalogError
from lms.catalog.models import Course, Registration
from lms.db import db
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_course, make_officer, make_post_staff

REFUSAL = "The bridge could not judge the course again."


def test_a_registration_whose_hook_fails_is_not_written_and_the_learner_is_told(
    client, monkeypatch
):
    course = make_course()
    make_officer(email="pat@example.org")
    sign_in(client, "pat@example.org", PASSWORD)
    token = csrf_token(client, "/courses")

    def fail_after_the_registration_is_written(registration: Registration) -> None:
        assert db.session.get(Registration, registration.id) is not None  # flushed, not kept
        raise CatalogError(REFUSAL)

    monkeypatch.setattr(services, "_registered", fail_after_the_registration_is_written)
    response = client.post(f"/courses/{course.id}/register", data={"csrf_token": token})

    assert response.status_code == 303 and response.headers["Location"].endswith("/courses")
    assert REFUSAL in client.get("/courses").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Registration).count() == 0


def test_a_course_edit_that_fails_half_way_keeps_the_course_as_it_was(client, monkeypatch):
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
        "completion": "completed",
        "psp_category": "use_of_force",
        "mandates": ["psp_use_of_force"],
    }
    assert client.post("/staff/courses/new", data=form).status_code == 302
    course_id = db.session.query(Course.id).filter_by(slug="use-of-force-update").scalar()

    def fail(course_id: int) -> None:  # a rule-change hook: after the new fields are flushed
        raise CatalogError(REFUSAL)

    monkeypatch.setattr(services, "_rule_change_hooks", [fail])
    changed = {**form, "title": "Renamed", "credit_rule": "recorded"}
    response = client.post(f"/staff/courses/{course_id}", data=changed)

    assert response.status_code == 422
    assert REFUSAL in response.get_data(as_text=True)
    db.session.expire_all()
    course = db.session.get(Course, course_id)
    assert (course.title, course.certification.credit_rule) == ("Use of Force Update", "automatic")
