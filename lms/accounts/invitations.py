"""One-time invitation links through which an invited person sets their password."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from lms.accounts import passwords
from lms.accounts.interfaces import AccountsError, InvitationInvalid
from lms.accounts.models import Invitation, Person
from lms.accounts.services import end_sessions
from lms.db import db, utcnow

VALID_FOR = dt.timedelta(days=7)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(person: Person, *, now: dt.datetime | None = None) -> str:
    """Create an invitation for the person and return its secret token.

    Only the token's digest is stored: the link cannot be rebuilt from the database.
    """
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        Invitation(
            person=person, token_hash=_digest(token), created_at=now, expires_at=now + VALID_FOR
        )
    )
    return token


def find_open_invitation(token: str, *, now: dt.datetime | None = None) -> Invitation:
    now = now or utcnow()
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _digest(token))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= now:
        raise InvitationInvalid()
    return invitation


def accept(token: str, password: str) -> Person:
    """Set the invited person's password and spend the link; it cannot be used twice."""
    invitation = find_open_invitation(token)
    problem = passwords.password_problem(password)
    if problem:
        raise AccountsError(problem, "password")
    # Spend the link with a conditional update, so two simultaneous uses cannot both succeed.
    spent = db.session.execute(
        Invitation.__table__.update()
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:  # the error discards the unit's writes (lms/unit_of_work.py)
        raise InvitationInvalid()
    person = invitation.person
    person.password_hash = passwords.hash_password(password)
    end_sessions(person)  # a password set is a password change: earlier sessions end
    return person
