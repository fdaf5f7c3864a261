"""cmi5 launch sessions: launching an AU (the session, the LMS.LaunchData document, the
launched statement, the launch URL), the one-time fetch URL, and abandoning sessions that end
without terminated.

What an AU sends is judged in `checks` (inside the LRS's statement transaction); this module
records what the LMS says itself, through `lms.player.records`, whose statements pass the same
checks, so that the session and node records change with the statements, never apart.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from sqlalchemy import func, select, update

from lms.catalog.models import Registration
from lms.db import db, utcnow
from lms.player import records
from lms.player.cmi5 import statements as xapi
from lms.player.cmi5.interfaces import (
    AUNotFound,
    FetchUrlNotFound,
    InvalidLaunchMode,
    NotACmi5Course,
)
from lms.player.cmi5.registrations import evaluate_registration, registration_structure
from lms.player.cmi5.structure import AssignableUnit
from lms.player.launch import Launchable
from lms.player.models import CMI5, LaunchSession
from lms.player.sessions import (
    SESSION_LIFETIME,
    expired,
    issue_credential,
    learner_actor,
    token_digest,
)
from lrs.errors import Forbidden

LAUNCH_MODES = ("Normal", "Browse", "Review")  # §10.2.2
LAUNCH_DATA = "LMS.LaunchData"  # §10.1
LEARNER_PREFERENCES = "cmi5LearnerPreferences"  # §11
# §8.1: the names the LMS appends to the AU's URL.
LAUNCH_PARAMETERS = ("endpoint", "fetch", "actor", "registration", "activityId")
# A session that has heard nothing from its AU for this long is abandoned by the sweep.
IDLE_LIMIT = dt.timedelta(hours=4)

# What the portal gives an AU whose course structure defines no launchParameters: another
# area's data for it (a course's feedback, an agency's customization), as a string.
LaunchParametersSource = Callable[[Registration, AssignableUnit], str | None]
_parameter_sources: list[LaunchParametersSource] = []
# Context extensions another area puts in LMS.LaunchData's contextTemplate, which the AU copies
# into every statement it sends (§10.2.1), and in the launched statement.
ContextSource = Callable[[Registration, AssignableUnit], dict[str, Any] | None]
_context_sources: list[ContextSource] = []


def add_launch_parameters_source(source: LaunchParametersSource) -> None:
    """Another area's launchParameters for the AUs it knows; the first answer wins."""
    if source not in _parameter_sources:
        _parameter_sources.append(source)


def add_context_source(source: ContextSource) -> None:
    """Another area's context extensions for the statements of the AUs it knows."""
    if source not in _context_sources:
        _context_sources.append(source)


def context_extensions(registration: Registration, au: AssignableUnit) -> dict[str, Any]:
    """Every source's context extensions for the AU's statements, merged (the first source to
    name an extension wins)."""
    merged: dict[str, Any] = {}
    for source in _context_sources:
        for key, value in (source(registration, au) or {}).items():
            merged.setdefault(key, value)
    return merged


def launch_parameters(registration: Registration, au: AssignableUnit) -> str | None:
    """The AU's launchParameters (§10.2.5): the course structure's, as they are, when it
    defines them (§13.1.4: the LMS must pass them on); else those a source gives, if any."""
    if au.launch_parameters is not None:
        return au.launch_parameters
    for source in _parameter_sources:
        value = source(registration, au)
        if value is not None:
            return value
    return None


@dataclass(frozen=True)
class LaunchUrls:
    """The URLs a launch hands out, as the request that launches sees them (the view builds
    them: services never touch the request)."""

    endpoint: str  # the LRS, for the AU (§8.1.1)
    return_url: str  # where the AU sends the learner when it ends (§10.2.6)
    fetch_url: Callable[[str], str]  # the fetch URL for a token (§8.1.2)
    content_url: Callable[[str], str]  # the absolute URL of a package file


@dataclass(frozen=True)
class Launch:
    session: LaunchSession
    au: AssignableUnit
    url: str  # the AU's URL with the §8.1 parameters


def launch_url(au: AssignableUnit, urls: LaunchUrls, extra: dict[str, str]) -> tuple[str, str]:
    """(the URL the AU is launched with, the same without the §8.1 parameters).

    §13.1.4: the AU's own query string is merged with the cmi5 parameters; a name of its own
    that collides with one of them (§8.1 forbids it) gives way.
    """
    parts = urlsplit(au.url)
    base = au.url if parts.scheme else urls.content_url(parts.path)
    base_parts = urlsplit(base)
    own = [(name, value) for name, value in parse_qsl(parts.query, keep_blank_values=True)]
    own = [(name, value) for name, value in own if name not in LAUNCH_PARAMETERS]
    plain = urlunsplit(base_parts._replace(query=urlencode(own, quote_via=quote), fragment=""))
    launch = urlunsplit(
        base_parts._replace(
            query=urlencode(own + list(extra.items()), quote_via=quote), fragment=parts.fragment
        )
    )
    return launch, plain


def launch_data(
    session: LaunchSession,
    au: AssignableUnit,
    return_url: str,
    parameters: str | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The LMS.LaunchData document (§10.2); `parameters` are the AU's launchParameters,
    `extensions` other areas' context extensions for its statements."""
    document: dict[str, Any] = {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"objectType": "Activity", "id": au.id}]},
            "extensions": {**(extensions or {}), xapi.SESSION_ID: session.uuid},
        },
        "launchMode": session.launch_mode,
        "moveOn": session.move_on,
        "returnURL": return_url,
    }
    if session.mastery_score is not None:
        document["masteryScore"] = xapi.mastery_number(session.mastery_score)
    if parameters is not None:
        document["launchParameters"] = parameters
    if au.entitlement_key is not None:
        document["entitlementKey"] = {"courseStructure": au.entitlement_key}
    return document


def launch_au(launchable: Launchable, au_index: int, launch_mode: str, urls: LaunchUrls) -> Launch:
    """Launch the AU at `au_index` of the registration's course in `launch_mode`."""
    if launchable.package.standard != CMI5:
        raise NotACmi5Course("This course is not a cmi5 course.", "registration_id")
    if launch_mode not in LAUNCH_MODES:
        raise InvalidLaunchMode(
            f"launch_mode: choose Normal, Browse or Review, not {launch_mode!r}.", "launch_mode"
        )
    registration = launchable.registration
    structure = registration_structure(registration)
    au = structure.au(au_index)
    if au is None:
        raise AUNotFound(f"au_index: the course has no AU number {au_index}.", "au_index")
    evaluate_registration(registration)
    # §9.3.6: launching with the registration of an active session abandons that session.
    abandon_active(registration.id)

    token = secrets.token_urlsafe(32)
    session = LaunchSession(
        registration_id=registration.id,
        standard=CMI5,
        au_id=au.id,
        activity_id=au.activity_id,
        launch_mode=launch_mode,
        move_on=au.move_on,
        mastery_score=au.mastery_score,
        fetch_token_digest=token_digest(token),
        created_at=utcnow(),
    )
    db.session.add(session)
    db.session.flush()

    actor = learner_actor(registration)
    parameters = launch_parameters(registration, au)
    extensions = context_extensions(registration, au)
    # §10.1: the LaunchData document exists before the AU is launched.
    records.store().put_document(
        "state",
        LAUNCH_DATA,
        json.dumps(launch_data(session, au, urls.return_url, parameters, extensions)).encode(),
        activity_id=au.activity_id,
        agent=actor,
        registration=registration.uuid,
    )
    url, plain_url = launch_url(
        au,
        urls,
        {
            "endpoint": urls.endpoint,
            "fetch": urls.fetch_url(token),
            "actor": json.dumps(actor, separators=(",", ":")),
            "registration": registration.uuid,
            "activityId": au.activity_id,
        },
    )
    # §9.3.1: launched is recorded before the AU is launched; the check marks the session.
    records.record(
        [
            xapi.launched(
                actor=actor,
                registration=registration.uuid,
                activity_id=au.activity_id,
                publisher_id=au.id,
                session_id=session.uuid,
                title=au.title,
                launch_mode=launch_mode,
                launch_url=plain_url,
                move_on=au.move_on,
                mastery_score=au.mastery_score,
                launch_parameters=parameters,
                context_extensions=extensions,
            )
        ]
    )
    db.session.refresh(session)
    return Launch(session=session, au=au, url=url)


def _fetch_error(code: str, text: str) -> dict[str, str]:
    return {"error-code": code, "error-text": text}


def fetch_auth_token(token: str) -> dict[str, str]:
    """§8.2: the auth token, once per session; an error object to every later call
    (§8.2.3). FetchUrlNotFound for a URL the portal never gave."""
    session = db.session.scalar(
        select(LaunchSession).where(LaunchSession.fetch_token_digest == token_digest(token))
    )
    if session is None:
        raise FetchUrlNotFound("This fetch URL was not issued by the Learning Portal.", "fetch")
    if session.fetched_at is not None:
        return _fetch_error("1", "The authorization token has already been returned.")
    if session.ended or session.launched_at is None or expired(session):
        return _fetch_error("1", "This launch session has ended; launch the AU again.")
    # Two calls at once: the conditional update lets exactly one of them on (the other
    # units wait for its commit, then find the token claimed). A refusal is returned, not
    # raised, so the unit of work keeps what it wrote.
    claimed = db.session.execute(
        update(LaunchSession)
        .where(LaunchSession.id == session.id, LaunchSession.fetched_at.is_(None))
        .values(fetched_at=utcnow())
    ).rowcount
    if claimed != 1:
        return _fetch_error("1", "The authorization token has already been returned.")
    db.session.refresh(session)
    registration = db.session.get(Registration, session.registration_id)
    auth_token = issue_credential(session, registration, learner_actor(registration))
    return {"auth-token": auth_token}


def abandon(session: LaunchSession) -> bool:
    """Record abandoned for a session that ended without terminated (§9.3.6); False if it had
    ended already. Its duration runs from launched to the AU's last statement (§9.5.4.2)."""
    if session.ended:
        return False
    if session.launched_at is None:
        # Never launched (its launched statement was not recorded): nothing to abandon in
        # the LRS, so the session is only closed.
        session.abandoned_at = utcnow()
        db.session.flush()
        return True
    registration = db.session.get(Registration, session.registration_id)
    last = session.last_statement_at or session.launched_at
    statement = xapi.abandoned(
        actor=learner_actor(registration),
        registration=registration.uuid,
        activity_id=session.activity_id,
        publisher_id=session.au_id,
        session_id=session.uuid,
        duration=max(last - session.launched_at, dt.timedelta(0)),
    )
    try:
        records.record([statement])
    except Forbidden:
        return False  # it ended a moment ago (terminated, or another abandon)
    finally:
        db.session.expire(session)
    return True


def _open_sessions() -> Any:
    return select(LaunchSession).where(
        LaunchSession.standard == CMI5,
        LaunchSession.terminated_at.is_(None),
        LaunchSession.abandoned_at.is_(None),
    )


def abandon_active(registration_id: int) -> int:
    """Abandon every open session of the registration (§9.3.6); how many were."""
    found = db.session.scalars(
        _open_sessions().where(LaunchSession.registration_id == registration_id)
    ).all()
    return sum(abandon(session) for session in found)


def abandon_stale(idle: dt.timedelta = IDLE_LIMIT, now: dt.datetime | None = None) -> int:
    """Abandon the sessions that have heard nothing from their AU for `idle`, or whose
    credential has expired; how many were. `lms cmi5 abandon-stale` runs it."""
    now = now or utcnow()
    last = func.coalesce(
        LaunchSession.last_statement_at,
        LaunchSession.fetched_at,
        LaunchSession.launched_at,
        LaunchSession.created_at,
    )
    found = db.session.scalars(
        _open_sessions().where(
            (last < now - idle) | (LaunchSession.created_at < now - SESSION_LIFETIME)
        )
    ).all()
    return sum(abandon(session) for session in found)
