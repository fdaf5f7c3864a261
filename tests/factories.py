"""Factories: people and agencies made through the same services the application uses."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from lms.accounts import agencies
from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person, SubAffiliation
from lms.accounts.services import add_person
from lms.catalog import services as catalog
from lms.catalog.interfaces import Audience, Completion, CreditRule, Delivery
from lms.catalog.models import Course
from lms.db import db, utcnow

PASSWORD = "correct horse battery"
_serial = itertools.count(1)


def make_agency(name: str | None = None, *, in_post_program: bool = True) -> Agency:
    n = next(_serial)
    agency = agencies.create_agency(
        name=name or f"Agency {n}", agency_number=f"T{n:05d}", in_post_program=in_post_program
    )
    db.session.commit()
    return agency


def make_person(
    *roles: Role,
    agency: Agency | None = None,
    email: str | None = None,
    post_id: str | None = None,
    password: str | None = PASSWORD,
    first_name: str = "Pat",
    last_name: str | None = None,
) -> Person:
    n = next(_serial)
    person = add_person(
        email=email or f"person{n}@example.org",
        first_name=first_name,
        last_name=last_name or f"Person{n}",
        roles=set(roles or {Role.PEACE_OFFICER}),
        agency=agency,
        password=password,
    )
    if post_id:
        person.post_id = post_id
        person.post_id_linked_at = utcnow()
    db.session.commit()
    return person


def make_officer(agency: Agency | None = None, **kwargs: object) -> Person:
    n = next(_serial)
    kwargs.setdefault("post_id", f"A{n % 100:02d}-{n % 1000:03d}-{n % 1000:03d}")
    return make_person(Role.PEACE_OFFICER, agency=agency or make_agency(), **kwargs)


def make_administrator(agency: Agency, **kwargs: object) -> Person:
    n = next(_serial)
    kwargs.setdefault("post_id", f"L{n % 100:02d}-{n % 1000:03d}-{n % 1000:03d}")
    return make_person(Role.PEACE_OFFICER, Role.LP_ADMINISTRATOR, agency=agency, **kwargs)


def make_post_staff(**kwargs: object) -> Person:
    return make_person(Role.POST_STAFF, **kwargs)


def make_sub_affiliation(
    agency: Agency, name: str, parent: SubAffiliation | None = None
) -> SubAffiliation:
    return agencies.create_sub_affiliation(agency, name, parent.id if parent else None)


def make_course(
    number: str = "1850-21796", hours: str = "2", rule: CreditRule = CreditRule.AUTOMATIC, **kw: Any
) -> Course:
    """A published course with a POST certification number, through the catalog's service."""
    course = catalog.save_course(
        catalog.CourseFields(
            slug=kw.get("slug", f"course-{number}"),
            title=kw.get("title", f"Course {number}"),
            description="",
            audience={Audience.PEACE_OFFICER, Audience.DISPATCHER},
            delivery=Delivery.DISTANCE,
            published=True,
            certification_number=number,
            cpt_hours=Decimal(hours),
            credit_rule=rule,
            psp_category=None,
            mandates=kw.get("mandates", set()),
        )
    )
    db.session.commit()
    return course


def certify(
    course: Course,
    number: str = "1850-21796",
    hours: str = "3",
    rule: CreditRule = CreditRule.AUTOMATIC,
    completion: Completion = Completion.COMPLETED,
    audience: frozenset[Audience] = frozenset({Audience.PEACE_OFFICER, Audience.DISPATCHER}),
) -> Course:
    """An imported course certified and published by POST staff, through the catalog's service."""
    saved = catalog.save_course(
        catalog.CourseFields(
            slug=course.slug,
            title=course.title,
            description=course.description or "",
            audience=set(audience),
            delivery=Delivery.DISTANCE,
            published=True,
            certification_number=number,
            cpt_hours=Decimal(hours),
            credit_rule=rule,
            psp_category=None,
            mandates=set(),
            completion=completion,
        ),
        course,
    )
    db.session.commit()
    return saved
