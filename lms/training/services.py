"""The Training Profile and agency compliance, computed from CPT entries.

Who the rules apply to (docs/domain.md#who-may-do-what): peace officers and dispatchers owe 24
CPT hours a cycle; peace officers are the PSP population (18 hours by category inside the 24)
and owe the mandates; NPO staff owe nothing, and their completions are listed all the same.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person, SubAffiliation
from lms.catalog.interfaces import Mandate, PspCategory
from lms.db import db
from lms.training import mandates as mandate_rules
from lms.training.cycles import CPT_HOURS_REQUIRED, PSP_HOURS_REQUIRED, Cycle, cycle_of
from lms.training.interfaces import NoSuchAgency
from lms.training.models import CptEntry

OFFICER_MANDATES = tuple(Mandate)


def format_hours(hours: Decimal | int) -> str:
    """2.00 -> '2', 1.50 -> '1.5': hours as people write them."""
    text = f"{Decimal(hours).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def owes_cpt(person: Person) -> bool:
    return person.has_role(Role.PEACE_OFFICER, Role.DISPATCHER)


def in_psp_population(person: Person) -> bool:
    return person.has_role(Role.PEACE_OFFICER)


def mandates_for(person: Person) -> tuple[Mandate, ...]:
    return OFFICER_MANDATES if person.has_role(Role.PEACE_OFFICER) else ()


@dataclass
class Profile:
    person: Person
    cycle: Cycle
    entries: list[CptEntry]
    cpt_hours: Decimal = Decimal(0)
    cpt_required: Decimal | None = None
    psp_hours: dict[PspCategory, Decimal] = field(default_factory=dict)
    mandates: list[mandate_rules.MandateStatus] = field(default_factory=list)

    @property
    def cpt_short_by(self) -> Decimal:
        if self.cpt_required is None:
            return Decimal(0)
        return max(self.cpt_required - self.cpt_hours, Decimal(0))

    @property
    def psp_short(self) -> list[PspCategory]:
        return [
            c
            for c, need in PSP_HOURS_REQUIRED.items()
            if c in self.psp_hours and self.psp_hours[c] < need
        ]

    @property
    def psp_total(self) -> Decimal:
        return sum(self.psp_hours.values(), Decimal(0))


def profile(person: Person, today: dt.date, entries: list[CptEntry] | None = None) -> Profile:
    """The person's standing in the cycle of `today`, from their entries (all cycles)."""
    if entries is None:
        entries = entries_of([person.id]).get(person.id, [])
    cycle = cycle_of(today)
    this_cycle = [e for e in entries if e.cycle_start == cycle.start_year]
    result = Profile(person=person, cycle=cycle, entries=entries)
    if owes_cpt(person):
        result.cpt_required = CPT_HOURS_REQUIRED
        result.cpt_hours = sum((e.credited_hours for e in this_cycle), Decimal(0))
    if in_psp_population(person):
        result.psp_hours = {category: Decimal(0) for category in PSP_HOURS_REQUIRED}
        for entry in this_cycle:
            if entry.psp_category in result.psp_hours:
                result.psp_hours[PspCategory(entry.psp_category)] += entry.credited_hours
    for mandate in mandates_for(person):
        done = [e.completed_on for e in entries if mandate.value in e.mandates]
        result.mandates.append(mandate_rules.status(mandate, max(done, default=None), today))
    return result


def entries_of(person_ids: Iterable[int]) -> dict[int, list[CptEntry]]:
    """Each person's entries, newest first."""
    ids = list(person_ids)
    found: dict[int, list[CptEntry]] = defaultdict(list)
    if not ids:
        return found
    for entry in db.session.scalars(
        select(CptEntry)
        .where(CptEntry.person_id.in_(ids))
        .order_by(CptEntry.completed_at.desc(), CptEntry.statement_id)
    ):
        found[entry.person_id].append(entry)
    return found


# --- Compliance -----------------------------------------------------------------------------


def agency_for_compliance(actor: Person, agency_id: int) -> Agency:
    """POST staff see every agency; LP administrators and training managers their own."""
    allowed = actor.is_post_staff or (
        actor.agency_id == agency_id
        and actor.has_role(Role.LP_ADMINISTRATOR, Role.TRAINING_MANAGER)
    )
    agency = db.session.get(Agency, agency_id) if allowed else None
    if agency is None:
        raise NoSuchAgency("No such agency.", "agency_id")
    return agency


def sub_affiliation_ids_under(agency: Agency, sub_affiliation_id: int) -> set[int]:
    """The sub-affiliation and every one below it, within the agency (empty if not its own)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    ids = set()
    for sub in db.session.scalars(
        select(SubAffiliation).where(SubAffiliation.agency_id == agency.id)
    ):
        children[sub.parent_id].append(sub.id)
        ids.add(sub.id)
    if sub_affiliation_id not in ids:
        return set()
    found, waiting = set(), [sub_affiliation_id]
    while waiting:
        current = waiting.pop()
        found.add(current)
        waiting.extend(children[current])
    return found


@dataclass(frozen=True)
class ComplianceRow:
    profile: Profile

    @property
    def person(self) -> Person:
        return self.profile.person

    @property
    def overdue(self) -> list[Mandate]:
        return [
            m.mandate for m in self.profile.mandates if m.standing == mandate_rules.Standing.OVERDUE
        ]

    @property
    def due_soon(self) -> list[Mandate]:
        return [
            m.mandate
            for m in self.profile.mandates
            if m.standing == mandate_rules.Standing.DUE_SOON
        ]

    @property
    def compliant(self) -> bool:
        return not self.profile.cpt_short_by and not self.profile.psp_short and not self.overdue


def compliance(
    agency: Agency, today: dt.date, sub_affiliation_id: int | None = None
) -> list[ComplianceRow]:
    """Everyone in the agency (or the sub-affiliation and those below it) who owes CPT."""
    query = select(Person).where(Person.agency_id == agency.id)
    if sub_affiliation_id is not None:
        query = query.where(
            Person.sub_affiliation_id.in_(sub_affiliation_ids_under(agency, sub_affiliation_id))
        )
    people = [
        p
        for p in db.session.scalars(query.order_by(Person.last_name, Person.first_name))
        if owes_cpt(p)
    ]
    entries = entries_of(p.id for p in people)
    return [ComplianceRow(profile(p, today, entries.get(p.id, []))) for p in people]


def progress_by_month(
    rows: list[ComplianceRow], cycle: Cycle, today: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """The average CPT hours credited by the end of each month of the cycle so far."""
    if not rows:
        return []
    months: list[dt.date] = []
    year, month = cycle.start_year, 1
    while True:
        month_end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        months.append(min(month_end, today))
        if month_end >= today or month_end >= cycle.ends:
            break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    points = []
    for end in months:
        total = sum(
            (
                e.credited_hours
                for row in rows
                for e in row.profile.entries
                if e.cycle_start == cycle.start_year and e.completed_on <= end
            ),
            Decimal(0),
        )
        points.append((end, (total / len(rows)).quantize(Decimal("0.01"))))
    return points


@dataclass(frozen=True)
class GroupSummary:
    """How one sub-affiliation (those below it included) stands."""

    name: str
    depth: int
    sub_affiliation_id: int | None
    people: int
    on_track: int
    short: int
    overdue: int


def summary_by_sub_affiliation(
    agency: Agency, rows: list[ComplianceRow], tree: list[tuple[SubAffiliation, int]]
) -> list[GroupSummary]:
    """The whole agency first, then each sub-affiliation in tree order."""

    def summarise(
        name: str, depth: int, sub_id: int | None, members: list[ComplianceRow]
    ) -> GroupSummary:
        return GroupSummary(
            name=name,
            depth=depth,
            sub_affiliation_id=sub_id,
            people=len(members),
            on_track=sum(1 for row in members if row.compliant),
            short=sum(1 for row in members if row.profile.cpt_short_by or row.profile.psp_short),
            overdue=sum(1 for row in members if row.overdue),
        )

    found = [summarise(agency.name, 0, None, rows)]
    for sub, depth in tree:
        under = sub_affiliation_ids_under(agency, sub.id)
        members = [row for row in rows if row.person.sub_affiliation_id in under]
        found.append(summarise(sub.name, depth + 1, sub.id, members))
    return found
