"""Factories: every model a test needs, made through the same services the application uses.

People and agencies (accounts), courses and their certification (catalog), a package version
from a generated package (the import pipeline), a registration (catalog), a launch session
(the Tin Can player), a statement (the LRS's API) and a CPT entry (the bridge). Each commits
what it made: a test is its own unit of work."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from lms import unit_of_work
from lms.accounts import agencies
from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person, SubAffiliation
from lms.accounts.services import add_person
from lms.bridge import services as bridge
from lms.catalog import services as catalog
from lms.catalog.interfaces import Audience, Completion, CreditRule, Delivery
from lms.catalog.models import Course, Registration
from lms.db import db, utcnow
from lms.packages.models import PackageVersion
from lms.packages.services import import_package
from lms.player import launch, records
from lms.player.identity import actor, course_iri
from lms.player.tincan import services as tincan
from lms.training.models import CptEntry
from tests.builders.cmi5 import AUSpec, cmi5_zip
from tests.builders.scorm import PACKAGES, SCORM2004, scorm12_zip, zip_package
from tests.builders.tincan import tincan_zip

PASSWORD = "correct horse battery"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
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
    sub = agencies.create_sub_affiliation(agency, name, parent.id if parent else None)
    db.session.commit()
    return sub


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


# --- Packages, registrations and launches -----------------------------------------------------


def make_package_version(folder: Path, standard: str = "tincan") -> PackageVersion:
    """A package of the standard generated by tests/builders and imported through the import
    pipeline, as an upload would be: a new course, unpublished and uncertified, at version 1.
    `make_imported_course` gives the course instead."""
    folder.mkdir(parents=True, exist_ok=True)
    package = {
        "scorm12": lambda: scorm12_zip(folder, f"scorm12-{uuid.uuid4().hex[:8]}.zip"),
        "scorm2004": lambda: zip_package(PACKAGES / SCORM2004, folder),
        "cmi5": lambda: cmi5_zip(folder, [AUSpec()]),
        "tincan": lambda: tincan_zip(folder),
    }[standard]()
    result = import_package(package, current_app.extensions["content_store"], folder / "work")
    db.session.commit()
    return db.session.scalars(
        select(PackageVersion).filter_by(course_id=result.course_id, version=result.version)
    ).one()


def make_published_course(package: Path, folder: Path) -> Course:
    """The course of a package file (tests/builders makes them), imported through the import
    pipeline and published as it is, uncertified."""
    folder.mkdir(parents=True, exist_ok=True)
    with unit_of_work.job():
        result = import_package(package, current_app.extensions["content_store"], folder / "work")
        course = db.session.get(Course, result.course_id)
        course.published = True
    return course


def make_imported_course(folder: Path, standard: str = "tincan") -> Course:
    """The course of `make_package_version`: new, unpublished and uncertified. `certify(course)`
    certifies and publishes it; `publish(course)` publishes it as it is."""
    return db.session.get(Course, make_package_version(folder, standard).course_id)


def publish(course: Course) -> Course:
    """An imported course published as it is, without a certification (the catalog's service
    saves a course with its certification only, so there is no service for this yet)."""
    course.published = True
    db.session.commit()
    return course


def make_registration(person: Person, course: Course) -> Registration:
    """The person registered on the course, through the catalog's service (pinned to the
    course's newest package version, and announced to the registration hooks)."""
    with unit_of_work.job():  # the hooks (cmi5) record through the LRS in the same unit
        registration = catalog.register(person, course.id)
    return registration


def make_launch_session(
    person: Person, registration: Registration, *, endpoint: str = "http://lms.test/xapi/"
) -> tincan.TinCanLaunch:
    """A Tin Can launch of the person's registration, through the player's launch (its rules
    first): `.session` is the LaunchSession, `.url` the launch URL with its `auth` (the launch
    credential), `actor` and `registration` parameters."""
    with current_app.test_request_context(), unit_of_work.job():
        found = launch.launchable(person, registration.id)
        started = tincan.launch(found, endpoint, lambda path: f"http://lms.test/{path}", [])
    return started


# --- Statements and CPT -----------------------------------------------------------------------


def make_statement(
    statement: dict[str, Any] | None = None, *, credential: Any = None, version: str = "2.0.0"
) -> dict[str, Any]:
    """A statement recorded through the LRS's API (`record`) with `credential` (a new one with
    every scope by default), as the LRS holds it afterwards: id, stored, authority filled in."""
    store = current_app.extensions["lrs"]
    if credential is None:
        credential, _ = store.create_credential("test factory", ["all"])
    sent = statement or {
        "actor": {"account": {"homePage": "https://lms.test", "name": "A12-345-678"}},
        "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
        "object": {"objectType": "Activity", "id": "https://lms.test/courses/vehicle-pursuit"},
    }
    (statement_id,) = store.record([sent], credential, version=version)
    db.session.commit()
    return store.get(statement_id)


def completion_statement(
    person: Person, course: Course, when: str | dt.datetime, verb: str = COMPLETED
) -> dict[str, Any]:
    """A statement that the person finished the course at `when`, as the portal would send it:
    what the bridge judges for CPT."""
    base = records.base_url()
    return {
        "id": str(uuid.uuid4()),
        "actor": actor(person, base),
        "verb": {"id": verb},
        "object": {"objectType": "Activity", "id": course_iri(course, base)},
        "timestamp": when if isinstance(when, str) else when.isoformat(),
    }


def make_cpt_entry(
    person: Person, course: Course, when: str | dt.datetime, verb: str = COMPLETED
) -> CptEntry | None:
    """The CPT entry the bridge makes of a completion: the statement recorded as the portal
    (the authority the bridge trusts), then bridge passes until every statement is read. None
    when the bridge credits nothing for it (the person or course does not qualify)."""
    (statement_id,) = records.record([completion_statement(person, course, when, verb)])
    bridge.catch_up()
    db.session.commit()
    return db.session.scalars(
        select(CptEntry).filter_by(person_id=person.id, statement_id=statement_id)
    ).one_or_none()
