"""Whether a person may launch a registration: decided here and nowhere else.

Every player view (SCORM, cmi5, Tin Can) asks `launchable(person, registration_id)` before it
launches anything or accepts runtime data. A later rule (an agency's customization of a course
not yet published, for one) joins with `add_launch_rule`. The content origin asks
`may_fetch_content(person, version)` before it serves a package version's file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from lms.accounts.models import Person
from lms.catalog import services as catalog
from lms.catalog.models import Course, Registration
from lms.db import db
from lms.packages.manifests import ParsedPackage
from lms.packages.models import PackageVersion
from lms.player.interfaces import LaunchRefused, RegistrationNotFound

# A rule returns why the person may not launch the registration, or None.
LaunchRule = Callable[[Person, Registration], str | None]
LAUNCHABLE_STATUSES = (catalog.ACTIVE, catalog.COMPLETED)
# Another area's reason to let a person fetch a package version's files (an agency
# administrator previewing the course they customize): True if it lets them.
ContentAccessRule = Callable[[Person, PackageVersion], bool]
_content_rules: list[ContentAccessRule] = []


@dataclass(frozen=True)
class Launchable:
    """A registration that may be launched, with the package version it is pinned to."""

    registration: Registration
    course: Course
    version: PackageVersion
    package: ParsedPackage


def _registration_is_open(person: Person, registration: Registration) -> str | None:
    if registration.status not in LAUNCHABLE_STATUSES:
        return f"You dropped {registration.course.title}; register again to take it."
    return None


def _still_eligible(person: Person, registration: Registration) -> str | None:
    return catalog.ineligibility(person, registration.course)


def _has_content(person: Person, registration: Registration) -> str | None:
    if registration.package_version_id is None:
        return f"{registration.course.title} has no course content yet."
    return None


_rules: list[LaunchRule] = [_registration_is_open, _still_eligible, _has_content]


def add_launch_rule(rule: LaunchRule) -> None:
    """Another area's reason to refuse a launch; rules run in the order they were added."""
    if rule not in _rules:
        _rules.append(rule)


def launch_refusal(person: Person, registration: Registration) -> str | None:
    """Why the person may not launch the registration now, or None if they may."""
    for rule in _rules:
        reason = rule(person, registration)
        if reason:
            return reason
    return None


def add_content_access_rule(rule: ContentAccessRule) -> None:
    """Another area's reason to let a person fetch a package version's files."""
    if rule not in _content_rules:
        _content_rules.append(rule)


def may_fetch_content(person: Person, version: PackageVersion) -> bool:
    """Whether the person may fetch the files of a package version (lms.packages.access checks
    it on every /content request): POST staff, who look at what they import, a learner whose
    registration is pinned to that version and still open (LAUNCHABLE_STATUSES), and whoever
    another area's rule lets (add_content_access_rule)."""
    if person.is_post_staff:
        return True
    if any(rule(person, version) for rule in _content_rules):
        return True
    found = db.session.scalar(
        select(Registration.id).where(
            Registration.person_id == person.id,
            Registration.package_version_id == version.id,
            Registration.status.in_(LAUNCHABLE_STATUSES),
        )
    )
    return found is not None


def registration_of(person: Person, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.person_id != person.id:
        raise RegistrationNotFound("No such registration.", "registration_id")
    return registration


def pinned_standard(person: Person, registration_id: int) -> str | None:
    """The standard of the package version the person's registration is pinned to, whether
    or not they may launch it now (a runtime request refused still answers in its standard's
    terms, docs/player-scorm.md "Commits"); None if it has no version yet."""
    registration = registration_of(person, registration_id)
    if registration.package_version_id is None:
        return None
    version = db.session.get(PackageVersion, registration.package_version_id)
    return version.standard if version else None


def launchable(person: Person, registration_id: int) -> Launchable:
    """The registration, its course and pinned package version, if the person may launch it;
    RegistrationNotFound if it is not theirs, LaunchRefused (saying why) if they may not."""
    registration = registration_of(person, registration_id)
    reason = launch_refusal(person, registration)
    if reason:
        raise LaunchRefused(reason, "registration_id")
    version = db.session.get(PackageVersion, registration.package_version_id)
    if version is None:
        raise LaunchRefused(f"{registration.course.title} has no course content yet.")
    return Launchable(
        registration=registration,
        course=registration.course,
        version=version,
        package=ParsedPackage.from_json(json.loads(version.parsed)),
    )
