"""A learner's registration in a cmi5 course: its course structure, where each AU, block and
the course stand, the moveOn evaluation at registration (cmi5 §9.6.1) and waivers (§9.3.7).

The satisfied and waived statements go through `lms.player.records`; the checks (inside the
LRS's statement transaction) record them in the node statuses, and refuse a second one.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from lms.catalog.models import Registration
from lms.db import db
from lms.packages.manifests import ParsedPackage
from lms.packages.models import PackageVersion
from lms.player import identity, records
from lms.player.cmi5 import moveon
from lms.player.cmi5 import statements as xapi
from lms.player.cmi5.interfaces import (
    AlreadySatisfied,
    AlreadyWaived,
    AUNotFound,
    InvalidWaiveReason,
    NotACmi5Course,
)
from lms.player.cmi5.structure import (
    AU,
    BLOCK_TYPE,
    COURSE,
    COURSE_TYPE,
    AssignableUnit,
    CourseStructure,
)
from lms.player.interfaces import RegistrationNotFound
from lms.player.launch import Launchable
from lms.player.models import CMI5, LaunchSession, NodeStatus
from lms.player.sessions import learner_actor
from lrs.errors import Forbidden


@dataclass(frozen=True)
class AUProgress:
    au: AssignableUnit
    state: str  # not started, in progress, completed, passed, failed, completed and passed, waived
    satisfied: bool
    sessions: int


@dataclass(frozen=True)
class CourseProgress:
    structure: CourseStructure
    aus: dict[str, AUProgress]
    satisfied: set[str]  # the blocks and the course (publisher ids) recorded as satisfied

    @property
    def course_satisfied(self) -> bool:
        return self.structure.id in self.satisfied


# Parsed course structures by package version (its id and its files' folder, unique to the
# import) and course IRI: a version never changes.
_structures: dict[tuple[int, str, str], CourseStructure] = {}


def structure_of(version: PackageVersion, course_iri: str) -> CourseStructure:
    key = (version.id, version.content_prefix, course_iri)
    found = _structures.get(key)
    if found is None:
        package = ParsedPackage.from_json(json.loads(version.parsed))
        if package.standard != CMI5:
            raise NotACmi5Course("This course is not a cmi5 course.", "registration_id")
        if len(_structures) > 256:
            _structures.clear()
        found = _structures[key] = CourseStructure.from_package(package, course_iri)
    return found


def registration_structure(registration: Registration) -> CourseStructure:
    version = db.session.get(PackageVersion, registration.package_version_id)
    if version is None:
        raise NotACmi5Course("This registration has no course content.", "registration_id")
    return structure_of(version, identity.course_iri(registration.course, records.base_url()))


def _statuses(registration_id: int) -> dict[str, NodeStatus]:
    rows = db.session.scalars(
        select(NodeStatus).where(NodeStatus.registration_id == registration_id)
    )
    return {row.node_id: row for row in rows}


def au_results(statuses: dict[str, NodeStatus]) -> dict[str, moveon.AUResult]:
    return {
        node_id: moveon.AUResult(
            completed=row.completed_at is not None,
            passed=row.passed_at is not None,
            waived=row.waived_at is not None,
        )
        for node_id, row in statuses.items()
        if row.kind == AU
    }


def satisfied_nodes(statuses: dict[str, NodeStatus]) -> set[str]:
    return {node_id for node_id, row in statuses.items() if row.kind != AU and row.satisfied_at}


def _state(row: NodeStatus | None, sessions: int) -> str:
    if row is not None and row.waived_at:
        return "waived"
    if row is not None and row.completed_at and row.passed_at:
        return "completed and passed"
    for column, name in (
        ("passed_at", "passed"),
        ("completed_at", "completed"),
        ("failed_at", "failed"),
    ):
        if row is not None and getattr(row, column):
            return name
    return "in progress" if sessions else "not started"


def progress(launchable: Launchable) -> CourseProgress:
    """Where the learner stands in each AU, block and the course."""
    structure = registration_structure(launchable.registration)
    statuses = _statuses(launchable.registration.id)
    satisfied = moveon.satisfied_aus(structure, au_results(statuses))
    counts = dict(
        db.session.execute(
            select(LaunchSession.au_id, func.count())
            .where(
                LaunchSession.registration_id == launchable.registration.id,
                LaunchSession.launched_at.is_not(None),
            )
            .group_by(LaunchSession.au_id)
        ).all()
    )
    aus = {
        au.id: AUProgress(
            au=au,
            state=_state(statuses.get(au.id), counts.get(au.id, 0)),
            satisfied=au.id in satisfied,
            sessions=counts.get(au.id, 0),
        )
        for au in structure.aus
    }
    return CourseProgress(structure, aus, satisfied_nodes(statuses))


def satisfied_statements(
    registration: Registration,
    structure: CourseStructure,
    statuses: dict[str, NodeStatus],
    session_id: str,
    actor: dict[str, Any],
) -> list[dict[str, Any]]:
    """The satisfied statements (§9.3.9) of the blocks and the course that the node statuses
    now satisfy and that were not satisfied before, inner blocks first, the course last."""
    found = moveon.newly_satisfied(
        structure, moveon.satisfied_aus(structure, au_results(statuses)), satisfied_nodes(statuses)
    )
    return [
        xapi.satisfied(
            actor=actor,
            registration=registration.uuid,
            activity_id=node.activity_id,
            activity_type=COURSE_TYPE if kind == COURSE else BLOCK_TYPE,
            publisher_id=node.id,
            session_id=session_id,
            title=node.title,
        )
        for kind, node in found
    ]


def on_registered(registration: Registration) -> None:
    """The catalog's registration hook: cmi5 evaluates moveOn at registration (§9.6.1), so a
    course whose AUs need no launch is satisfied at once."""
    version = db.session.get(PackageVersion, registration.package_version_id or 0)
    if version is not None and version.standard == CMI5:
        evaluate_registration(registration)


def evaluate_registration(registration: Registration) -> int:
    """§9.6.1: moveOn is evaluated at registration: blocks and the course whose AUs are all
    satisfied without a launch (NotApplicable) are satisfied now, outside any AU session (so
    under a session id of their own, §9.3.9). Also records any satisfied statement a crash
    left out. Returns how many were recorded."""
    found = satisfied_statements(
        registration,
        registration_structure(registration),
        _statuses(registration.id),
        str(uuid.uuid4()),
        learner_actor(registration),
    )
    if not found:
        return 0
    try:
        records.record(found)
    except Forbidden:
        return 0  # another request recorded them a moment ago (checks refuse a second)
    return len(found)


def registration_by_uuid(registration_uuid: str) -> Registration:
    registration = db.session.scalar(
        select(Registration).where(Registration.uuid == registration_uuid.strip().lower())
    )
    if registration is None:
        raise RegistrationNotFound(
            f"registration: no registration {registration_uuid}.", "registration"
        )
    return registration


def waive(registration: Registration, au_id: str, reason: str) -> None:
    """§9.3.7: the AU's requirements are met by other means. The waived statement has a
    session id of its own; the checks record the waiver and add the satisfied statements it
    brings, under that session id."""
    if reason not in xapi.WAIVE_REASONS:
        raise InvalidWaiveReason(
            f"reason: one of {', '.join(xapi.WAIVE_REASONS)}, not {reason!r}.", "reason"
        )
    structure = registration_structure(registration)
    au = structure.au_by_id(au_id)
    if au is None:
        raise AUNotFound(f"au_id: the course has no AU {au_id}.", "au_id")
    status = _statuses(registration.id).get(au.id)
    if status is not None and status.waived_at:
        raise AlreadyWaived(f"au_id: {au.title} was waived already.", "au_id")
    if au.id in moveon.satisfied_aus(structure, au_results(_statuses(registration.id))):
        raise AlreadySatisfied(f"au_id: {au.title} has met its moveOn already.", "au_id")
    statement = xapi.waived(
        actor=learner_actor(registration),
        registration=registration.uuid,
        activity_id=au.activity_id,
        publisher_id=au.id,
        session_id=str(uuid.uuid4()),
        reason=reason,
    )
    try:
        records.record([statement])
    except Forbidden as refused:
        raise AlreadyWaived(f"au_id: {refused.message}", "au_id") from None
