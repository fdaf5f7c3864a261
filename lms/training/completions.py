"""Whether a registration's course is completed, when, and with what CPT: one answer for the
dashboard (and anything else that lists a learner's courses).

A certified course (credit rule automatic, recorded or roster) is completed in a registration
when the bridge has made a CPT entry for that person and course from a completion at or after the
registration began: the entry is the bridge's own judgement under the course's standard and
credit rule (docs/training.md), so the dashboard agrees with the Training Profile, and voiding
the completion moves the course back to Active. A course that gives no CPT (no certification, or
resource only) is completed by the player's own record of the registration, per standard:

- SCORM 1.2 and 2004: the course's rolled-up status (`SequencingState`, SN RB.1 for 2004, the
  LMS's rule for 1.2) is completed, or passed where the course is completed by passing; its date
  is that of the player's `completed`/`passed` statement about the course (xAPI SCORM Profile §7);
- cmi5: the course is satisfied in the registration (cmi5 §9.3.9);
- Tin Can: the launched activity was completed (or passed), by verb or by result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select

from lms.catalog.interfaces import Completion, CreditRule
from lms.catalog.models import Registration
from lms.db import db
from lms.packages.models import PackageVersion
from lms.player import identity, records
from lms.player.cmi5.structure import COURSE
from lms.player.models import NodeStatus
from lms.player.scorm.models import SequencingState
from lms.training.cycles import completion_date
from lms.training.models import CptEntry
from lrs.api import StatementQuery

SCORM_STANDARDS = ("scorm12", "scorm2004")
TIN_CAN_ACTIVITY = "activity"  # the NodeStatus kind of a Tin Can package's launched activity
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"


@dataclass(frozen=True)
class RegistrationCompletion:
    completed_at: dt.datetime
    # The CPT hours the completion is credited on the profile (0 for a repeat in the cycle or a
    # course recorded without CPT); None for a course that gives no CPT entry at all.
    cpt_hours: Decimal | None

    @property
    def completed_on(self) -> dt.date:
        """The day, in California, as on the Training Profile."""
        return completion_date(self.completed_at)


@dataclass(frozen=True)
class LearnerCourses:
    active: list[Registration]
    completed: list[tuple[Registration, RegistrationCompletion]]


def gives_cpt_entry(registration: Registration) -> bool:
    certification = registration.course.certification
    return certification is not None and certification.credit_rule != CreditRule.RESOURCE


def completions(registrations: Iterable[Registration]) -> dict[int, RegistrationCompletion]:
    """The completion of each completed registration, by registration id (one query per kind
    of record, whatever the number of registrations)."""
    registrations = list(registrations)
    found: dict[int, RegistrationCompletion] = {}
    certified = [r for r in registrations if gives_cpt_entry(r)]
    found.update(_by_cpt_entry(certified))
    others = [r for r in registrations if not gives_cpt_entry(r)]
    standards = _standards(others)
    by_standard: dict[str, list[Registration]] = {}
    for registration in others:
        standard = standards.get(registration.package_version_id)
        by_standard.setdefault(standard or "", []).append(registration)
    found.update(
        _by_scorm_status(by_standard.get("scorm12", []) + by_standard.get("scorm2004", []))
    )
    found.update(_cmi5_satisfied(by_standard.get("cmi5", [])))
    found.update(_tin_can_completed(by_standard.get("tincan", [])))
    return found


def completion_of(registration: Registration) -> RegistrationCompletion | None:
    """Whether this registration's course is completed, when, and with what CPT."""
    return completions([registration]).get(registration.id)


def learner_courses(active: list[Registration], ended: list[Registration]) -> LearnerCourses:
    """The learner's active registrations split into those still to do and those completed
    (newest first), with the registrations already closed as completed added to the latter."""
    done = completions(active)
    completed = [(r, done[r.id]) for r in active if r.id in done]
    completed += [(r, RegistrationCompletion(r.ended_at or r.registered_at, None)) for r in ended]
    completed.sort(key=lambda pair: pair[1].completed_at, reverse=True)
    return LearnerCourses([r for r in active if r.id not in done], completed)


def _by_cpt_entry(registrations: list[Registration]) -> dict[int, RegistrationCompletion]:
    if not registrations:
        return {}
    person_ids = {r.person_id for r in registrations}
    course_ids = {r.course_id for r in registrations}
    entries = db.session.execute(
        select(
            CptEntry.person_id, CptEntry.course_id, CptEntry.completed_at, CptEntry.credited_hours
        )
        .where(CptEntry.person_id.in_(person_ids), CptEntry.course_id.in_(course_ids))
        .order_by(CptEntry.completed_at, CptEntry.statement_id)
    ).all()
    by_pair: dict[tuple[int, int], list[Any]] = {}
    for entry in entries:
        by_pair.setdefault((entry.person_id, entry.course_id), []).append(entry)
    found = {}
    for registration in registrations:
        during = [
            entry
            for entry in by_pair.get((registration.person_id, registration.course_id), [])
            if entry.completed_at >= registration.registered_at
        ]
        if during:  # the earliest: entries are in completion order
            found[registration.id] = RegistrationCompletion(
                during[0].completed_at, during[0].credited_hours
            )
    return found


def _standards(registrations: list[Registration]) -> dict[int | None, str]:
    ids = {r.package_version_id for r in registrations if r.package_version_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(PackageVersion.id, PackageVersion.standard).where(PackageVersion.id.in_(ids))
    )
    return {version_id: standard for version_id, standard in rows}


def _by_passing(registration: Registration) -> bool:
    certification = registration.course.certification
    return certification is not None and certification.completion == Completion.PASSED


def _by_scorm_status(registrations: list[Registration]) -> dict[int, RegistrationCompletion]:
    if not registrations:
        return {}
    states = {
        state.registration_id: state
        for state in db.session.scalars(
            select(SequencingState).where(
                SequencingState.registration_id.in_([r.id for r in registrations])
            )
        )
    }
    found = {}
    for registration in registrations:
        state = states.get(registration.id)
        if state is None:
            continue
        if _by_passing(registration):
            done, verb = state.course_success == "passed", "passed"
        else:
            done, verb = state.course_completion == "completed", "completed"
        if done:
            moment = _course_statement_time(registration, verb) or state.updated_at
            found[registration.id] = RegistrationCompletion(moment, None)
    return found


def _course_statement_time(registration: Registration, verb: str) -> dt.datetime | None:
    """When the player's statement about the course said so (its earliest in the registration),
    or None if it has not reached the LRS yet."""
    page = current_app.extensions["lrs"].query(
        StatementQuery(
            registration=registration.uuid,
            verb=ADL_VERBS + verb,
            activity=identity.course_iri(registration.course, records.base_url()),
            ascending=True,
            limit=1,
        )
    )
    if not page.statements:
        return None
    moment = dt.datetime.fromisoformat(page.statements[0]["timestamp"].replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _cmi5_satisfied(registrations: list[Registration]) -> dict[int, RegistrationCompletion]:
    return _by_node(registrations, COURSE, lambda registration, node: node.satisfied_at)


def _tin_can_completed(registrations: list[Registration]) -> dict[int, RegistrationCompletion]:
    def moment(registration: Registration, node: NodeStatus) -> dt.datetime | None:
        return node.passed_at if _by_passing(registration) else node.completed_at

    return _by_node(registrations, TIN_CAN_ACTIVITY, moment)


def _by_node(
    registrations: list[Registration],
    kind: str,
    moment_of: Callable[[Registration, NodeStatus], dt.datetime | None],
) -> dict[int, RegistrationCompletion]:
    """The earliest moment `moment_of` finds among the registration's node records of `kind`."""
    if not registrations:
        return {}
    by_id = {r.id: r for r in registrations}
    nodes = db.session.scalars(
        select(NodeStatus).where(NodeStatus.registration_id.in_(by_id), NodeStatus.kind == kind)
    )
    earliest: dict[int, dt.datetime] = {}
    for node in nodes:
        moment = moment_of(by_id[node.registration_id], node)
        if moment is not None and (
            node.registration_id not in earliest or moment < earliest[node.registration_id]
        ):
            earliest[node.registration_id] = moment
    return {rid: RegistrationCompletion(moment, None) for rid, moment in earliest.items()}
