"""The agency's record of its learners' pursuit training (VC 17004.7): who completed the course,
and who certified having received, read and understood which version of the agency's policy,
with the dates, read from the registrations, the pins and the certification statements in the
LRS (the record the statements themselves prove)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from sqlalchemy import select

from lms.accounts.interfaces import Role
from lms.accounts.models import Person, SubAffiliation
from lms.catalog.models import Registration
from lms.customization import services
from lms.customization.interfaces import (
    CERTIFICATION_VERB,
    VERSION_EXTENSION,
    CustomizationNotFound,
)
from lms.customization.models import VersionPin
from lms.db import db
from lms.player import records
from lms.player.models import NodeStatus
from lms.spreadsheets import safe_cell
from lrs.api import StatementQuery

LEARNER_ROLES = (Role.PEACE_OFFICER, Role.DISPATCHER)
CSV_COLUMNS = (
    "Last name",
    "First name",
    "POST-ID",
    "Sub-affiliation",
    "Status",
    "Started on version",
    "Completed",
    "Certified",
    "Certified version",
    "Policy SHA-256",
)


@dataclass(frozen=True)
class RecordRow:
    person: Person
    sub_affiliation: str
    status: str  # not registered | registered | completed | dropped
    started_version: int | None
    completed_at: dt.datetime | None
    certified_at: dt.datetime | None
    certified_version: int | None
    policy_sha256: str | None


def _sub_affiliation_ids(agency_id: int, root_id: int) -> set[int]:
    everyone = db.session.scalars(
        select(SubAffiliation).where(SubAffiliation.agency_id == agency_id)
    ).all()
    if root_id not in {s.id for s in everyone}:
        raise CustomizationNotFound("No such sub-affiliation in your agency.", "sub_affiliation")
    wanted, grew = {root_id}, True
    while grew:
        more = {s.id for s in everyone if s.parent_id in wanted} - wanted
        wanted |= more
        grew = bool(more)
    return wanted


def _certification(registration: Registration) -> tuple[dt.datetime, int | None, str | None] | None:
    """(when, version number, policy SHA-256) of the registration's latest certification."""
    page = records.store().query(
        StatementQuery(registration=registration.uuid, verb=CERTIFICATION_VERB, limit=1)
    )
    if not page.statements:
        return None
    statement = page.statements[0]
    base = records.base_url().rstrip("/")
    extensions = (statement.get("context") or {}).get("extensions") or {}
    version = extensions.get(f"{base}{VERSION_EXTENSION}") or {}
    sha = next((v for k, v in extensions.items() if k.endswith("/policy-sha256")), None)
    when = dt.datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
    number = version.get("number") if isinstance(version, dict) else None
    return when, number if isinstance(number, int) else None, sha if isinstance(sha, str) else None


def agency_record(
    person: Person, course_id: int, sub_affiliation_id: int | None = None
) -> list[RecordRow]:
    """Every officer and dispatcher of the person's agency (of a sub-affiliation and those under
    it, if named) and where they stand in the course, by name."""
    place = services.workspace(person, course_id)
    people_query = select(Person).where(Person.agency_id == person.agency_id)
    if sub_affiliation_id is not None:
        people_query = people_query.where(
            Person.sub_affiliation_id.in_(
                _sub_affiliation_ids(person.agency_id, sub_affiliation_id)
            )
        )
    people = db.session.scalars(people_query.order_by(Person.last_name, Person.first_name)).all()
    registrations = {
        r.person_id: r
        for r in db.session.scalars(
            select(Registration)
            .where(Registration.course_id == place.course.id)
            .where(Registration.person_id.in_([p.id for p in people]))
            .order_by(Registration.registered_at)
        )
    }  # the latest registration of each person wins
    rows = []
    for someone in people:
        registration = registrations.get(someone.id)
        if registration is None and not someone.has_role(*LEARNER_ROLES):
            continue
        rows.append(_row(someone, registration))
    return rows


def _row(person: Person, registration: Registration | None) -> RecordRow:
    sub = person.sub_affiliation.name if person.sub_affiliation else ""
    if registration is None:
        return RecordRow(person, sub, "not registered", None, None, None, None, None)
    pin = db.session.get(VersionPin, registration.id)
    course_node = db.session.scalar(
        select(NodeStatus).where(
            NodeStatus.registration_id == registration.id, NodeStatus.kind == "course"
        )
    )
    completed = course_node.satisfied_at if course_node is not None else None
    certified = _certification(registration)
    status = "completed" if completed else registration.status
    if status == "active":
        status = "in progress" if pin is not None else "registered"
    return RecordRow(
        person=person,
        sub_affiliation=sub,
        status=status,
        started_version=pin.version.number if pin is not None else None,
        completed_at=completed,
        certified_at=certified[0] if certified else None,
        certified_version=certified[1] if certified else None,
        policy_sha256=certified[2] if certified else None,
    )


def _date(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def record_csv(rows: list[RecordRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                safe_cell(row.person.last_name),
                safe_cell(row.person.first_name),
                row.person.post_id or "",
                safe_cell(row.sub_affiliation),
                row.status,
                row.started_version or "",
                _date(row.completed_at),
                _date(row.certified_at),
                row.certified_version or "",
                row.policy_sha256 or "",
            ]
        )
    return out.getvalue()
