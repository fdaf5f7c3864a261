"""Preview: the real course, in the player, as the agency's learners will see it with the draft,
recording nothing in the Learning Record Store and nothing on any profile.

A preview launch is a cmi5 launch against the preview store: an LRS of its own (the same code
as the portal's, on a database of its own, LMS_PREVIEW_DATABASE_URL; by default a SQLite file
in the instance folder), mounted at /preview/xapi. It holds nothing of record: no registration,
no launch session and no statement of a preview reaches the portal's database or its LRS, so
the bridge never hears of it. The preview store's data may be deleted at any time.

The launch gives the AU what a learner's launch does (the §8.1 parameters, LMS.LaunchData with
the draft's feedback and policy in launchParameters); its fetch URL carries the auth token
signed, for the previewing administrator's own browser, and expires with the credential.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lms.accounts.models import Person
from lms.catalog.models import Course
from lms.customization import content, services
from lms.customization.interfaces import CustomizationNotFound
from lms.db import db, utcnow
from lms.packages import services as packages
from lms.packages.models import PackageVersion
from lms.player import identity, records
from lms.player.cmi5 import services as cmi5
from lms.player.cmi5.registrations import structure_of
from lms.player.cmi5.structure import AssignableUnit, CourseStructure
from lms.player.models import LaunchSession
from lms.player.sessions import LAUNCH_SCOPES
from lrs.api import LearningRecordStore

PREVIEW_LIFETIME = dt.timedelta(hours=2)
FETCH_SALT = "lms.customization.preview-fetch"
PREVIEW_LABEL = "Preview of the draft"


@dataclass(frozen=True)
class PreviewUrls:
    endpoint: str  # the preview store
    return_url: str
    fetch_url: Any  # Callable[[str], str]
    content_url: Any  # Callable[[int, str], str]: (package version id, path) -> URL


@dataclass(frozen=True)
class PreviewLaunch:
    au: AssignableUnit
    url: str


def preview_store() -> LearningRecordStore:
    return current_app.extensions["preview_lrs"]


def course_structure(
    person: Person, course_id: int
) -> tuple[services.Workspace, CourseStructure, int]:
    """The workspace, the course structure of the course's newest package version and its id."""
    place = services.workspace(person, course_id)
    version = packages.latest_version(place.course.id)
    if version is None or version.standard != "cmi5":
        raise CustomizationNotFound(f"{place.course.title} has no course content to preview yet.")
    structure = structure_of(version, identity.course_iri(place.course, records.base_url()))
    return place, structure, version.id


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=FETCH_SALT)


def launch(person: Person, course_id: int, au_index: int, urls: PreviewUrls) -> PreviewLaunch:
    """A preview launch of the AU at `au_index` with the draft: everything it needs is written
    to the preview store, nothing to the portal's."""
    place, structure, version_id = course_structure(person, course_id)
    au = structure.au(au_index)
    if au is None:
        raise CustomizationNotFound(f"The course has no AU number {au_index}.", "au_index")
    store = preview_store()
    base = records.base_url().rstrip("/")
    actor = identity.actor(person, base)
    registration = str(uuid.uuid4())
    where = {
        "activityId": f"{structure.activity_id}/feedback",
        "profileId": f"{base}/xapi/profiles/feedback/preview/{registration}",
    }
    document = services.feedback_document(
        place, services.draft_texts(place.customization), PREVIEW_LABEL
    )
    store.put_document(
        "activity_profile",
        where["profileId"],
        json.dumps(document, ensure_ascii=False).encode(),
        activity_id=where["activityId"],
    )
    customization = place.customization
    policy = None
    if customization is not None and customization.policy_key:
        policy = {
            "url": f"{base}/agency/customizations/{course_id}/policy",
            "title": f"the draft's policy ({customization.policy_filename})",
            "sha256": customization.policy_sha256,
        }
    parameters = json.dumps({"feedback": where, "policy": policy}, separators=(",", ":"))
    session = LaunchSession(
        uuid=registration,
        launch_mode="Normal",
        move_on=au.move_on,
        mastery_score=au.mastery_score,
    )  # never added to the database: it only shapes LMS.LaunchData
    store.put_document(
        "state",
        cmi5.LAUNCH_DATA,
        json.dumps(cmi5.launch_data(session, au, urls.return_url, parameters)).encode(),
        activity_id=au.activity_id,
        agent=actor,
        registration=registration,
    )
    credential, secret = store.create_credential(
        f"preview by {person.id} {registration}",
        LAUNCH_SCOPES,
        agent=actor,
        registration=registration,
        expires_at=utcnow() + PREVIEW_LIFETIME,
    )
    token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
    launch_urls = cmi5.LaunchUrls(
        endpoint=urls.endpoint,
        return_url=urls.return_url,
        fetch_url=urls.fetch_url,
        content_url=lambda path: urls.content_url(version_id, path),
    )
    url, _ = cmi5.launch_url(
        au,
        launch_urls,
        {
            "endpoint": urls.endpoint,
            "fetch": urls.fetch_url(_serializer().dumps(token)),
            "actor": json.dumps(actor, separators=(",", ":")),
            "registration": registration,
            "activityId": au.activity_id,
        },
    )
    return PreviewLaunch(au=au, url=url)


def fetch(signed: str) -> dict[str, str]:
    """The preview's fetch URL (cmi5 §8.2): the auth token, or the spec's error object."""
    try:
        token = _serializer().loads(signed, max_age=int(PREVIEW_LIFETIME.total_seconds()))
    except BadSignature:
        return {"error-code": "2", "error-text": "This preview has expired; open it again."}
    return {"auth-token": token}


def may_preview_files(person: Person, version: PackageVersion) -> bool:
    """A content access rule of lms.player.launch: whoever may see an agency's customization
    of a course may fetch its package's files, to preview it."""
    if not services.may_view(person):
        return False
    course = db.session.get(Course, version.course_id)
    return course is not None and content.customizable(course)
