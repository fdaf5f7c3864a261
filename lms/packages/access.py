"""The signed tokens that carry a person to a package version's files on the content origin.
Whether that person may still fetch them is lms.player.launch's to say (`may_fetch_content`,
asked by the /content view, lms.packages.views), not this module's.

The content origin has no session (lms.content_origin): a file URL carries a token signed over
(person, version), `/content/<token>/<version>/<path>`. The token is a path segment, so the
package's own relative URLs keep it. Each request checks the signature, its age, and that the
token was made for this version.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lms import content_origin
from lms.accounts.models import Person
from lms.accounts.services import get_person
from lms.db import db
from lms.packages.interfaces import FileTokenRefused
from lms.packages.models import PackageVersion

FILE_TOKEN_SALT = "lms.packages.files"  # noqa: S105 (a namespace, not a secret)
# Long enough for a long course left open for the day; a new launch makes a new one.
FILE_TOKEN_MAX_AGE = dt.timedelta(hours=24)
# Characters a launch path keeps as they are: the path's own structure and its query.
PATH_SAFE = "/?&=#%;:@+,~"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=FILE_TOKEN_SALT)


def file_token(person: Person, version_id: int) -> str:
    return _serializer().dumps([person.id, version_id])


def files_url(person: Person, version_id: int, path: str = "") -> str:
    """The absolute URL, on the content origin, of a file of the version (its folder when
    `path` is empty) for the person. `path` may carry a query (a launch path)."""
    token = file_token(person, version_id)
    return f"{content_origin.base_url()}/content/{token}/{version_id}/{quote(path, safe=PATH_SAFE)}"


def opening(token: str, version_id: int) -> tuple[Person, PackageVersion]:
    """The token's person and the version, if the token is good and was made for the version;
    FileTokenRefused if not."""
    try:
        person_id, token_version = _serializer().loads(
            token, max_age=int(FILE_TOKEN_MAX_AGE.total_seconds())
        )
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        raise FileTokenRefused() from None
    if token_version != version_id or not isinstance(person_id, int):
        raise FileTokenRefused()
    person = get_person(person_id)
    version = db.session.get(PackageVersion, version_id)
    if person is None or version is None:
        raise FileTokenRefused()
    return person, version
