"""Launch sessions, for cmi5 and Tin Can alike: the session row and the short-lived LRS
credential limited to the learner and the registration (ARCHITECTURE: Sign-in)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import select

from lms.accounts.models import Person
from lms.catalog.models import Registration
from lms.db import db, utcnow
from lms.player import identity, records
from lms.player.models import LaunchSession

# The longest a launch credential lives; a session still open then is over (and abandoned).
SESSION_LIFETIME = dt.timedelta(hours=12)
# The AU reads and writes its own statements, State and Agent Profile documents (the LRS
# limits them to the learner and the registration), and its Activity Profile.
LAUNCH_SCOPES = ["statements/write", "statements/read/mine", "state", "profile"]


def learner_actor(registration: Registration) -> dict[str, Any]:
    """The registration's learner as an xAPI Agent (lms.player.identity)."""
    person = db.session.get(Person, registration.person_id)
    return identity.actor(person, records.base_url())


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_credential(
    session: LaunchSession, registration: Registration, actor: dict[str, Any]
) -> str:
    """A new LRS credential for the session, limited to the actor and the registration and
    expiring with the session; returns the HTTP Basic token (base64 of key:secret). The
    caller commits `session.credential_key`."""
    credential, secret = records.store().create_credential(
        f"{session.standard} session {session.uuid}",
        LAUNCH_SCOPES,
        agent=actor,
        registration=registration.uuid,
        expires_at=session.created_at + SESSION_LIFETIME,
    )
    session.credential_key = credential.key
    return base64.b64encode(f"{credential.key}:{secret}".encode()).decode()


def expired(session: LaunchSession, now: dt.datetime | None = None) -> bool:
    return (now or utcnow()) >= session.created_at + SESSION_LIFETIME


def credential_holder(credential_key: str) -> tuple[int, int] | None:
    """(person id, course id) of the registration a launch credential was issued for, or None
    when the key is no launch credential's."""
    row = db.session.execute(
        select(Registration.person_id, Registration.course_id)
        .join(LaunchSession, LaunchSession.registration_id == Registration.id)
        .where(LaunchSession.credential_key == credential_key)
        .limit(1)
    ).first()
    return (row.person_id, row.course_id) if row is not None else None
