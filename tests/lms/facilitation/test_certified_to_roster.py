"""The whole presenter's path: a course submitted for certification, returned, resubmitted,
approved with its number and hours, put in the catalog; one of its presentations; a roster
against it; CPT on the attendee's Training Profile."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from lms import unit_of_work
from lms.accounts.interfaces import Role
from lms.bridge import services as bridge
from lms.catalog import certification
from lms.catalog.interfaces import CertificationDelivery
from lms.db import db
from lms.facilitation import services
from lms.training.models import CptEntry
from tests.builders.policy import policy_pdf
from tests.factories import make_agency, make_officer, make_person, make_post_staff


def test_a_certified_courses_presentation_gives_its_rosters_attendees_cpt(app):
    agency = make_agency("Capitol City PD")
    presenter = make_person(Role.TRAINING_MANAGER, agency=agency, post_id="M10-000-001")
    staff = make_post_staff()
    attendee = make_officer(agency)
    fields = certification.RequestFields(
        title="Crowd Management Video",
        delivery=CertificationDelivery.FACILITATED,
        hours=Decimal("2"),
        mandates=set(),
        psp_category=None,
        instructors=["Sgt. R. Vega"],
    )
    with unit_of_work.job():
        outline = certification.store_outline(policy_pdf("Outline"), "outline.pdf")
        request_id = certification.submit(presenter, fields, outline).id
    with unit_of_work.job():
        certification.return_request(staff, request_id, "Add the learning objectives.")
    with unit_of_work.job():
        certification.resubmit(presenter, request_id, fields, None, "Objectives added.")
    with unit_of_work.job():
        certification.approve(staff, request_id, "1850-31001", Decimal("2"))
    with unit_of_work.job():
        course_id = certification.put_in_catalog(staff, request_id).id
    today = dt.date.today()
    with unit_of_work.job():
        presentation = services.schedule(
            presenter, course_id, today, today, facilitated_at_agency=True
        )
        assert presentation.late_request
        services.submit_roster(
            presenter, presentation.id, [services.Entry(1, attendee.post_id)], today, Decimal("2")
        )
    bridge.catch_up()
    entry = db.session.scalar(select(CptEntry).where(CptEntry.person_id == attendee.id))
    assert (entry.certification_number, entry.credited_hours) == ("1850-31001", Decimal("2.00"))
