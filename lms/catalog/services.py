"""The catalog's rules: who may register for what, registering, dropping, the lists."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select

from lms.accounts.models import Person
from lms.accounts.services import needs_post_id
from lms.catalog.interfaces import (
    AlreadyRegistered,
    Audience,
    CatalogError,
    Completion,
    CourseNotFound,
    CreditRule,
    Delivery,
    Mandate,
    NotEligible,
    PspCategory,
    RegistrationStatus,
)
from lms.catalog.models import Course, CourseCertification, Registration
from lms.db import db, utcnow

ACTIVE, DROPPED, COMPLETED = (
    RegistrationStatus.ACTIVE,
    RegistrationStatus.DROPPED,
    RegistrationStatus.COMPLETED,
)
RegistrationHook = Callable[[Registration], None]
RuleChangeHook = Callable[[int], object]
PublicationHook = Callable[[int, bool], object]
# What other areas do when a person registers (packages gives the registration its package
# version, then cmi5 evaluates moveOn; both subscribe in create_app).
_registration_hooks: list[RegistrationHook] = []
# What other areas do when what completes a course changes (the bridge re-judges it).
_rule_change_hooks: list[RuleChangeHook] = []
# What other areas do when POST takes a course offline or brings it back (customization marks
# the agencies' customizations for review).
_publication_hooks: list[PublicationHook] = []


def add_registration_hook(hook: RegistrationHook) -> None:
    """Another area's work on a new registration, run in the registration's unit of work (so
    committed with it, or not at all), in the order the hooks were added (as
    lms.player.launch.add_launch_rule and the LRS's on_committed)."""
    if hook not in _registration_hooks:
        _registration_hooks.append(hook)


def add_rule_change_hook(hook: RuleChangeHook) -> None:
    """Another area's work when a course's credit rule or completion changes: `hook(course_id)`,
    run in the change's unit of work once the new rule is flushed (the bridge subscribes in
    create_app to re-judge the course's statements)."""
    if hook not in _rule_change_hooks:
        _rule_change_hooks.append(hook)


def add_publication_hook(hook: PublicationHook) -> None:
    """Another area's work when an existing course is taken offline or brought back online:
    `hook(course_id, published)`, in the change's unit of work once it is flushed."""
    if hook not in _publication_hooks:
        _publication_hooks.append(hook)


CERTIFICATION_NUMBER = re.compile(r"^\d{4}-\d{5}$")


def ineligibility(person: Person, course: Course) -> str | None:
    """Why the person may not register for the course, or None if they may."""
    if not course.published:
        return "This course is not in the catalog."
    if needs_post_id(person):
        return "Link your POST-ID before you register for courses."
    if not any(person.has_role(audience.role) for audience in course.audience):
        who = ", ".join(sorted(a.label.lower() for a in course.audience))
        return f"This course is for {who} only."
    return None


def catalog(
    person: Person, *, query: str = "", audience: str = "", delivery: str = ""
) -> list[tuple[Course, str | None]]:
    """Published courses matching the search, each with why the person may not register."""
    statement = select(Course).where(Course.published.is_(True)).order_by(Course.title)
    if query.strip():
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(
            or_(
                db.func.lower(Course.title).like(pattern),
                db.func.lower(Course.description).like(pattern),
                Course.certification.has(CourseCertification.certification_number.like(pattern)),
            )
        )
    if audience in {a.value for a in Audience}:
        statement = statement.where(Course.audience_codes.contains(audience))
    if delivery in {d.value for d in Delivery}:
        statement = statement.where(Course.delivery == delivery)
    return [(course, ineligibility(person, course)) for course in db.session.scalars(statement)]


def get_course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None:
        raise CourseNotFound("No such course.", "course_id")
    return course


def registrations(person: Person, status: str) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.person_id == person.id, Registration.status == status)
            .order_by(Registration.registered_at.desc())
        )
    )


def register(person: Person, course_id: int) -> Registration:
    course = get_course(course_id)
    reason = ineligibility(person, course)
    if reason:
        raise NotEligible(reason, "course_id")
    held = db.session.scalar(
        select(Registration).where(
            Registration.person_id == person.id,
            Registration.course_id == course.id,
            Registration.status == ACTIVE,
        )
    )
    if held is not None:
        raise AlreadyRegistered("You are already registered for this course.", "course_id")
    registration = Registration(
        person_id=person.id,
        course_id=course.id,
        status=ACTIVE,
    )
    db.session.add(registration)
    db.session.flush()
    _registered(registration)
    return registration


def _registered(registration: Registration) -> None:
    for hook in _registration_hooks:
        hook(registration)


def learners_by_package_version(course_id: int) -> dict[int, int]:
    """How many learners are active on each package version of the course."""
    rows = db.session.execute(
        select(Registration.package_version_id, func.count())
        .where(Registration.course_id == course_id, Registration.status == ACTIVE)
        .group_by(Registration.package_version_id)
    )
    return {version_id: count for version_id, count in rows if version_id is not None}


def drop(person: Person, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.person_id != person.id:
        raise CourseNotFound("No such registration.", "registration_id")
    if registration.status != ACTIVE:
        raise CatalogError("Only an active course can be dropped.", "registration_id")
    registration.status = DROPPED
    registration.ended_at = utcnow()
    db.session.flush()
    return registration


@dataclass
class CourseFields:
    slug: str
    title: str
    description: str
    audience: set[Audience]
    delivery: Delivery
    published: bool
    certification_number: str
    cpt_hours: Decimal
    credit_rule: CreditRule
    psp_category: PspCategory | None
    mandates: set[Mandate]
    completion: Completion = Completion.COMPLETED


def save_course(fields: CourseFields, course: Course | None = None) -> Course:
    """Create or change a course and its certification (POST staff). When what completes the
    course changes (its credit rule or its completion), the rule-change hooks run (the bridge
    judges the course's stored statements again under the new rule) in the same transaction,
    so that the profiles are right as soon as the change is saved (docs/training.md, "When a
    course's rule changes")."""
    if not CERTIFICATION_NUMBER.match(fields.certification_number):
        raise CatalogError(
            "A Course Certification Number is 4 digits, a dash and 5 digits: 1850-21796.",
            "certification_number",
        )
    if fields.cpt_hours < 0 or fields.cpt_hours > 200:
        raise CatalogError("CPT hours are between 0 and 200.", "cpt_hours")
    if not fields.audience:
        raise CatalogError("Choose who the course is for.", "audience")
    taken = db.session.scalar(
        select(CourseCertification.course_id).where(
            CourseCertification.certification_number == fields.certification_number
        )
    )
    if taken is not None and (course is None or taken != course.id):
        raise CatalogError("Another course has this certification number.", "certification_number")
    slug_owner = db.session.scalar(select(Course.id).where(Course.slug == fields.slug))
    if slug_owner is not None and (course is None or slug_owner != course.id):
        raise CatalogError("Another course has this short name.", "slug")
    if course is None:
        course = Course()
        db.session.add(course)
    course.slug = fields.slug
    course.title = fields.title.strip()
    course.description = fields.description.strip()
    course.audience_codes = " ".join(sorted(a.value for a in fields.audience))
    course.delivery = fields.delivery.value
    publication_changed = course.id is not None and course.published != fields.published
    course.published = fields.published
    certification = course.certification or CourseCertification()
    rule_before = (certification.credit_rule, certification.completion)
    certification.certification_number = fields.certification_number
    certification.cpt_hours = fields.cpt_hours
    certification.credit_rule = fields.credit_rule.value
    certification.completion = fields.completion.value
    certification.psp_category = fields.psp_category.value if fields.psp_category else None
    certification.mandate_codes = " ".join(sorted(m.value for m in fields.mandates))
    course.certification = certification
    if course.id is not None and rule_before != (fields.credit_rule.value, fields.completion.value):
        db.session.flush()
        for hook in _rule_change_hooks:
            hook(course.id)
    db.session.flush()
    if publication_changed:
        for hook in _publication_hooks:
            hook(course.id, course.published)
    return course


def all_courses() -> list[Course]:
    return list(db.session.scalars(select(Course).order_by(Course.title)))
