"""Launching a Tin Can package and keeping the session's record.

The launch follows RusticiSoftware/launch ("Launch" in
https://github.com/RusticiSoftware/launch/blob/master/lms_lrs.md): the activity's URL with
`endpoint`, `auth` (a credential limited to this learner and this registration, expiring with
the session), `actor`, `registration` and `activity_id`, each URL-encoded. TinCanJS uses
`auth` verbatim as the Authorization header, so it is the whole `Basic …` value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.db import db, utcnow
from lms.player import verbs as xapi
from lms.player.launch import Launchable
from lms.player.models import TINCAN, LaunchSession, NodeStatus
from lms.player.sessions import issue_credential, learner_actor
from lms.player.tincan.interfaces import NotATinCanCourse

ACTIVITY = "activity"
# How Tin Can courses say the learner has left them ("Save & Exit", "Exit course"): on the
# launched activity, any of these ends the session and the player takes the learner back.
EXITED = xapi.VERB + "exited"
SUSPENDED = xapi.VERB + "suspended"
LEAVING_VERBS = (EXITED, SUSPENDED)
LAUNCH_PARAMETERS = ("endpoint", "auth", "actor", "registration", "activity_id")


@dataclass(frozen=True)
class TinCanLaunch:
    session: LaunchSession
    title: str
    url: str


@dataclass(frozen=True)
class TinCanProgress:
    title: str
    sessions: int
    status: NodeStatus | None

    @property
    def state(self) -> str:
        status = self.status
        for column, name in (("passed_at", "passed"), ("completed_at", "completed")):
            if status is not None and getattr(status, column):
                return name
        if status is not None and status.failed_at:
            return "failed"
        return "in progress" if self.sessions else "not started"


def _activity(launchable: Launchable) -> dict[str, Any]:
    if launchable.package.standard != TINCAN:
        raise NotATinCanCourse("This course is not a Tin Can course.", "registration_id")
    structure = launchable.package.structure
    return next(a for a in structure["activities"] if a["id"] == structure["launchActivity"])


def _title(activity: dict[str, Any]) -> str:
    names = activity.get("name") or {}
    return names.get("en-US") or next(iter(names.values()), activity["id"])


def launch_path(activity: dict[str, Any], languages: list[str]) -> str:
    """The activity's launch URL in the learner's language if it has one (tincan.xml gives
    one <launch> per lang), else its first."""
    launches: dict[str, str] = activity["launch"]
    for language in languages:
        for tag, path in launches.items():
            if tag.lower() == language.lower():
                return path
        primary = language.split("-")[0].lower()
        for tag, path in launches.items():
            if tag.split("-")[0].lower() == primary:
                return path
    return next(iter(launches.values()))


def progress(launchable: Launchable) -> TinCanProgress:
    activity = _activity(launchable)
    registration = launchable.registration
    sessions = db.session.scalar(
        select(func.count()).where(
            LaunchSession.registration_id == registration.id, LaunchSession.standard == TINCAN
        )
    )
    status = db.session.scalar(
        select(NodeStatus).where(
            NodeStatus.registration_id == registration.id, NodeStatus.node_id == activity["id"]
        )
    )
    return TinCanProgress(_title(activity), sessions or 0, status)


@dataclass(frozen=True)
class SessionState:
    """What the player page asks while the course runs: has this launch ended, and where
    the learner stands in the course."""

    ended: bool
    state: str

    def as_json(self) -> dict[str, object]:
        return {"ended": self.ended, "state": self.state}


def session_state(launchable: Launchable, session_uuid: str) -> SessionState:
    """The state of the registration's launch `session_uuid` (not ended if it is none of its)."""
    session = db.session.scalar(
        select(LaunchSession).where(
            LaunchSession.registration_id == launchable.registration.id,
            LaunchSession.standard == TINCAN,
            LaunchSession.uuid == session_uuid[:36],
        )
    )
    ended = session is not None and session.terminated_at is not None
    return SessionState(ended=ended, state=progress(launchable).state)


def launch(
    launchable: Launchable, endpoint: str, content_url: Any, languages: list[str]
) -> TinCanLaunch:
    """A new session and its credential, and the URL that opens the activity with them."""
    activity = _activity(launchable)
    registration = launchable.registration
    now = utcnow()
    session = LaunchSession(
        registration_id=registration.id,
        standard=TINCAN,
        au_id=activity["id"],
        activity_id=activity["id"],
        created_at=now,
        launched_at=now,
    )
    db.session.add(session)
    db.session.flush()
    actor = learner_actor(registration)
    token = issue_credential(session, registration, actor)

    path = launch_path(activity, languages)
    parts = urlsplit(path)
    base = urlsplit(path if parts.scheme else content_url(parts.path))
    own = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name not in LAUNCH_PARAMETERS
    ]
    ours = [
        ("endpoint", endpoint),
        ("auth", f"Basic {token}"),
        ("actor", json.dumps(actor, separators=(",", ":"))),
        ("registration", registration.uuid),
        ("activity_id", activity["id"]),
    ]
    url = urlunsplit(base._replace(query=urlencode(own + ours, quote_via=quote)))
    return TinCanLaunch(session=session, title=_title(activity), url=url)


def _status(orm: Session, session: LaunchSession) -> NodeStatus:
    found = orm.scalar(
        select(NodeStatus).where(
            NodeStatus.registration_id == session.registration_id,
            NodeStatus.node_id == session.au_id,
        )
    )
    if found is None:
        found = NodeStatus(registration_id=session.registration_id, node_id=session.au_id)
        found.kind = ACTIVITY
        orm.add(found)
    found.updated_at = utcnow()
    return found


def record_progress(orm: Session, session: LaunchSession, statements: list[dict[str, Any]]) -> None:
    """The session's record of what its activity sent (inside the LRS's statement
    transaction): when it first and last spoke, when it terminated, and whether the launched
    activity was completed, passed or failed (by verb or by result)."""
    now = utcnow()
    session.initialized_at = session.initialized_at or now
    session.last_statement_at = now
    for statement in statements:
        verb = statement["verb"]["id"]
        if verb == xapi.TERMINATED:
            session.terminated_at = session.terminated_at or now
        if (statement.get("object") or {}).get("id") != session.activity_id:
            continue
        if verb in LEAVING_VERBS:
            session.terminated_at = session.terminated_at or now
        result = statement.get("result") or {}
        columns = []
        if verb == xapi.COMPLETED or result.get("completion") is True:
            columns.append("completed_at")
        if verb == xapi.PASSED or result.get("success") is True:
            columns.append("passed_at")
        if verb == xapi.FAILED or result.get("success") is False:
            columns.append("failed_at")
        if not columns:
            continue
        status = _status(orm, session)
        for column in columns:
            for record in (session, status):
                if getattr(record, column) is None:
                    setattr(record, column, now)
