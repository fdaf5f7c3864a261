"""Course certification: a presenting agency asks POST to certify a course; POST staff approve
it (a Course Certification Number and CPT hours) or return it with comments; the presenter
modifies and resubmits; an approved request is put in the catalog as a course. Every step is
kept as a CertificationEvent (docs/certification.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from lms import documents
from lms.accounts.interfaces import Role
from lms.accounts.models import Person
from lms.catalog.interfaces import (
    OUTLINE_MAX_BYTES,
    Audience,
    CertificationAction,
    CertificationDelivery,
    CertificationError,
    CertificationRequestNotFound,
    CertificationStatus,
    Mandate,
    OutlineRefused,
    PspCategory,
    WrongStatus,
)
from lms.catalog.models import CertificationEvent, CertificationRequest, Course, CourseCertification
from lms.catalog.services import CERTIFICATION_NUMBER, CourseFields, save_course
from lms.db import db, utcnow
from lms.domain import NotAllowed

KEY_PREFIX = "certification-outlines"
FILE_NAME = "outline.pdf"
PRESENTER_ROLES = (Role.LP_ADMINISTRATOR, Role.TRAINING_MANAGER)
MAX_HOURS = Decimal(200)
# The fields a resubmission compares, with the names the history shows.
FIELD_LABELS = {
    "title": "Title",
    "delivery": "Delivery",
    "hours": "Hours requested",
    "outline": "Course outline",
    "mandates": "Mandates",
    "psp_category": "PSP category",
    "instructors": "Instructors",
}


@dataclass(frozen=True)
class RequestFields:
    title: str
    delivery: CertificationDelivery
    hours: Decimal
    mandates: set[Mandate]
    psp_category: PspCategory | None
    instructors: list[str]


@dataclass(frozen=True)
class StoredOutline:
    key: str
    sha256: str
    filename: str
    size: int


def presents(person: Person) -> bool:
    """An agency's LP administrator or training manager presents courses for their agency."""
    return bool(person.agency_id) and person.has_role(*PRESENTER_ROLES)


def _presenter(person: Person) -> None:
    """Not a presenter: the presenters' pages are not theirs to see (404)."""
    if not presents(person):
        raise CertificationRequestNotFound(
            "Course certification requests are for an agency's LP administrators and training "
            "managers.",
            "request_id",
        )


def _staff(person: Person) -> None:
    if not person.is_post_staff:
        raise NotAllowed("Only POST staff review certification requests.")


def store_outline(content: bytes, filename: str) -> StoredOutline:
    """Check the outline (not empty, at most OUTLINE_MAX_BYTES, a PDF a reader opens: by its
    content, not its name) and store it in the content store under its SHA-256."""
    stored = documents.store_pdf(
        content,
        filename,
        key_prefix=KEY_PREFIX,
        file_name=FILE_NAME,
        max_bytes=OUTLINE_MAX_BYTES,
        what="the outline",
        error=OutlineRefused,
        field="outline",
    )
    return StoredOutline(stored.key, stored.sha256, stored.filename, stored.size)


def _check(fields: RequestFields) -> None:
    if not fields.title.strip():
        raise CertificationError("Give the course a title.", "title")
    if len(fields.title.strip()) > 200:
        raise CertificationError("A title is at most 200 characters.", "title")
    if fields.hours <= 0 or fields.hours > MAX_HOURS:
        raise CertificationError("Hours requested are more than 0 and at most 200.", "hours")
    if not fields.instructors:
        raise CertificationError("Name at least one instructor, one per line.", "instructors")


def _instructors(names: list[str]) -> str:
    return "\n".join(name.strip() for name in names if name.strip())


def _hours_text(hours: Decimal | None) -> str:
    if hours is None:
        return ""
    text = f"{hours:.2f}".rstrip("0")
    return text.removesuffix(".")


def _snapshot(request: CertificationRequest) -> dict[str, str]:
    """The request's fields as the history shows them."""
    return {
        "title": request.title,
        "delivery": CertificationDelivery(request.delivery).label,
        "hours": _hours_text(request.hours),
        "outline": f"{request.outline_filename} (SHA-256 {request.outline_sha256[:12]})",
        "mandates": "; ".join(Mandate(code).label for code in request.mandates) or "(none)",
        "psp_category": PspCategory(request.psp_category).label
        if request.psp_category
        else "(none)",
        "instructors": "; ".join(request.instructor_names),
    }


def _apply(
    request: CertificationRequest, fields: RequestFields, outline: StoredOutline | None
) -> None:
    request.title = fields.title.strip()
    request.delivery = fields.delivery.value
    request.hours = fields.hours
    request.mandate_codes = " ".join(sorted(m.value for m in fields.mandates))
    request.psp_category = fields.psp_category.value if fields.psp_category else None
    request.instructors = _instructors(fields.instructors)
    if outline is not None:
        request.outline_key = outline.key
        request.outline_sha256 = outline.sha256
        request.outline_filename = outline.filename
        request.outline_size = outline.size


def _event(
    request: CertificationRequest,
    action: CertificationAction,
    person: Person,
    comments: str = "",
    changes: dict[str, list[str | None]] | None = None,
) -> CertificationEvent:
    now = utcnow()
    request.updated_at = now
    event = CertificationEvent(
        request=request,
        action=action.value,
        at=now,
        by_id=person.id,
        by_name=person.full_name,
        comments=comments.strip(),
        changes=changes or {},
    )
    db.session.add(event)
    return event


def submit(person: Person, fields: RequestFields, outline: StoredOutline) -> CertificationRequest:
    """A presenter's new request, for their agency."""
    _presenter(person)
    _check(fields)
    request = CertificationRequest(
        agency_id=person.agency_id,
        status=CertificationStatus.SUBMITTED.value,
        created_by_id=person.id,
        created_at=utcnow(),
    )
    _apply(request, fields, outline)
    db.session.add(request)
    _event(request, CertificationAction.SUBMITTED, person)
    db.session.flush()
    return request


def resubmit(
    person: Person,
    request_id: int,
    fields: RequestFields,
    outline: StoredOutline | None,
    comments: str = "",
) -> CertificationRequest:
    """The presenter's modified request, after POST returned it: the history keeps what changed,
    field by field. Something must change, or the presenter must say why not (comments)."""
    request = presenters_request(person, request_id)
    if request.status != CertificationStatus.RETURNED:
        raise WrongStatus("Only a request POST returned can be modified and resubmitted.")
    _check(fields)
    before = _snapshot(request)
    _apply(request, fields, outline)
    after = _snapshot(request)
    changes: dict[str, list[str | None]] = {
        name: [before[name], after[name]] for name in FIELD_LABELS if before[name] != after[name]
    }
    if not changes and not comments.strip():
        raise CertificationError(
            "Nothing was changed: modify the request, or say in your comments why not.",
            "comments",
        )
    request.status = CertificationStatus.SUBMITTED.value
    _event(request, CertificationAction.RESUBMITTED, person, comments, changes)
    db.session.flush()
    return request


def return_request(person: Person, request_id: int, comments: str) -> CertificationRequest:
    """POST staff send a submitted request back to its presenter, saying what to change."""
    request = staff_request(person, request_id)
    if request.status != CertificationStatus.SUBMITTED:
        raise WrongStatus("Only a submitted request can be returned.")
    if not comments.strip():
        raise CertificationError("Say what the presenter should change.", "comments")
    request.status = CertificationStatus.RETURNED.value
    _event(request, CertificationAction.RETURNED, person, comments)
    db.session.flush()
    return request


def number_taken(number: str, request_id: int | None = None) -> bool:
    """The number belongs to a course, or to another approved request."""
    course = db.session.scalar(
        select(CourseCertification.id).where(CourseCertification.certification_number == number)
    )
    other = db.session.scalar(
        select(CertificationRequest.id).where(
            CertificationRequest.certification_number == number,
            CertificationRequest.id != (request_id or 0),
        )
    )
    return course is not None or other is not None


def approve(
    person: Person, request_id: int, number: str, cpt_hours: Decimal, comments: str = ""
) -> CertificationRequest:
    """POST staff certify the course: its Course Certification Number and CPT hours."""
    request = staff_request(person, request_id)
    if request.status != CertificationStatus.SUBMITTED:
        raise WrongStatus("Only a submitted request can be approved.")
    number = number.strip()
    if not CERTIFICATION_NUMBER.match(number):
        raise CertificationError(
            "A Course Certification Number is 4 digits, a dash and 5 digits: 1850-21796.",
            "certification_number",
        )
    if number_taken(number, request.id):
        raise CertificationError(
            "Another course has this certification number.", "certification_number"
        )
    if cpt_hours < 0 or cpt_hours > MAX_HOURS:
        raise CertificationError("CPT hours are between 0 and 200.", "cpt_hours")
    request.status = CertificationStatus.APPROVED.value
    request.certification_number = number
    request.cpt_hours = cpt_hours
    changes: dict[str, list[str | None]] = {
        "certification_number": [None, number],
        "cpt_hours": [None, _hours_text(cpt_hours)],
    }
    _event(request, CertificationAction.APPROVED, person, comments, changes)
    db.session.flush()
    return request


def _slug(title: str, number: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return f"{words[:60].strip('-') or 'course'}-{number}"


def put_in_catalog(person: Person, request_id: int) -> Course:
    """POST staff make the approved request a course, certified (through save_course), not yet
    published: staff choose its audience, attach its package and publish it in the course
    editor."""
    request = staff_request(person, request_id)
    if request.status != CertificationStatus.APPROVED:
        raise WrongStatus("Only an approved request can be put in the catalog.")
    assert request.certification_number is not None and request.cpt_hours is not None
    delivery = CertificationDelivery(request.delivery)
    agency_name = request.agency.name if request.agency else ""
    course = save_course(
        CourseFields(
            slug=_slug(request.title, request.certification_number),
            title=request.title,
            description=f"Presented by {agency_name}." if agency_name else "",
            audience={Audience.PEACE_OFFICER, Audience.DISPATCHER},
            delivery=delivery.course_delivery,
            published=False,
            certification_number=request.certification_number,
            cpt_hours=request.cpt_hours,
            credit_rule=delivery.credit_rule,
            psp_category=PspCategory(request.psp_category) if request.psp_category else None,
            mandates={Mandate(code) for code in request.mandates},
        )
    )
    request.status = CertificationStatus.IN_CATALOG.value
    request.course_id = course.id
    _event(
        request,
        CertificationAction.PUT_IN_CATALOG,
        person,
        changes={"course": [None, f"{course.title} ({course.slug})"]},
    )
    db.session.flush()
    return course


def presenters_request(person: Person, request_id: int) -> CertificationRequest:
    """The request, if it is the presenter's agency's (else 404, as if it did not exist)."""
    _presenter(person)
    request = db.session.get(CertificationRequest, request_id)
    if request is None or request.agency_id != person.agency_id:
        raise CertificationRequestNotFound("No such certification request.", "request_id")
    return request


def staff_request(person: Person, request_id: int) -> CertificationRequest:
    _staff(person)
    request = db.session.get(CertificationRequest, request_id)
    if request is None:
        raise CertificationRequestNotFound("No such certification request.", "request_id")
    return request


def agency_requests(person: Person) -> list[CertificationRequest]:
    _presenter(person)
    return list(
        db.session.scalars(
            select(CertificationRequest)
            .where(CertificationRequest.agency_id == person.agency_id)
            .order_by(CertificationRequest.updated_at.desc(), CertificationRequest.id.desc())
        )
    )


def all_requests(
    person: Person, status: CertificationStatus | None = None
) -> list[CertificationRequest]:
    """Every agency's requests, newest first (only those of the status, if given)."""
    _staff(person)
    statement = select(CertificationRequest).order_by(
        CertificationRequest.updated_at.desc(), CertificationRequest.id.desc()
    )
    if status is not None:
        statement = statement.where(CertificationRequest.status == status.value)
    return list(db.session.scalars(statement))
