"""People: sign-up, sign-in with throttling, sessions and passwords, and the POST-ID link."""

from __future__ import annotations

import datetime as dt
import re

from flask import current_app
from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from lms.accounts import passwords
from lms.accounts.interfaces import (
    SELF_CHOSEN_ROLES,
    AccountsError,
    CredentialNotFound,
    CredentialRefused,
    EmailAlreadyUsed,
    InvalidPostId,
    InvalidSignIn,
    NotAChoice,
    PostIdAlreadyLinked,
    PostIdNotLinked,
    Role,
    SignInAttempt,
    TooManyFailedSignIns,
)
from lms.accounts.models import Agency, Person, RoleGrant, SignInThrottle
from lms.db import db, utcnow
from lrs.api import Credential
from lrs.errors import LRSError, NoSuchCredential

# Sign-in throttling: after FREE_FAILURES failed attempts on an address, each further attempt
# waits twice as long as the one before, from 30 seconds up to 15 minutes.
FREE_FAILURES = 5
FIRST_DELAY = dt.timedelta(seconds=30)
LONGEST_DELAY = dt.timedelta(minutes=15)
# Enough doublings to pass LONGEST_DELAY; more would only overflow the arithmetic.
MOST_DOUBLINGS = 10
FAILURES_FORGOTTEN_AFTER = dt.timedelta(hours=1)

# A POST-ID is a letter and eight digits, written A12-345-678 (ours: no public format found).
POST_ID_PATTERN = re.compile(r"^([A-Z])(\d{2})-?(\d{3})-?(\d{3})$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_person(person_id: int) -> Person | None:
    return db.session.get(Person, person_id)


# What Person.get_id() puts in a session: "<person id>:<session version>".
SESSION_ID_PATTERN = re.compile(r"^([0-9]{1,18}):([0-9]{1,18})$")


def person_for_session(session_id: str) -> Person | None:
    """The person a session or remember-me cookie names, if it was issued since their last
    sign-out or password change; None otherwise (flask-login then treats it as signed out)."""
    match = SESSION_ID_PATTERN.match(session_id)
    if match is None:
        return None
    person = get_person(int(match.group(1)))
    if person is None or person.session_version != int(match.group(2)):
        return None
    return person


def end_sessions(person: Person) -> None:
    """End every session of the person issued until now, on every device, remember-me cookies
    included. Counted in the database, so no raise is lost to another."""
    person.session_version = Person.session_version + 1  # type: ignore[assignment]
    db.session.flush()  # the new version is read back when next asked for (get_id)


def sign_out(person: Person) -> None:
    """Signing out ends all of the person's sessions, not only the one signing out: a copy of
    the cookie taken earlier, or a session left open elsewhere, stops working too."""
    end_sessions(person)


def change_password(
    person: Person, current_password: str, new_password: str, *, now: dt.datetime | None = None
) -> SignInAttempt:
    """Set a new password for a signed-in person who knows the current one.

    The current password is checked like a sign-in, throttled on the same count, and a wrong
    one is returned as the attempt's refusal, like `sign_in`'s. Every earlier session of the
    person ends (someone who changes their password because it leaked expects the intruder to
    be out); the caller signs the person in afresh in the session they used."""
    problem = passwords.password_problem(new_password)
    if problem:
        raise AccountsError(problem, "password")
    attempt = sign_in(person.email, current_password, now=now)
    if attempt.person is None:
        return SignInAttempt(
            refusal=InvalidSignIn("The current password is wrong.", "current_password")
        )
    attempt.person.password_hash = passwords.hash_password(new_password)
    end_sessions(attempt.person)
    return attempt


def add_person(
    *,
    email: str,
    first_name: str,
    last_name: str,
    roles: set[Role],
    agency: Agency | None,
    password: str | None = None,
) -> Person:
    """Add a person. Without a password the person is invited, not active."""
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
        raise NotAChoice("Choose an agency from the list.", "agency_id")
    person = add_person(
        email=email,
        first_name=first_name,
        last_name=last_name,
        roles={role},
        agency=agency,
        password=password,
    )
    return person


def sign_in(email: str, password: str, *, now: dt.datetime | None = None) -> SignInAttempt:
    """Check the credentials: the person, or a wrong password's refusal, returned and not
    raised, for the attempt it counted must be kept (the transaction contract: an error raised
    out of a service discards the unit's writes, docs/architecture.md). TooManyFailedSignIns is
    raised: a refused attempt counts for nothing, so there is nothing to keep."""
    try:
        return SignInAttempt(person=authenticate(email, password, now=now))
    except InvalidSignIn as refusal:
        return SignInAttempt(refusal=refusal)


def authenticate(email: str, password: str, *, now: dt.datetime | None = None) -> Person:
    """The person with these credentials, or InvalidSignIn / TooManyFailedSignIns. A caller
    that shows InvalidSignIn keeps the unit's writes (`sign_in` does): the attempt is counted.

    The attempt is counted before the password is checked, its row locked until the unit of
    work ends: simultaneous attempts on one address take turns, each counted, and those beyond
    the free ones are throttled without their password being checked. The right password
    clears the count."""
    now = now or utcnow()
    email = normalise_email(email)
    _reserve_attempt(email, now)
    person = db.session.scalar(select(Person).where(Person.email == email))
    hash_ = person.password_hash if person is not None else None
    if person is None or not passwords.verify_password(hash_, password):
        raise InvalidSignIn("The e-mail address or the password is wrong.", "password")

    db.session.execute(delete(SignInThrottle).where(SignInThrottle.email == email))
    if passwords.needs_rehash(person.password_hash or ""):
        person.password_hash = passwords.hash_password(password)
    db.session.flush()
    return person


def _reserve_attempt(email: str, now: dt.datetime) -> None:
    """Count one attempt on the address, or refuse it with TooManyFailedSignIns.

    The row is written first (an insert that does nothing if it exists), then read locked: on
    PostgreSQL the row lock, on SQLite the one writer's lock, held until the unit of work ends,
    make simultaneous attempts take turns, each seeing every attempt counted before it. A
    refused attempt counts for nothing (the error discards the unit, the row written here
    with it), so a person who waits as long as they were told is let in."""
    db.session.execute(
        _insert_unless_present(SignInThrottle.__table__).values(
            email=email, failures=0, last_failure_at=now
        )
    )
    failures, last_failure_at = db.session.execute(
        select(SignInThrottle.failures, SignInThrottle.last_failure_at)
        .where(SignInThrottle.email == email)
        .with_for_update()
    ).one()
    if now - last_failure_at > FAILURES_FORGOTTEN_AFTER:
        failures = 0
    if failures >= FREE_FAILURES:
        doublings = min(failures - FREE_FAILURES, MOST_DOUBLINGS)
        wait = min(FIRST_DELAY * 2**doublings, LONGEST_DELAY)
        remaining = last_failure_at + wait - now
        if remaining > dt.timedelta(0):
            raise TooManyFailedSignIns(int(remaining.total_seconds()) + 1)
    db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.email == email)
        .values(failures=failures + 1, last_failure_at=now)
    )


def _insert_unless_present(table: Table) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING, in the engine's dialect (SQLite and PostgreSQL)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


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
    db.session.flush()
    return person


def needs_post_id(person: Person) -> bool:
    """Officers and dispatchers train under their POST-ID; NPO staff have none and need none."""
    return person.post_id is None and person.has_role(Role.PEACE_OFFICER, Role.DISPATCHER)


def require_post_id(person: Person) -> None:
    """Course registration is closed to an officer or dispatcher until their POST-ID is linked."""
    if needs_post_id(person):
        raise PostIdNotLinked()


def issue_lrs_credential(name: str, scopes: list[str]) -> tuple[Credential, str]:
    """A key and secret for the LRS (POST staff): the credential and its secret, shown once.
    The LRS's refusal becomes the area's error, so that the form shows it beside the form."""
    try:
        return current_app.extensions["lrs"].create_credential(name, scopes)
    except LRSError as error:
        raise CredentialRefused(error.message) from error


def revoke_lrs_credential(key: str) -> None:
    """End the active LRS credential with this key at once; CredentialNotFound if none has it."""
    try:
        current_app.extensions["lrs"].revoke_credential(key)
    except NoSuchCredential as error:
        raise CredentialNotFound(error.message) from error
