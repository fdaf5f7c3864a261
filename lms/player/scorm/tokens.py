"""The signed tokens that authorise the SCORM player on the content origin, which has no
session (lms.content_origin): each names the person, the registration and the launch.

- The *player ticket* takes the browser from the portal (which checked the signed-in session)
  to the player page on the content origin. It opens one launch, once, within minutes.
- The *launch token* authorises that launch's runtime URLs (sessions, commits, sequencing).
  sendBeacon sends no header, so it travels in the URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lms.accounts.models import Person
from lms.player.scorm.interfaces import BadLaunchToken, TokenExpired

TOKEN_SALT = "lms.player.scorm.launch"  # noqa: S105 (a namespace, not a secret)
TICKET_SALT = "lms.player.scorm.ticket"  # noqa: S105 (a namespace, not a secret)
# A launch token outlives the page: progress kept on the device while offline is sent with the
# URL it was made for, possibly days later.
TOKEN_MAX_AGE = dt.timedelta(days=30)
# The redirect from the portal follows at once; an older ticket is sent back to the portal.
TICKET_MAX_AGE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class LaunchGrant:
    """What a token says: who launches, which registration, which launch."""

    person_id: int
    registration_id: int
    launch: int


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def launch_token(person: Person, registration_id: int, launch: int) -> str:
    return _serializer(TOKEN_SALT).dumps([person.id, registration_id, launch])


def player_ticket(person: Person, registration_id: int, launch: int) -> str:
    return _serializer(TICKET_SALT).dumps([person.id, registration_id, launch])


def _read(salt: str, max_age: dt.timedelta, token: str | None, registration_id: int) -> LaunchGrant:
    if not token:
        raise BadLaunchToken("The URL lacks its launch token.", "token")
    try:
        person_id, token_registration, launch = _serializer(salt).loads(
            token, max_age=int(max_age.total_seconds())
        )
    except SignatureExpired:
        raise TokenExpired(
            "This launch is too old to save into; open the course again.", "token"
        ) from None
    except (BadSignature, ValueError, TypeError):
        raise BadLaunchToken("The launch token is not valid.", "token") from None
    if token_registration != registration_id:
        raise BadLaunchToken("The launch token was made for another registration.", "token")
    if not all(isinstance(value, int) for value in (person_id, launch)):
        raise BadLaunchToken("The launch token is not valid.", "token")
    return LaunchGrant(person_id, registration_id, launch)


def read_launch_token(token: str | None, registration_id: int) -> LaunchGrant:
    """The launch a runtime URL's token was made for; BadLaunchToken (TokenExpired when only
    its age is wrong) unless it was made for this registration."""
    return _read(TOKEN_SALT, TOKEN_MAX_AGE, token, registration_id)


def read_player_ticket(ticket: str | None, registration_id: int) -> LaunchGrant:
    """The launch a player ticket opens; BadLaunchToken, or TokenExpired when it is only old
    (the portal makes a new one)."""
    return _read(TICKET_SALT, TICKET_MAX_AGE, ticket, registration_id)
