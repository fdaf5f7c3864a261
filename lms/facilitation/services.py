"""The rules of facilitated courses (docs/facilitation.md): presentations and their Course
Control Numbers, who may be shown a facilitated course, and rosters.

A roster is checked line by line and writes nothing while any line is wrong. Submitting it
records one `attended` statement per attendee in the LRS under the agency's roster credential
(the agency is the statements' authority, the facilitator their instructor, the presentation's
Course Control Number in their context), and the bridge turns them into CPT like any other
statement. A correction voids the changed lines' statements and records new ones; the roster
keeps every line and event.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person
from lms.catalog.interfaces import Delivery
from lms.catalog.models import Course
from lms.db import db, utcnow
from lms.facilitation import materials
from lms.facilitation.interfaces import (
    ATTENDED,
    COURSE_CONTROL_EXTENSION,
    LATE_REQUEST_DAYS,
    ROSTER_CREDENTIAL_PREFIX,
    VOIDED,
    FacilitationNotFound,
    LineError,
    PresentationRefused,
    RosterRefused,
)
from lms.facilitation.models import (
    FacilitatedAccess,
    Presentation,
    Roster,
    RosterEvent,
    RosterLine,
)
from lms.packages.models import PackageVersion
from lms.player import identity, records

POST_ID = re.compile(r"^[A-Z]\d{2}-\d{3}-\d{3}$")
MANAGERS = (Role.TRAINING_MANAGER, Role.LP_ADMINISTRATOR)
MAX_ROSTER_LINES = 500


# --- presentations ------------------------------------------------------------------------


def fiscal_year(day: dt.date) -> int:
    """The state fiscal year (July to June) a day falls in, by the two digits of the year it
    ends: 1 July 2026 to 30 June 2027 is 27."""
    return (day.year + 1 if day.month >= 7 else day.year) % 100


def course_control_number(presentation: Presentation) -> str:
    """Certification number, fiscal year (2 digits), presentation number (3): 1850-21796-27001."""
    course = db.session.get(Course, presentation.course_id)
    return (
        f"{course.certification.certification_number}-"
        f"{presentation.fiscal_year:02d}{presentation.number:03d}"
    )


def manages(person: Person) -> bool:
    return person.agency_id is not None and person.has_role(*MANAGERS)


def schedule(
    person: Person,
    course_id: int,
    starts_on: dt.date,
    ends_on: dt.date,
    *,
    location: str = "",
    facilitated_at_agency: bool = False,
    today: dt.date | None = None,
) -> Presentation:
    """A presentation of a certified course by the person's agency; its number is the next of
    the course's fiscal year. Requested fewer than 30 days before it starts: flagged."""
    if not manages(person):
        raise FacilitationNotFound("No such course to present.", "course_id")
    course = db.session.get(Course, course_id)
    if course is None or course.certification is None:
        raise FacilitationNotFound("Only a certified course can be presented.", "course_id")
    if ends_on < starts_on:
        raise PresentationRefused("The presentation ends before it starts.", "ends_on")
    if not facilitated_at_agency and not location.strip():
        raise PresentationRefused(
            "Give the location, or say that it is facilitated at the agency.", "location"
        )
    year = fiscal_year(starts_on)
    taken = db.session.scalars(
        select(Presentation.number).where(
            Presentation.course_id == course.id, Presentation.fiscal_year == year
        )
    ).all()
    number = max(taken, default=0) + 1
    if number > 999:
        raise PresentationRefused("The course has 999 presentations this fiscal year.", "starts_on")
    today = today or utcnow().date()
    presentation = Presentation(
        course_id=course.id,
        agency_id=person.agency_id,
        fiscal_year=year,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        location=location.strip()[:200],
        facilitated_at_agency=facilitated_at_agency,
        requested_at=utcnow(),
        requested_by_id=person.id,
        late_request=(starts_on - today).days < LATE_REQUEST_DAYS,
    )
    db.session.add(presentation)
    db.session.flush()
    return presentation


def presentation_of(person: Person, presentation_id: int) -> Presentation:
    """The presentation, if it is the person's agency's and they manage its training."""
    presentation = db.session.get(Presentation, presentation_id)
    if presentation is None or not manages(person) or presentation.agency_id != person.agency_id:
        raise FacilitationNotFound("No such presentation.", "presentation_id")
    return presentation


def presentations(person: Person) -> list[Presentation]:
    if not manages(person):
        return []
    return list(
        db.session.scalars(
            select(Presentation)
            .where(Presentation.agency_id == person.agency_id)
            .order_by(Presentation.starts_on.desc(), Presentation.id.desc())
        )
    )


# --- who may be shown a facilitated course -------------------------------------------------


def grant_access(
    manager: Person,
    course_id: int,
    person_ids: list[int] | None = None,
    sub_affiliation_id: int | None = None,
) -> int:
    """Give chosen people of the manager's agency (or everyone of a sub-affiliation) access to
    a facilitated course; how many were given it now."""
    if not manages(manager):
        raise FacilitationNotFound("No such course.", "course_id")
    course = db.session.get(Course, course_id)
    if course is None or not facilitated(course):
        raise FacilitationNotFound("No such facilitated course.", "course_id")
    query = select(Person).where(Person.agency_id == manager.agency_id)
    if sub_affiliation_id is not None:
        query = query.where(Person.sub_affiliation_id == sub_affiliation_id)
    else:
        query = query.where(Person.id.in_(person_ids or []))
    people = db.session.scalars(query).all()
    held = set(
        db.session.scalars(
            select(FacilitatedAccess.person_id).where(FacilitatedAccess.course_id == course.id)
        )
    )
    given = 0
    for person in people:
        if person.id not in held:
            db.session.add(
                FacilitatedAccess(
                    course_id=course.id, person_id=person.id, granted_by_id=manager.id
                )
            )
            given += 1
    db.session.flush()
    return given


def facilitated(course: Course) -> bool:
    """A course an agency may show a group: a facilitated course, or one whose bundled folder
    names facilitation materials (a distance course also offered facilitated)."""
    return course.delivery == Delivery.FACILITATED or materials.materials(course) is not None


def facilitated_courses() -> list[Course]:
    found = db.session.scalars(
        select(Course).where(Course.published.is_(True)).order_by(Course.title)
    )
    return [course for course in found if course.certification is not None and facilitated(course)]


def may_fetch_materials(person: Person, version: PackageVersion) -> bool:
    """A content access rule of lms.player.launch: a facilitator (the agency's training
    manager or LP administrator) and the people given access may fetch a facilitated course's
    files, to show its video and materials."""
    course = db.session.get(Course, version.course_id)
    if course is None or not facilitated(course):
        return False
    return manages(person) or has_access(person, course.id)


def has_access(person: Person, course_id: int) -> bool:
    return (
        db.session.scalar(
            select(FacilitatedAccess.id).where(
                FacilitatedAccess.course_id == course_id, FacilitatedAccess.person_id == person.id
            )
        )
        is not None
    )


# --- rosters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line as the facilitator entered it: a POST-ID, and the date and hours if given."""

    line: int
    post_id: str
    attended_on: str = ""
    hours: str = ""


@dataclass(frozen=True)
class Checked:
    line: int
    person: Person
    attended_on: dt.date
    hours: Decimal


def pasted(text: str) -> list[Entry]:
    """Lines of POST-IDs, each optionally followed by the date and the hours (comma, tab or
    spaces between): `B12-345-678, 2026-11-20, 2`. Blank lines are skipped (but counted)."""
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        parts = [p for p in re.split(r"[,\t;]|\s+", raw.strip()) if p]
        if parts:
            entries.append(Entry(number, parts[0], *(parts[1:3])))
    return entries


def from_csv(data: bytes) -> list[Entry]:
    """A CSV with a header: post_id, and optionally date and hours. Lines are numbered as the
    file's rows (the header is line 1)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterRefused(
            [LineError(1, "the file is not UTF-8 text (save it as CSV UTF-8)")], "csv"
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    fields = {name.strip().lower(): name for name in reader.fieldnames or []}
    if "post_id" not in fields:
        raise RosterRefused([LineError(1, "the header needs a post_id column")], "csv")
    entries = []
    for row in reader:
        number = reader.line_num  # the file's line, blank lines counted
        post_id = (row.get(fields["post_id"]) or "").strip()
        if not post_id and not any((v or "").strip() for v in row.values()):
            continue
        entries.append(
            Entry(
                number,
                post_id,
                (row.get(fields.get("date", ""), "") or "").strip(),
                (row.get(fields.get("hours", ""), "") or "").strip(),
            )
        )
    return entries


def check_roster(
    presentation: Presentation,
    entries: list[Entry],
    default_date: dt.date | None,
    default_hours: Decimal | None,
    today: dt.date | None = None,
    roster_id: int | None = None,
) -> list[Checked]:
    """Every line checked; RosterRefused with every line's error if any is wrong. `roster_id`:
    the roster being corrected (its own lines are not "another roster")."""
    today = today or utcnow().date()
    course = db.session.get(Course, presentation.course_id)
    certified = course.certification.cpt_hours
    errors: list[LineError] = []
    if not entries:
        raise RosterRefused([LineError(1, "the roster has no attendees")])
    if len(entries) > MAX_ROSTER_LINES:
        raise RosterRefused(
            [LineError(MAX_ROSTER_LINES + 1, f"a roster has at most {MAX_ROSTER_LINES} attendees")]
        )
    seen: dict[str, int] = {}
    checked = []
    on_other_rosters = set(
        db.session.scalars(
            select(RosterLine.person_id)
            .join(Roster, Roster.id == RosterLine.roster_id)
            .where(
                Roster.presentation_id == presentation.id,
                Roster.id != (roster_id or 0),
                RosterLine.voided_at.is_(None),
            )
        )
    )
    for entry in entries:
        post_id = entry.post_id.strip().upper()
        wrong = lambda message, line=entry.line: errors.append(LineError(line, message))  # noqa: E731
        if not POST_ID.match(post_id):
            wrong(f"{entry.post_id[:20]!r} is not a POST-ID (a letter and 8 digits: B12-345-678)")
            continue
        if post_id in seen:
            wrong(f"{post_id} is already on line {seen[post_id]}")
            continue
        seen[post_id] = entry.line
        person = db.session.scalar(select(Person).where(Person.post_id == post_id))
        if person is None:
            wrong(f"no one has the POST-ID {post_id}")
            continue
        if person.agency_id != presentation.agency_id:
            wrong(f"{post_id} is not a person of your agency")
            continue
        if person.id in on_other_rosters:
            wrong(f"{post_id} is already on another roster of this presentation")
            continue
        try:
            day = dt.date.fromisoformat(entry.attended_on) if entry.attended_on else default_date
        except ValueError:
            wrong(f"{entry.attended_on[:20]!r} is not a date (YYYY-MM-DD)")
            continue
        if day is None:
            wrong("give the date attended")
            continue
        if day > today:
            wrong(f"{day.isoformat()} is in the future")
            continue
        if not presentation.starts_on <= day <= presentation.ends_on:
            wrong(
                f"{day.isoformat()} is outside the presentation "
                f"({presentation.starts_on.isoformat()} to {presentation.ends_on.isoformat()})"
            )
            continue
        try:
            hours = Decimal(entry.hours) if entry.hours else default_hours
        except InvalidOperation:
            wrong(f"{entry.hours[:20]!r} is not a number of hours")
            continue
        if hours is None or not hours.is_finite() or hours <= 0:
            wrong("give the hours attended (more than 0)")
            continue
        if hours > certified:
            wrong(f"{hours} hours is more than the course's certified {certified} hours")
            continue
        checked.append(Checked(entry.line, person, day, hours.quantize(Decimal("0.01"))))
    if errors:
        raise RosterRefused(errors)
    return checked


def _roster_credential(agency_id: int) -> object:
    agency = db.session.get(Agency, agency_id)
    return records.store().system_credential(
        f"{ROSTER_CREDENTIAL_PREFIX}{agency_id}", f"Rosters of {agency.name}"
    )


def _hours_duration(hours: Decimal) -> str:
    return f"PT{hours.normalize():f}H"


def _attended(line: RosterLine, presentation: Presentation, facilitator: Person) -> dict:
    base = records.base_url().rstrip("/")
    person = db.session.get(Person, line.person_id)
    course = db.session.get(Course, presentation.course_id)
    moment = dt.datetime.combine(line.attended_on, dt.time(12), tzinfo=dt.UTC)
    return {
        "id": line.statement_id,
        "actor": identity.actor(person, base),
        "verb": {"id": ATTENDED, "display": {"en-US": "attended"}},
        "object": {
            "objectType": "Activity",
            "id": identity.course_iri(course, base),
            "definition": {"name": {"en-US": course.title}},
        },
        "result": {"completion": True, "duration": _hours_duration(line.hours)},
        "context": {
            "instructor": identity.actor(facilitator, base),
            "extensions": {
                f"{base}{COURSE_CONTROL_EXTENSION}": course_control_number(presentation)
            },
        },
        "timestamp": moment.isoformat().replace("+00:00", "Z"),
    }


def _record(statements: list[dict], agency_id: int) -> None:
    if statements:
        records.store().record(statements, _roster_credential(agency_id))


def _event(roster: Roster, person: Person, action: str, reason: str, details: object) -> None:
    db.session.add(
        RosterEvent(
            roster_id=roster.id,
            action=action,
            at=utcnow(),
            by_id=person.id,
            by_name=person.full_name,
            reason=reason,
            details=json.dumps(details, default=str),
        )
    )


def submit_roster(
    facilitator: Person,
    presentation_id: int,
    entries: list[Entry],
    default_date: dt.date | None = None,
    default_hours: Decimal | None = None,
    today: dt.date | None = None,
) -> Roster:
    """Check the roster and, if every line is right, keep it and record its statements."""
    presentation = presentation_of(facilitator, presentation_id)
    checked = check_roster(presentation, entries, default_date, default_hours, today)
    roster = Roster(
        presentation_id=presentation.id, facilitator_id=facilitator.id, submitted_at=utcnow()
    )
    db.session.add(roster)
    db.session.flush()
    lines = [_line(roster, c) for c in checked]
    _event(
        roster,
        facilitator,
        "submitted",
        "",
        [(kept.post_id, kept.attended_on, kept.hours) for kept in lines],
    )
    db.session.flush()
    _record([_attended(kept, presentation, facilitator) for kept in lines], presentation.agency_id)
    return roster


def _line(roster: Roster, checked: Checked) -> RosterLine:
    line = RosterLine(
        roster_id=roster.id,
        person_id=checked.person.id,
        post_id=checked.person.post_id,
        attended_on=checked.attended_on,
        hours=checked.hours,
        statement_id=str(uuid.uuid4()),
    )
    db.session.add(line)
    return line


def roster_of(person: Person, roster_id: int) -> Roster:
    roster = db.session.get(Roster, roster_id)
    if roster is None:
        raise FacilitationNotFound("No such roster.", "roster_id")
    presentation_of(person, roster.presentation_id)  # 404 unless the person's agency's
    return roster


def current_lines(roster: Roster) -> list[RosterLine]:
    return [line for line in roster.lines if line.voided_at is None]


def correct_roster(
    facilitator: Person,
    roster_id: int,
    entries: list[Entry],
    reason: str,
    default_date: dt.date | None = None,
    default_hours: Decimal | None = None,
    today: dt.date | None = None,
) -> Roster:
    """The roster as it should have been (every attendee), with the reason: lines that changed
    or went are voided (their statements too), lines that changed or came are recorded."""
    if not reason.strip():
        raise RosterRefused([LineError(1, "say why the roster is corrected")], "reason")
    roster = roster_of(facilitator, roster_id)
    presentation = roster.presentation
    checked = {
        c.person.id: c
        for c in check_roster(presentation, entries, default_date, default_hours, today, roster.id)
    }
    now = utcnow()
    voids, added, removed = [], [], []
    for line in current_lines(roster):
        wanted = checked.get(line.person_id)
        if wanted is not None and (wanted.attended_on, wanted.hours) == (
            line.attended_on,
            line.hours,
        ):
            del checked[line.person_id]
            continue
        line.voided_at = now
        removed.append((line.post_id, line.attended_on, line.hours))
        voids.append(_voiding(line, facilitator))
    new_lines = [_line(roster, c) for c in checked.values()]
    added = [(kept.post_id, kept.attended_on, kept.hours) for kept in new_lines]
    if not voids and not new_lines:
        raise RosterRefused([LineError(1, "nothing changed: the roster already says this")])
    _event(
        roster,
        facilitator,
        "corrected",
        reason.strip()[:2000],
        {"removed": removed, "added": added},
    )
    db.session.flush()
    _record(
        voids + [_attended(kept, presentation, facilitator) for kept in new_lines],
        presentation.agency_id,
    )
    return roster


def _voiding(line: RosterLine, facilitator: Person) -> dict:
    base = records.base_url().rstrip("/")
    return {
        "id": str(uuid.uuid4()),
        "actor": identity.actor(facilitator, base),
        "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": line.statement_id},
    }


def roster_course_ids(credential_key: str) -> frozenset[int] | None:
    """The courses an agency's roster credential may give credit for (those its presentations
    are of); None if the key is no roster credential."""
    if not credential_key.startswith(ROSTER_CREDENTIAL_PREFIX):
        return None
    agency = credential_key[len(ROSTER_CREDENTIAL_PREFIX) :]
    if not agency.isdigit():
        return None
    return frozenset(
        db.session.scalars(
            select(Presentation.course_id).where(Presentation.agency_id == int(agency)).distinct()
        )
    )
