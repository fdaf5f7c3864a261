"""The training manager's dashboard: an agency's (or a sub-affiliation's) training this cycle,
computed with SQL aggregates so that it stays fast at 10,000 learners (docs/dashboard.md).

Figures for everyone in scope: enrollments (registrations made in the cycle), completions (CPT
entries completed in the cycle) and the CPT hours they credit. Who is short, overdue or due
soon is the training area's judgement, not a copy of it: SQL sums what its rules read of each
person (their roles, their hours this cycle, their PSP hours by category, their latest
completion of each mandate), and `training.services.profile` and `ComplianceRow` judge those
figures, handed over as one entry per PSP category and per mandate. People with the same
figures get the same judgement, so it is asked once for each set of figures (and
`mandates.status` once for each mandate and date): a few hundred calls for 10,000 people.
"""

from __future__ import annotations

import datetime as dt
import gc
import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Integer, String, case, func, select
from sqlalchemy import cast as sql_cast

from lms.accounts.agencies import sub_affiliation_tree
from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person, RoleGrant, SubAffiliation
from lms.catalog.interfaces import Mandate, PspCategory
from lms.catalog.models import Registration
from lms.db import db
from lms.reports.interfaces import ReportNotFound
from lms.training import mandates as mandate_rules
from lms.training import services as training
from lms.training.cycles import CALIFORNIA, PSP_HOURS_REQUIRED, Cycle, cycle_of
from lms.training.models import CptEntry

ATTENTION_LIMIT = 20  # the people listed as short or overdue, the worst first
CATEGORIES = tuple(PSP_HOURS_REQUIRED)
MANDATE_CODES = {mandate.value: mandate for mandate in Mandate}


def hours_of(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def grouped_hours(hours: Decimal) -> str:
    """Hours as people write them, in thousands: 12,345.5."""
    whole, _, fraction = training.format_hours(hours).partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


# --- What the dashboard shows -----------------------------------------------------------------


@dataclass
class Figures:
    """One group's figures: the whole scope, or one row of the sub-affiliation table."""

    people: int = 0
    enrollments: int = 0
    completions: int = 0
    credited_cents: int = 0
    owe_cpt: int = 0  # peace officers and dispatchers: the compliance page's people
    on_track: int = 0  # of those: no hours or PSP category short, no mandate overdue
    short: int = 0  # short of CPT hours or of a PSP category
    overdue: int = 0  # a mandate overdue
    due_soon: int = 0  # a mandate due soon (whether or not another is overdue)
    owe_mandates: int = 0  # peace officers
    # People who owe mandates, by their worst standing: overdue, else due soon, else on track.
    worst_overdue: int = 0
    worst_due_soon: int = 0

    @property
    def hours(self) -> Decimal:
        return hours_of(self.credited_cents)

    @property
    def hours_text(self) -> str:
        return grouped_hours(self.hours)

    @property
    def worst_on_track(self) -> int:
        return self.owe_mandates - self.worst_overdue - self.worst_due_soon

    def add(self, other: Figures, times: int = 1) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + times * getattr(other, name))


@dataclass(frozen=True)
class Group:
    """A row of the sub-affiliation table: the people of the sub-affiliation and of every one
    below it, as the compliance page's summary counts them."""

    name: str
    depth: int
    sub_affiliation_id: int | None  # None: the whole agency, or its people in none
    figures: Figures
    in_tree: bool = True  # False: the agency's people in no sub-affiliation


@dataclass(frozen=True)
class Month:
    starts: dt.date
    completions: int
    hours: Decimal


@dataclass(frozen=True)
class Attention:
    """Someone short or overdue, with what they lack."""

    person_id: int
    name: str
    post_id: str | None
    sub_affiliation: str | None
    cpt_hours: Decimal
    cpt_short_by: Decimal
    psp_short: list[PspCategory]
    overdue: list[Mandate]
    due_soon: list[Mandate]


@dataclass(frozen=True)
class Dashboard:
    agency: Agency
    cycle: Cycle
    today: dt.date
    sub_affiliation: SubAffiliation | None  # None: the whole agency
    tree: list[tuple[SubAffiliation, int]]  # the agency's, for the filter
    totals: Figures
    groups: list[Group]  # the whole scope first
    months: list[Month]
    attention: list[Attention]  # the worst ATTENTION_LIMIT of those short or overdue


# --- The training area's judgement of aggregated figures --------------------------------------


@dataclass(frozen=True)
class Learner:
    """What the training area's rules read of a person, their roles, without loading the
    Person: `owes_cpt`, `in_psp_population` and `mandates_for` take it as they take a Person."""

    roles: frozenset[str]

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)


@dataclass(frozen=True)
class _Entry:
    """What `training.services.profile` reads of a CPT entry."""

    cycle_start: int
    credited_hours: Decimal
    psp_category: str | None = None
    completed_on: dt.date = dt.date.min
    mandates: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)  # one object for each judgement: counted by identity
class Verdict:
    """The training area's judgement of someone who owes CPT, as their groups count it."""

    short: bool  # short of CPT hours or of a PSP category
    overdue: list[Mandate]
    due_soon: list[Mandate]
    compliant: bool
    owes_mandates: bool


def _profile(
    learner: Person,
    cycle: Cycle,
    today: dt.date,
    credited: Decimal,
    psp: dict[PspCategory, Decimal],
    last_done: dict[Mandate, dt.date],
) -> training.Profile:
    """`training.services.profile` of a person with these credited hours this cycle (`psp`:
    those of them by PSP category) and latest completion of each mandate, handed over as one
    entry per PSP category and per mandate."""
    entries: list[Any] = [
        _Entry(cycle.start_year, hours, category.value) for category, hours in psp.items()
    ]
    entries.append(_Entry(cycle.start_year, credited - sum(psp.values(), Decimal(0))))
    entries += [
        _Entry(0, Decimal(0), completed_on=day, mandates=(mandate.value,))
        for mandate, day in last_done.items()
    ]
    return training.profile(learner, today, entries)


@dataclass(slots=True)
class _Person:
    """One person's aggregates, as the queries give them, and what the rules made of them."""

    sub_affiliation_id: int | None
    roles: frozenset[str] = frozenset()
    completions: int = 0
    credited_cents: int = 0
    psp_cents: tuple[int, ...] = (0,) * len(CATEGORIES)
    last_done: dict[Mandate, Any] | None = None  # a date, or its ISO text
    verdict: Verdict | None = None
    cpt_short_by: Decimal = Decimal(0)
    psp_short: tuple[PspCategory, ...] = ()


class _Judge:
    """The training area's rules, asked once for each thing that can change their answer:
    each set of roles (`owes_cpt`, `in_psp_population`, `mandates_for`), each amount of CPT
    hours (`cpt_short_by`), each amount of hours in each PSP category (`psp_short`), each
    mandate and date (`mandates.status`), then each combination of those answers
    (`ComplianceRow`: overdue, due soon, compliant). A few hundred calls for 10,000 people."""

    def __init__(self, cycle: Cycle, today: dt.date) -> None:
        self.cycle, self.today = cycle, today
        self.roles: dict[frozenset[str], tuple[Person, bool, bool, tuple[Mandate, ...]]] = {}
        self.short_by: dict[tuple[frozenset[str], int], Decimal] = {}
        self.psp_short: dict[tuple[frozenset[str], PspCategory, int], bool] = {}
        self.standings: dict[tuple[Mandate, Any], mandate_rules.Standing] = {}
        self.verdicts: dict[tuple[Any, ...], Verdict] = {}

    def __call__(self, person: _Person) -> None:
        roles = person.roles
        rules = self.roles.get(roles)
        if rules is None:
            learner = cast(Person, Learner(roles))
            rules = self.roles[roles] = (
                learner,
                training.owes_cpt(learner),
                training.in_psp_population(learner),
                training.mandates_for(learner),
            )
        learner, owes, psp_population, mandates = rules
        if not owes:
            return
        short_by = self.short_by.get((roles, person.credited_cents))
        if short_by is None:
            short_by = self._short_by(learner, roles, person.credited_cents)
        person.cpt_short_by = short_by
        if psp_population:
            psp_short = self.psp_short
            person.psp_short = tuple(
                category
                for category, amount in zip(CATEGORIES, person.psp_cents, strict=True)
                if psp_short.get((roles, category, amount))
                or (
                    (roles, category, amount) not in psp_short
                    and self._psp_short(learner, roles, category, amount)
                )
            )
        done = person.last_done or {}
        standings = self.standings
        key = (
            roles,
            bool(short_by),
            person.psp_short,
            tuple(
                standings.get((mandate, done.get(mandate)))
                or self._standing(mandate, done.get(mandate))
                for mandate in mandates
            ),
        )
        verdict = self.verdicts.get(key)
        if verdict is None:
            verdict = self.verdicts[key] = self._verdict(learner, mandates, person)
        person.verdict = verdict

    def _short_by(self, learner: Person, roles: frozenset[str], amount: int) -> Decimal:
        found = _profile(learner, self.cycle, self.today, hours_of(amount), {}, {})
        self.short_by[roles, amount] = found.cpt_short_by
        return found.cpt_short_by

    def _psp_short(
        self, learner: Person, roles: frozenset[str], category: PspCategory, amount: int
    ) -> bool:
        hours = hours_of(amount)
        found = _profile(learner, self.cycle, self.today, hours, {category: hours}, {})
        short = self.psp_short[roles, category, amount] = category in found.psp_short
        return short

    def _standing(self, mandate: Mandate, last: Any) -> mandate_rules.Standing:
        standing = mandate_rules.status(mandate, _day(last), self.today).standing
        self.standings[mandate, last] = standing
        return standing

    def _verdict(self, learner: Person, mandates: tuple[Mandate, ...], person: _Person) -> Verdict:
        """Judged on this person's own figures: the answers in its key are all it reads."""
        done = person.last_done or {}
        found = _profile(
            learner,
            self.cycle,
            self.today,
            hours_of(person.credited_cents),
            {c: hours_of(n) for c, n in zip(CATEGORIES, person.psp_cents, strict=True)},
            {m: day for m in mandates if (day := _day(done.get(m))) is not None},
        )
        row = training.ComplianceRow(found)
        return Verdict(
            short=bool(found.cpt_short_by or found.psp_short),
            overdue=row.overdue,
            due_soon=row.due_soon,
            compliant=row.compliant,
            owes_mandates=bool(found.mandates),
        )


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- The dashboard ----------------------------------------------------------------------------


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while the figures are summed: the sums make tens of
    thousands of small objects that die young and form no cycles, and each collection they set
    off walks every object the process holds (a third of the dashboard's time at 10,000
    learners, docs/dashboard.md). Restored afterwards, whatever happens; the page holds it
    while it renders too, so that the figures' garbage is not collected there instead."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def dashboard(agency: Agency, today: dt.date, sub_affiliation_id: int | None = None) -> Dashboard:
    """The agency's dashboard for the cycle of `today`, or that of one sub-affiliation and
    every one below it (ReportNotFound if it is not one of the agency's)."""
    with collector_paused():
        return _dashboard(agency, today, sub_affiliation_id)


def _dashboard(agency: Agency, today: dt.date, sub_affiliation_id: int | None) -> Dashboard:
    cycle = cycle_of(today)
    tree = sub_affiliation_tree(agency)
    chosen: SubAffiliation | None = None
    scope_ids: set[int] | None = None
    if sub_affiliation_id is not None:
        scope_ids = training.sub_affiliation_ids_under(agency, sub_affiliation_id)
        if not scope_ids:
            raise ReportNotFound("No such sub-affiliation in this agency.", "sub_affiliation")
        chosen = next(sub for sub, _ in tree if sub.id == sub_affiliation_id)

    def in_scope(query: Any) -> Any:
        query = query.where(Person.agency_id == agency.id)
        if scope_ids is not None:
            query = query.where(Person.sub_affiliation_id.in_(scope_ids))
        return query

    with _Reads() as reads:  # the people's figures first: they are judged while the rest is read
        people_rows = reads.submit(in_scope(_people_query()))
        cycle_rows = reads.submit(in_scope(_cycle_query(cycle)))
        mandate_rows = reads.submit(in_scope(_mandates_query()))
        enrollment_rows = reads.submit(in_scope(_enrollments_query(cycle)))
        month_rows = reads.submit(in_scope(_months_query(cycle)))
        people = _people(people_rows())
        _add_cycle_figures(cycle_rows(), people)
        _add_mandates_done(mandate_rows(), people)
        judge = _Judge(cycle, today)
        for person in people.values():
            judge(person)
        enrollments: dict[int | None, int] = dict(enrollment_rows())
        months = _months(month_rows(), cycle, today)
    groups = _groups(agency, tree, chosen, people, enrollments)
    return Dashboard(
        agency=agency,
        cycle=cycle,
        today=today,
        sub_affiliation=chosen,
        tree=tree,
        totals=groups[0].figures,
        groups=groups,
        months=months,
        attention=_attention(people),
    )


# --- The queries: each one pass over an index, grouped in SQL -----------------------------------

PARALLEL_READS = 2  # connections reading at once (the database works while Python waits)


class _Reads:
    """The dashboard's queries, each on a pooled connection of its own, PARALLEL_READS at a
    time: the database (SQLite's C code too, which lets go of the GIL) answers one while
    Python reads another's rows. Each reads what is committed when it starts, a few
    milliseconds apart. An in-memory SQLite database, which no second connection sees, is
    read on the session's connection, one query after another."""

    def __init__(self) -> None:
        self.engine = db.engine
        shared = self.engine.url.database in (None, "", ":memory:")
        self.pool = None if shared else ThreadPoolExecutor(PARALLEL_READS, "dashboard-read")

    def __enter__(self) -> _Reads:
        return self

    def __exit__(self, *_: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, query: Any) -> Callable[[], list[Any]]:
        """The query's rows, when asked for."""
        if self.pool is None:
            rows = db.session.execute(query).all()
            return lambda: rows
        return self.pool.submit(self._read, query).result

    def _read(self, query: Any) -> list[Any]:
        with self.engine.connect() as connection:
            return list(connection.execute(query).all())


def _cents_sum(column: Any) -> Any:
    return sql_cast(func.round(func.coalesce(func.sum(column), 0) * 100), Integer)


def _people_query() -> Any:
    """Everyone in scope, with their roles (person by agency, role_grant by person)."""
    return select(Person.id, Person.sub_affiliation_id, RoleGrant.role).outerjoin(
        RoleGrant, RoleGrant.person_id == Person.id
    )


def _people(rows: list[Any]) -> dict[int, _Person]:
    found: dict[int, tuple[int | None, list[str]]] = {}
    for person_id, sub_id, role in rows:
        roles = found.setdefault(person_id, (sub_id, []))[1]
        if role is not None:
            roles.append(role)
    return {
        person_id: _Person(sub_id, frozenset(roles)) for person_id, (sub_id, roles) in found.items()
    }


def _cycle_query(cycle: Cycle) -> Any:
    """Per person: the cycle's completions, their credited hours, and those by PSP category
    (cpt_entry by person and cycle), in hundredths of an hour."""
    by_category = [
        _cents_sum(
            case((CptEntry.psp_category == category.value, CptEntry.credited_hours), else_=0)
        )
        for category in CATEGORIES
    ]
    return (
        select(Person.id, func.count(), _cents_sum(CptEntry.credited_hours), *by_category)
        .join(CptEntry, CptEntry.person_id == Person.id)
        .where(CptEntry.cycle_start == cycle.start_year)
        .group_by(Person.id)
    )


def _add_cycle_figures(rows: list[Any], people: dict[int, _Person]) -> None:
    for person_id, completions, credited, *psp in rows:
        person = people[person_id]
        person.completions, person.credited_cents, person.psp_cents = (
            completions,
            credited,
            tuple(psp),
        )


def _mandates_query() -> Any:
    """Per person: the latest completion of each mandate over every cycle (a mandate's period
    is its own), from the entries whose course meets one, grouped by their mandate codes."""
    return (
        select(Person.id, CptEntry.mandate_codes, func.max(CptEntry.completed_on, type_=String))
        .join(CptEntry, CptEntry.person_id == Person.id)
        .where(CptEntry.mandate_codes != "")
        .group_by(Person.id, CptEntry.mandate_codes)
    )


def _add_mandates_done(rows: list[Any], people: dict[int, _Person]) -> None:
    for person_id, codes, last in rows:
        person = people[person_id]
        if person.last_done is None:
            person.last_done = {}
        done = person.last_done
        for code in codes.split():
            mandate = MANDATE_CODES.get(code)
            if mandate is not None and (mandate not in done or done[mandate] < last):
                done[mandate] = last


def _enrollments_query(cycle: Cycle) -> Any:
    """Registrations made in the cycle (its days in California), by the registrant's
    sub-affiliation (registration by person and time)."""
    starts = dt.datetime.combine(cycle.starts, dt.time(), CALIFORNIA).astimezone(dt.UTC)
    ends = dt.datetime.combine(cycle.next().starts, dt.time(), CALIFORNIA).astimezone(dt.UTC)
    return (
        select(Person.sub_affiliation_id, func.count())
        .join(Registration, Registration.person_id == Person.id)
        .where(Registration.registered_at >= starts, Registration.registered_at < ends)
        .group_by(Person.sub_affiliation_id)
    )


def _months_query(cycle: Cycle) -> Any:
    """Completions and credited hours by month of the cycle, from its first month to this one
    (or its last): grouped by day in SQL (at most 731 rows), by month here."""
    return (
        select(
            func.min(CptEntry.completed_on, type_=String),
            func.count(),
            _cents_sum(CptEntry.credited_hours),
        )
        .select_from(Person)
        .join(CptEntry, CptEntry.person_id == Person.id)
        .where(CptEntry.cycle_start == cycle.start_year)
        .group_by(CptEntry.completed_on)
    )


def _months(rows: list[Any], cycle: Cycle, today: dt.date) -> list[Month]:
    by_month: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for day, count, credited in rows:
        found = _day(day)
        assert found is not None
        totals = by_month[found.year, found.month]
        totals[0] += count
        totals[1] += credited
    months = []
    day, last = cycle.starts, min(today, cycle.ends)
    while day <= last:
        count, credited = by_month.get((day.year, day.month), (0, 0))
        months.append(Month(day, count, hours_of(credited)))
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


# --- Adding up --------------------------------------------------------------------------------


def _figures_of(verdict: Verdict | None) -> Figures:
    """One person's contribution to their groups' counts."""
    figures = Figures(people=1)
    if verdict is None:
        return figures
    overdue, due_soon = bool(verdict.overdue), bool(verdict.due_soon)
    figures.owe_cpt = 1
    figures.on_track = int(verdict.compliant)
    figures.short = int(verdict.short)
    figures.overdue, figures.due_soon = int(overdue), int(due_soon)
    if verdict.owes_mandates:
        figures.owe_mandates = 1
        figures.worst_overdue = int(overdue)
        figures.worst_due_soon = int(due_soon and not overdue)
    return figures


def _groups(
    agency: Agency,
    tree: list[tuple[SubAffiliation, int]],
    chosen: SubAffiliation | None,
    people: dict[int, _Person],
    enrollments: dict[int | None, int],
) -> list[Group]:
    """The whole scope first, then each sub-affiliation in it in tree order (those below it
    counted in it), then, for the whole agency, its people in no sub-affiliation."""
    rows = tree
    if chosen is not None:
        start = next(i for i, (sub, _) in enumerate(tree) if sub.id == chosen.id)
        depth_of_chosen = tree[start][1]
        end = next(
            (i for i in range(start + 1, len(tree)) if tree[i][1] <= depth_of_chosen), len(tree)
        )
        rows = [(sub, depth - depth_of_chosen) for sub, depth in tree[start:end]]

    # Each person counted in their own sub-affiliation, in SQL's groups and by verdict.
    tally: Counter[tuple[int | None, Verdict | None]] = Counter()
    own: dict[int | None, Figures] = defaultdict(Figures)
    for person in people.values():
        tally[person.sub_affiliation_id, person.verdict] += 1
        figures = own[person.sub_affiliation_id]
        figures.completions += person.completions
        figures.credited_cents += person.credited_cents
    for (sub_id, verdict), count in tally.items():
        own[sub_id].add(_figures_of(verdict), count)
    for sub_id, count in enrollments.items():
        own[sub_id].enrollments += count

    # Then in every sub-affiliation above their own, up to the scope's.
    parent = {sub.id: sub.parent_id for sub, _ in tree}
    shown = {sub.id: Figures() for sub, _ in rows}

    def up_from(sub_id: int | None) -> Iterator[Figures]:
        while sub_id in shown:
            yield shown[sub_id]
            sub_id = parent[sub_id]

    whole = Figures()
    for sub_id, figures in own.items():
        whole.add(figures)
        for above in up_from(sub_id):
            above.add(figures)

    if chosen is None:
        groups = [Group(agency.name, 0, None, whole)]
        groups += [Group(sub.name, depth + 1, sub.id, shown[sub.id]) for sub, depth in rows]
        if None in own:
            groups.append(Group("No sub-affiliation", 1, None, own[None], in_tree=False))
        return groups
    groups = [Group(chosen.name, 0, chosen.id, whole)]
    groups += [Group(sub.name, depth, sub.id, shown[sub.id]) for sub, depth in rows[1:]]
    return groups


def _attention(people: dict[int, _Person]) -> list[Attention]:
    """The worst ATTENTION_LIMIT of those short or overdue: the most mandates overdue first,
    then the most hours short, then the most PSP categories short."""
    flagged = [
        (person_id, person)
        for person_id, person in people.items()
        if person.verdict is not None and (person.verdict.short or person.verdict.overdue)
    ]

    def badness(item: tuple[int, _Person]) -> tuple[int, Decimal, int, int]:
        person_id, person = item
        assert person.verdict is not None
        return (
            -len(person.verdict.overdue),
            -person.cpt_short_by,
            -len(person.psp_short),
            person_id,
        )

    worst = heapq.nsmallest(ATTENTION_LIMIT, flagged, key=badness)
    names = {
        row.id: row
        for row in db.session.execute(
            select(
                Person.id,
                Person.first_name,
                Person.last_name,
                Person.post_id,
                SubAffiliation.name.label("sub_name"),
            )
            .outerjoin(SubAffiliation, SubAffiliation.id == Person.sub_affiliation_id)
            .where(Person.id.in_([person_id for person_id, _ in worst]))
        )
    }
    listed = []
    for person_id, person in worst:
        assert person.verdict is not None
        found = names[person_id]
        listed.append(
            Attention(
                person_id=person_id,
                name=f"{found.first_name} {found.last_name}",
                post_id=found.post_id,
                sub_affiliation=found.sub_name,
                cpt_hours=hours_of(person.credited_cents),
                cpt_short_by=person.cpt_short_by,
                psp_short=list(person.psp_short),
                overdue=person.verdict.overdue,
                due_soon=person.verdict.due_soon,
            )
        )
    return listed


# --- The charts: geometry for the template's SVG, the same figures as its tables --------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: str  # as the chart's text reads it
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Share:
    label: str
    value: str
    percent: float  # of the largest


@dataclass(frozen=True)
class Segment:
    label: str  # overdue | due soon | on track | short
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Charts:
    months: list[Bar]  # completions by month: columns
    months_height: int
    hours: list[Share]  # CPT hours by sub-affiliation
    mandates: list[Segment]  # peace officers by their worst mandate standing
    cpt: list[Segment]  # people who owe CPT: on track or short


CHART_WIDTH = 640


def charts(found: Dashboard) -> Charts:
    return Charts(
        months=_month_bars(found.months),
        months_height=200,
        hours=_hour_bars(found),
        mandates=_segments(
            [
                ("overdue", found.totals.worst_overdue),
                ("due soon", found.totals.worst_due_soon),
                ("on track", found.totals.worst_on_track),
            ]
        ),
        cpt=_segments(
            [
                ("short", found.totals.owe_cpt - found.totals.on_track),
                ("on track", found.totals.on_track),
            ]
        ),
    )


def _month_bars(months: list[Month]) -> list[Bar]:
    """One column per month of the cycle so far, scaled to the busiest; 30 px kept below for
    the month names and 20 above for the counts."""
    if not months:
        return []
    top = max(month.completions for month in months) or 1
    slot = CHART_WIDTH / 24  # a cycle's months, so that columns keep their width all cycle
    bars = []
    for index, month in enumerate(months):
        height = 150 * month.completions / top
        bars.append(
            Bar(
                label=f"{month.starts:%b %Y}",
                value=str(month.completions),
                x=round(index * slot + 2, 1),
                y=round(170 - height, 1),
                width=round(slot - 4, 1),
                height=round(height, 1),
            )
        )
    return bars


def _hour_bars(found: Dashboard) -> list[Share]:
    """The CPT hours credited this cycle to each group one level below the scope (or to the
    scope alone when nothing is below it), as widths in percent of the largest."""
    rows = [group for group in found.groups[1:] if group.depth == 1] or found.groups[:1]
    top = max((group.figures.credited_cents for group in rows), default=0) or 1
    return [
        Share(
            group.name,
            f"{group.figures.hours_text} h",
            round(100 * group.figures.credited_cents / top, 1),
        )
        for group in rows
    ]


def _segments(parts: list[tuple[str, int]]) -> list[Segment]:
    """A bar across the chart, split in proportion to the counts (empty parts left out)."""
    whole = sum(count for _, count in parts)
    segments, x = [], 0.0
    for label, count in parts:
        if count:
            width = CHART_WIDTH * count / whole
            segments.append(Segment(label, count, round(x, 1), round(width, 1)))
            x += width
    return segments
