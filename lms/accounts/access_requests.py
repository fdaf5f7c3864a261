"""Access for agencies outside the POST program: a public request, decided by POST staff."""

from __future__ import annotations

from sqlalchemy import case, select

from lms.accounts import invitations
from lms.accounts.agencies import create_agency, next_non_post_agency_number
from lms.accounts.interfaces import AccessRequestAlreadyDecided, NotFound, Role
from lms.accounts.models import AccessRequest, Agency, Person
from lms.accounts.services import add_person, normalise_email
from lms.db import db, utcnow

PENDING, APPROVED, DENIED = "pending", "approved", "denied"


def submit(
    *,
    organisation_name: str,
    contact_first_name: str,
    contact_last_name: str,
    contact_email: str,
    contact_phone: str,
    reason: str,
) -> AccessRequest:
    request = AccessRequest(
        organisation_name=organisation_name.strip(),
        contact_first_name=contact_first_name.strip(),
        contact_last_name=contact_last_name.strip(),
        contact_email=normalise_email(contact_email),
        contact_phone=contact_phone.strip(),
        reason=reason.strip(),
        status=PENDING,
    )
    db.session.add(request)
    db.session.flush()
    return request


def all_requests() -> list[AccessRequest]:
    """Pending requests first, oldest first; then the decided ones, newest first."""
    pending_first = case((AccessRequest.status == PENDING, 0), else_=1)
    return list(
        db.session.scalars(
            select(AccessRequest).order_by(pending_first, AccessRequest.submitted_at.desc())
        )
    )


def get_request(request_id: int) -> AccessRequest:
    request = db.session.get(AccessRequest, request_id)
    if request is None:
        raise NotFound("No such access request.")
    return request


def _decide(request: AccessRequest, decided_by: Person, status: str, note: str | None) -> None:
    # Claim the request with a conditional update, so two staff members cannot both decide it.
    claimed = db.session.execute(
        AccessRequest.__table__.update()
        .where(AccessRequest.id == request.id, AccessRequest.status == PENDING)
        .values(status=status, decided_at=utcnow(), decided_by_id=decided_by.id, decision_note=note)
    )
    if claimed.rowcount != 1:  # the error discards the unit's writes (lms/unit_of_work.py)
        raise AccessRequestAlreadyDecided()


def approve(request_id: int, decided_by: Person, note: str | None = None) -> tuple[Agency, str]:
    """Create the agency and invite its contact as its first LP administrator.

    Returns the new agency and the invitation token for the one-time link.
    """
    request = get_request(request_id)
    _decide(request, decided_by, APPROVED, note)
    agency = create_agency(
        name=request.organisation_name,
        agency_number=next_non_post_agency_number(),
        in_post_program=False,
    )
    administrator = add_person(
        email=request.contact_email,
        first_name=request.contact_first_name,
        last_name=request.contact_last_name,
        roles={Role.LP_ADMINISTRATOR},
        agency=agency,
    )
    token = invitations.invite(administrator)
    db.session.refresh(request)
    request.agency = agency
    db.session.flush()
    return agency, token


def deny(request_id: int, decided_by: Person, note: str | None = None) -> AccessRequest:
    request = get_request(request_id)
    _decide(request, decided_by, DENIED, note)
    db.session.refresh(request)
    return request
