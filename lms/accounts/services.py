"""People: sign-up, sign-in with throttling, and the POST-ID link."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from lms.accounts import passwords
from lms.accounts.interfaces import (
    SELF_CHOSEN_ROLES,
    EmailAlreadyUsed,
    InvalidPostId,
    InvalidSignIn,
    NotFound,
    PostIdAlreadyLinked,
    PostIdNotLinked,
    Role,
    TooManyFailedSignIns,
)
from lms.accounts.models import Agency, Person, RoleGrant, SignInThrottle
from lms.db import db, utcnow

# Sign-in throttling: after FREE_FAILURES failed attempts on an address, each further attempt
# waits twice as long as the one before, from 30 seconds up to 15 minutes.
FREE_FAILURES = 5
FIRST_DELAY = dt.timedelta(seconds=30)
LONGEST_DELAY = dt.timedelta(minutes=15)
FAILURES_FORGOTTEN_AFTER = dt.timedelta(hours=1)

# A POST-ID is a letter and eight digits, written A12-345-678 (ours: no public format found).
POST_ID_PATTERN = re.compile(r"^([A-Z])(\d{2})-?(\d{3})-?(\d{3})$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_person(person_id: int) -> Person | None:
    return db.session.get(Person, person_id)


def add_person(
    *,
    email: str,
    first_name: str,
    last_name: str,
    roles: set[Role],
    agency: Agency | None,
    password: str | None = None,
) -> Person:
    """Add a person (not yet committed). Without a password the person is invited, not active."""
    email = normalise_email(email)
    if db.session.scalar(select(Person.id).where(Person.email == email)) is not None:
        raise EmailAlreadyUsed()
    person = Person(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        agency=agency,
        password_hash=passwords.hash_password(password) if password else None,
    )
    person.role_grants = [RoleGrant(role=str(role)) for role in sorted(roles)]
    db.session.add(person)
    db.session.flush()
    return person


def sign_up(
    *, email: str, first_name: str, last_name: str, password: str, agency_id: int, role: Role
) -> Person:
    """A peace officer or dispatcher of a POST agency creates their own account."""
    if role not in SELF_CHOSEN_ROLES:
        raise InvalidSignIn("Choose peace officer or dispatcher.", "role")
    agency = db.session.get(Agency, agency_id)
    if agency is None or not agency.in_post_program:
        raise NotFound("Choose an agency from the list.", "agency_id")
    person = add_person(
        email=email,
        first_name=first_name,
        last_name=last_name,
        roles={role},
        agency=agency,
        password=password,
    )
    db.session.commit()
    return person


def authenticate(email: str, password: str, *, now: dt.datetime | None = None) -> Person:
    """The person with these credentials, or InvalidSignIn / TooManyFailedSignIns."""
    now = now or utcnow()
    email = normalise_email(email)
    throttle = db.session.get(SignInThrottle, email)
    if throttle is not None and now - throttle.last_failure_at > FAILURES_FORGOTTEN_AFTER:
        throttle.failures = 0
    if throttle is not None and throttle.failures >= FREE_FAILURES:
        wait = min(FIRST_DELAY * 2 ** (throttle.failures - FREE_FAILURES), LONGEST_DELAY)
        remaining = throttle.last_failure_at + wait - now
        if remaining > dt.timedelta(0):
            db.session.rollback()
            raise TooManyFailedSignIns(int(remaining.total_seconds()) + 1)

    person = db.session.scalar(select(Person).where(Person.email == email))
    hash_ = person.password_hash if person is not None else None
    if person is None or not passwords.verify_password(hash_, password):
        _record_failure(email, throttle, now)
        raise InvalidSignIn("The e-mail address or the password is wrong.", "password")

    if throttle is not None:
        db.session.delete(throttle)
    if passwords.needs_rehash(person.password_hash or ""):
        person.password_hash = passwords.hash_password(password)
    db.session.commit()
    return person


def _record_failure(email: str, throttle: SignInThrottle | None, now: dt.datetime) -> None:
    if throttle is None:
        throttle = SignInThrottle(email=email, failures=0)
        db.session.add(throttle)
    throttle.failures += 1
    throttle.last_failure_at = now
    db.session.commit()


def normalise_post_id(raw: str) -> str:
    match = POST_ID_PATTERN.match(raw.strip().upper())
    if match is None:
        raise InvalidPostId("A POST-ID is a letter and eight digits, written like A12-345-678.")
    return "{}{}-{}-{}".format(*match.groups())


def link_post_id(person: Person, raw_post_id: str) -> Person:
    """Link the person's account to their POST-ID, once, recording when."""
    post_id = normalise_post_id(raw_post_id)
    if person.post_id is not None:
        raise PostIdAlreadyLinked("Your account is already linked to a POST-ID.")
    owner = db.session.scalar(select(Person.id).where(Person.post_id == post_id))
    if owner is not None:
        raise PostIdAlreadyLinked(
            "This POST-ID is linked to another account. Ask your training manager for help."
        )
    person.post_id = post_id
    person.post_id_linked_at = utcnow()
    db.session.commit()
    return person


def needs_post_id(person: Person) -> bool:
    """Officers and dispatchers train under their POST-ID; NPO staff have none and need none."""
    return person.post_id is None and person.has_role(Role.PEACE_OFFICER, Role.DISPATCHER)


def require_post_id(person: Person) -> None:
    """Course registration is closed to an officer or dispatcher until their POST-ID is linked."""
    if needs_post_id(person):
        raise PostIdNotLinked()
