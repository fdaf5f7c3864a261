"""Launch tokens: what authorises the runtime URLs of one launch, beside the signed-in session.

The commit endpoint cannot take a CSRF form token (sendBeacon sends no header), so each launch
signs (person, registration, launch number) into the URLs it hands the player.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lms.accounts.models import Person
from lms.player.scorm.interfaces import BadLaunchToken

TOKEN_SALT = "lms.player.scorm.launch"  # noqa: S105 (a namespace, not a secret)
# A launch token outlives the page: progress kept on the device while offline is sent with the
# URL it was made for, possibly days later.
TOKEN_MAX_AGE = dt.timedelta(days=30)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def launch_token(person: Person, registration_id: int, launch: int) -> str:
    return _serializer().dumps([person.id, registration_id, launch])


def check_launch_token(person: Person, registration_id: int, token: str | None) -> int:
    """The launch number the token was made for; BadLaunchToken unless it was made for this
    person and registration. With the signed-in session it stands in for a CSRF token."""
    if not token:
        raise BadLaunchToken("The runtime URL lacks its launch token.", "token")
    try:
        person_id, token_registration, launch = _serializer().loads(
            token, max_age=int(TOKEN_MAX_AGE.total_seconds())
        )
    except SignatureExpired:
        raise BadLaunchToken(
            "This launch is too old to save into; open the course again.", "token"
        ) from None
    except (BadSignature, ValueError, TypeError):
        raise BadLaunchToken("The launch token is not valid.", "token") from None
    if person_id != person.id or token_registration != registration_id:
        raise BadLaunchToken("The launch token was made for another launch.", "token")
    return int(launch)
