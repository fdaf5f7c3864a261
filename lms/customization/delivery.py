"""How a customizable course gets its agency's published customization, and the rules that make
every record of it prove which policy the learner was trained on (docs/customization.md).

- The gate (`launch_refusal`, a launch rule of lms.player.launch): a learner may start the
  course only once their agency has published, and not while its customization needs review.
- The pin (`pinned_version`): the first launch of a registration pins it to the agency's live
  version; the registration finishes on that version whatever is published after.
- Delivery, through xAPI only: the version's feedback is an Activity Profile document of its own
  (activity `<course IRI>/feedback`, profile `<base>/xapi/profiles/feedback/customizations/<id>/
  versions/<n>`), written before the launch; the AU is told where it is, and where the policy PDF
  is, in the launchParameters of LMS.LaunchData (cmi5 §10.2.5):

      {"feedback": {"activityId": ..., "profileId": ...},
       "policy": {"url": ..., "title": ..., "sha256": ...},
       "customization": {"id": <version IRI>, "number": 3, "agency": "90001"}}

  The document is not the AU's own activity, so a launch credential, which may change only the
  launched activity's profile, can read it and never change it.
- The record (`context_extensions`, `check_statements`): LMS.LaunchData's contextTemplate carries
  the version and the policy's SHA-256 as context extensions, which cmi5 (§10.2.1) has the AU
  put in every statement it sends; the LRS refuses, from a launch credential of a pinned
  registration, a statement whose context names another version or policy, or none.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from lms.accounts.models import Agency, Person
from lms.catalog.models import Registration
from lms.customization import content, services
from lms.customization.interfaces import POLICY_EXTENSION, VERSION_EXTENSION
from lms.customization.models import Customization, CustomizationVersion, VersionPin
from lms.db import db, utcnow
from lms.player import identity, records
from lms.player.cmi5.structure import AssignableUnit
from lms.player.models import LaunchSession
from lrs.api import StatementWrite
from lrs.errors import Forbidden

ACTIVITY_PROFILE = "activity_profile"


def launch_refusal(person: Person, registration: Registration) -> str | None:
    """The gate: why the learner may not start the course now, or None."""
    course = registration.course
    if not content.customizable(course):
        return None
    if person.agency_id is None:
        return (
            f"{course.title} is taught with your agency's own pursuit policy, and your account "
            "belongs to no agency. Ask POST to add you to yours."
        )
    customization = db.session.scalar(
        select(Customization).where(
            Customization.agency_id == person.agency_id, Customization.course_id == course.id
        )
    )
    if customization is not None and customization.needs_review and customization.versions:
        return (
            f"{course.title} was updated by POST, and your agency's LP administrator is reviewing "
            "the agency's customization of it. You can start again once it is published."
        )
    if services.live_version(person.agency_id, course.id) is None:
        return (
            f"Your agency has not published its customization of {course.title} yet: the course "
            "teaches your agency's own pursuit policy. You can start once your agency's LP "
            "administrator publishes it."
        )
    return None


def pinned_version(registration: Registration) -> CustomizationVersion | None:
    """The version the registration runs on: the one it was pinned to, or (its first launch)
    its learner's agency's live version, pinned now."""
    pin = db.session.get(VersionPin, registration.id)
    if pin is not None:
        return pin.version
    if not content.customizable(registration.course):
        return None
    person = db.session.get(Person, registration.person_id)
    version = services.live_version(person.agency_id, registration.course_id)
    if version is None:
        return None
    db.session.add(
        VersionPin(registration_id=registration.id, version_id=version.id, pinned_at=utcnow())
    )
    db.session.flush()
    return version


def _extensions(customization_id: int, number: int, agency_number: str, sha256: str) -> dict:
    base = records.base_url().rstrip("/")
    version = {
        "id": f"{base}/customizations/{customization_id}/versions/{number}",
        "number": number,
        "agency": agency_number,
    }
    return {f"{base}{VERSION_EXTENSION}": version, f"{base}{POLICY_EXTENSION}": sha256}


def extensions_of(version: CustomizationVersion) -> dict[str, Any]:
    """The context extensions that name the version and its policy in a statement."""
    agency = db.session.get(Agency, version.customization.agency_id)
    return _extensions(
        version.customization_id, version.number, agency.agency_number, version.policy_sha256
    )


def policy_url(version: CustomizationVersion) -> str:
    """Where the version's policy PDF is, for the agency's learners (the portal's page)."""
    return f"{records.base_url().rstrip('/')}/agency/policies/{version.id}"


def launch_parameters(registration: Registration, au: AssignableUnit) -> str | None:
    """A launch-parameters source of lms.player.cmi5.services: for a customizable course, where
    its pinned version's feedback and policy are (the document written first if needed)."""
    version = pinned_version(registration)
    if version is None:
        return None
    base = records.base_url().rstrip("/")
    course_iri = identity.course_iri(registration.course, base)
    where = {
        "activityId": f"{course_iri}/feedback",
        "profileId": f"{base}/xapi/profiles/feedback/customizations/"
        f"{version.customization_id}/versions/{version.number}",
    }
    store = records.store()
    content_bytes = version.feedback.encode()
    held = store.get_document(ACTIVITY_PROFILE, where["profileId"], activity_id=where["activityId"])
    if held is None or held.content != content_bytes:
        store.put_document(
            ACTIVITY_PROFILE, where["profileId"], content_bytes, activity_id=where["activityId"]
        )
    extensions = extensions_of(version)
    parameters = {
        "feedback": where,
        "policy": {
            "url": policy_url(version),
            "title": f"your agency's vehicle pursuit policy ({version.policy_filename})",
            "sha256": version.policy_sha256,
        },
        "customization": extensions[f"{base}{VERSION_EXTENSION}"],
    }
    return json.dumps(parameters, separators=(",", ":"))


def context_extensions(registration: Registration, au: AssignableUnit) -> dict[str, Any] | None:
    """A context source of lms.player.cmi5.services: the version and policy every statement of
    the attempt carries (LMS.LaunchData's contextTemplate)."""
    version = pinned_version(registration)
    return extensions_of(version) if version is not None else None


def check_statements(write: StatementWrite) -> None:
    """An LRS statement check: a launch credential's statements for a pinned registration name
    its version and policy in their context, as the contextTemplate gave them (cmi5 §10.2.1)."""
    credential = write.credential
    if credential.registration is None or not write.statements:
        return
    row = write.connection.execute(
        select(
            CustomizationVersion.customization_id,
            CustomizationVersion.number,
            CustomizationVersion.policy_sha256,
            Agency.agency_number,
        )
        .join(VersionPin, VersionPin.version_id == CustomizationVersion.id)
        .join(LaunchSession, LaunchSession.registration_id == VersionPin.registration_id)
        .join(Customization, Customization.id == CustomizationVersion.customization_id)
        .join(Agency, Agency.id == Customization.agency_id)
        .where(LaunchSession.credential_key == credential.key)
        .limit(1)
    ).first()
    if row is None:
        return
    expected = _extensions(row.customization_id, row.number, row.agency_number, row.policy_sha256)
    for statement in write.statements:
        extensions = (statement.get("context") or {}).get("extensions") or {}
        for key, value in expected.items():
            if extensions.get(key) != value:
                raise Forbidden(
                    f"context.extensions: every statement of this attempt carries {key} as "
                    "LMS.LaunchData's contextTemplate gives it (cmi5 §10.2.1); this one "
                    + ("names another." if key in extensions else "has none.")
                )
