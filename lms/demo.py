"""Demo agencies and people for `make run`; loading twice changes nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms import demo_customization, demo_facilitation, demo_history
from lms.accounts import access_requests
from lms.accounts.agencies import create_agency
from lms.accounts.interfaces import Role
from lms.accounts.models import AccessRequest, Agency, Person, SubAffiliation
from lms.accounts.services import add_person
from lms.catalog.interfaces import Audience, Completion, CreditRule, Delivery, Mandate
from lms.catalog.models import Course
from lms.catalog.services import CourseFields, save_course
from lms.db import db, utcnow
from lms.packages import bundled
from lms.packages.models import PackageVersion
from lms.packages.pipeline import import_package


@dataclass(frozen=True)
class DemoAgency:
    agency_number: str
    name: str
    in_post_program: bool
    sub_affiliations: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    first_name: str
    last_name: str
    roles: frozenset[Role]
    agency_number: str | None
    post_id: str | None = None
    sub_affiliation: str | None = None

    def describe(self) -> str:
        roles = ", ".join(role.label for role in sorted(self.roles))
        if self.post_id:
            post_id = f"POST-ID {self.post_id}"
        elif self.roles & {Role.PEACE_OFFICER, Role.DISPATCHER}:
            post_id = "POST-ID not linked yet"
        else:
            post_id = "no POST-ID needed"
        return f"{roles}; {self.agency_number or 'POST'}; {post_id}"


AGENCIES = (
    DemoAgency("90001", "Capitol City Police Department", True, ("Patrol", "Dispatch Center")),
    DemoAgency("90002", "Valley County Sheriff's Office", True, ("Jail Division",)),
)

ACCOUNTS = (
    DemoAccount(
        "officer@example.org",
        "officer-demo-2026",
        "Alex",
        "Rivera",
        frozenset({Role.PEACE_OFFICER}),
        "90001",
        None,
        "Patrol",
    ),
    DemoAccount(
        "dispatcher@example.org",
        "dispatcher-demo-2026",
        "Jordan",
        "Lee",
        frozenset({Role.DISPATCHER}),
        "90001",
        "D21-000-002",
        "Dispatch Center",
    ),
    DemoAccount(
        "admin@example.org",
        "admin-demo-2026",
        "Morgan",
        "Chen",
        frozenset({Role.PEACE_OFFICER, Role.LP_ADMINISTRATOR, Role.TRAINING_MANAGER}),
        "90001",
        "M19-000-003",
    ),
    DemoAccount(
        "npo@example.org",
        "npo-demo-2026",
        "Sam",
        "Okafor",
        frozenset({Role.NPO}),
        "90001",
    ),
    DemoAccount(
        "valley.admin@example.org",
        "valley-demo-2026",
        "Casey",
        "Nguyen",
        frozenset({Role.PEACE_OFFICER, Role.LP_ADMINISTRATOR}),
        "90002",
        "V15-000-004",
    ),
    DemoAccount(
        "staff@example.org",
        "staff-demo-2026",
        "Taylor",
        "Brooks",
        frozenset({Role.POST_STAFF}),
        None,
    ),
)


@dataclass(frozen=True)
class DemoCourse:
    slug: str
    title: str
    description: str
    audience: frozenset[Audience]
    certification_number: str
    cpt_hours: str
    credit_rule: CreditRule
    delivery: Delivery = Delivery.DISTANCE
    mandates: frozenset[Mandate] = frozenset()
    # What completes it: a course with tests to pass completes when they are passed.
    completion: Completion = Completion.COMPLETED


EVERYONE = frozenset({Audience.PEACE_OFFICER, Audience.DISPATCHER, Audience.NPO})
# The courses released on the Learning Portal this cycle (docs/domain.md#the-courses-of-this-cycle).
COURSES = (
    DemoCourse(
        "preliminary-investigations",
        "Preliminary Investigations & Evidence",
        "Securing the scene, identifying and preserving evidence, and the first report.",
        EVERYONE,
        "1850-21796",
        "4",
        CreditRule.AUTOMATIC,
        completion=Completion.PASSED,
    ),
    DemoCourse(
        "dispatcher-critical-incidents",
        "Dispatcher Critical Incidents",
        "Call handling and resource coordination when a critical incident unfolds.",
        frozenset({Audience.DISPATCHER}),
        "1850-21801",
        "2",
        CreditRule.AUTOMATIC,
        completion=Completion.PASSED,
    ),
    DemoCourse(
        "basic-course-instructor",
        "Basic Course Instructor",
        "For instructors of the Regular Basic Course: the completion is recorded, without CPT.",
        EVERYONE,
        "1850-21802",
        "0",
        CreditRule.RECORDED,
    ),
    DemoCourse(
        "ld42-lgbtq-resources",
        "LD 42 LGBTQ+ Training Resources",
        "Resources that accompany Learning Domain 42.",
        EVERYONE,
        "1850-21803",
        "0",
        CreditRule.RESOURCE,
    ),
    DemoCourse(
        "organization-wellness",
        "Organization Wellness",
        "Resources on the wellness of the agency and its people.",
        EVERYONE,
        "1850-21804",
        "0",
        CreditRule.RESOURCE,
    ),
    DemoCourse(
        "vehicle-pursuit-policy-update",
        "Vehicle Pursuit Policy Update",
        "The annual pursuit training of PC 13519.8, with your agency's own policy.",
        frozenset({Audience.PEACE_OFFICER, Audience.DISPATCHER}),
        "1850-21805",
        "2",
        CreditRule.AUTOMATIC,
        mandates=frozenset({Mandate.PURSUIT}),
    ),
)

PENDING_REQUEST = {
    "organisation_name": "Harbor District Port Security",
    "contact_first_name": "Riley",
    "contact_last_name": "Adams",
    "contact_email": "riley.adams@example.net",
    "contact_phone": "(555) 010-0199",
    "reason": "Our port security officers support the county's mutual-aid plan.",
}


def load() -> int:
    """Create whatever demo records are missing, in the caller's unit of work (`lms demo load`
    is one), and give each demo course the newest build of its bundled course; returns how
    many records were created."""
    created = 0
    agencies: dict[str, Agency] = {}
    for spec in AGENCIES:
        agency = db.session.scalar(select(Agency).where(Agency.agency_number == spec.agency_number))
        if agency is None:
            agency = create_agency(
                name=spec.name,
                agency_number=spec.agency_number,
                in_post_program=spec.in_post_program,
            )
            created += 1
        agencies[spec.agency_number] = agency
        for name in spec.sub_affiliations:
            if _sub_affiliation(agency, name) is None:
                db.session.add(SubAffiliation(agency=agency, name=name))
                created += 1
    db.session.flush()

    for account in ACCOUNTS:
        if db.session.scalar(select(Person.id).where(Person.email == account.email)) is not None:
            continue
        agency = agencies.get(account.agency_number) if account.agency_number else None
        person = add_person(
            email=account.email,
            first_name=account.first_name,
            last_name=account.last_name,
            roles=set(account.roles),
            agency=agency,
            password=account.password,
        )
        if account.post_id:
            person.post_id = account.post_id
            person.post_id_linked_at = utcnow()
        if account.sub_affiliation and agency is not None:
            person.sub_affiliation = _sub_affiliation(agency, account.sub_affiliation)
        created += 1
    db.session.flush()

    for spec in COURSES:
        course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
        if course is None:
            course = save_course(
                CourseFields(
                    slug=spec.slug,
                    title=spec.title,
                    description=spec.description,
                    audience=set(spec.audience),
                    delivery=spec.delivery,
                    published=True,
                    certification_number=spec.certification_number,
                    cpt_hours=Decimal(spec.cpt_hours),
                    credit_rule=spec.credit_rule,
                    psp_category=None,
                    mandates=set(spec.mandates),
                    completion=spec.completion,
                )
            )
            created += 1
        created += _attach_bundled_course(course)

    has_request = db.session.scalar(
        select(AccessRequest.id).where(
            AccessRequest.contact_email == PENDING_REQUEST["contact_email"]
        )
    )
    if has_request is None:
        access_requests.submit(**PENDING_REQUEST)
        created += 1
    db.session.flush()
    created += demo_customization.load()
    created += demo_facilitation.load()
    # Last: the history is taken on the courses and their packages made above.
    created += demo_history.load()
    return created


def _attach_bundled_course(course: Course) -> int:
    """Build the bundled course of the demo course's slug (content_packages/) and import it as
    the course's next package version, unless its newest version is that very build already;
    1 when a version was added."""
    try:
        (source,) = bundled.find([course.slug])
    except bundled.BuildFailed:
        return 0  # no bundled course for this one
    built = bundled.build(source)
    newest = db.session.scalar(
        select(PackageVersion)
        .where(PackageVersion.course_id == course.id)
        .order_by(PackageVersion.version.desc())
        .limit(1)
    )
    if newest is not None and newest.package_sha256 == built.sha256:
        return 0
    import_package(
        built.path,
        current_app.extensions["content_store"],
        Path(current_app.instance_path) / "imports",
        course_id=course.id,
    )
    return 1


def _sub_affiliation(agency: Agency, name: str) -> SubAffiliation | None:
    return db.session.scalar(
        select(SubAffiliation).where(
            SubAffiliation.agency_id == agency.id, SubAffiliation.name == name
        )
    )
