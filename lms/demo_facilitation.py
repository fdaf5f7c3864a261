"""The demo's facilitated training (lms demo load): Capitol City Police Department presented
Preliminary Investigations & Evidence as a facilitated video session at the agency, and its
training manager entered the roster of two dispatchers, recorded as attended statements through
the LRS and the bridge like any roster. Idempotent: made once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from lms.accounts.interfaces import Role
from lms.accounts.models import Person, SubAffiliation
from lms.accounts.services import add_person
from lms.catalog.models import Course
from lms.db import db, utcnow
from lms.facilitation import services
from lms.facilitation.models import Presentation

COURSE_SLUG = "preliminary-investigations"
FACILITATOR = "admin@example.org"
# Two dispatchers of the Dispatch Center whose only record is this roster (the demo accounts keep
# no history, and the history's people took the course online).
ATTENDEES = (
    ("D18-330-201", "Avery", "Soto"),
    ("D23-330-202", "Kai", "Brennan"),
)
SESSION_DAYS_AGO = 10


def load() -> int:
    """Make the presentation and its roster if they are missing; how many records were made."""
    course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
    facilitator = db.session.scalar(select(Person).where(Person.email == FACILITATOR))
    if course is None or facilitator is None or course.certification is None:
        return 0
    held = db.session.scalar(
        select(Presentation.id).where(
            Presentation.course_id == course.id, Presentation.agency_id == facilitator.agency_id
        )
    )
    if held is not None:
        return 0
    today = utcnow().date()
    day = today - dt.timedelta(days=SESSION_DAYS_AGO)
    presentation = services.schedule(
        facilitator,
        course.id,
        day,
        day,
        facilitated_at_agency=True,
        today=day - dt.timedelta(days=45),
    )
    dispatch = db.session.scalar(
        select(SubAffiliation).where(
            SubAffiliation.agency_id == facilitator.agency_id,
            SubAffiliation.name == "Dispatch Center",
        )
    )
    made = 1
    for post_id, first, last in ATTENDEES:
        if db.session.scalar(select(Person.id).where(Person.post_id == post_id)) is None:
            person = add_person(
                email=f"{first}.{last}@example.org".lower(),
                first_name=first,
                last_name=last,
                roles={Role.DISPATCHER},
                agency=facilitator.agency,
                password=None,
            )
            person.post_id, person.post_id_linked_at = post_id, utcnow()
            person.sub_affiliation = dispatch
            made += 1
    db.session.flush()
    entries = [services.Entry(n, attendee[0]) for n, attendee in enumerate(ATTENDEES, start=1)]
    services.submit_roster(facilitator, presentation.id, entries, day, Decimal("3"), today)
    return made + 1
