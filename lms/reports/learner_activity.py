"""The Learner Activity report: who registered for, started, progressed in and completed what
and when, with scores, attempts and time spent, one row per registration of an agency's
people; filtered, sorted, paged, and exported as CSV in bounded memory.

The rows are one SQL query over the registrations, their people and the activity projection's
summaries (lms/reports/activity.py): filters and sorts run in the database on indexed columns,
and the export reads the same query as a stream.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.engine import Row

from lms.accounts.models import Agency, Person, SubAffiliation
from lms.catalog.models import Course, CourseCertification, Registration
from lms.db import db
from lms.reports.interfaces import ActivityStatus, BadReportFilter, ReportNotFound
from lms.reports.models import ActivitySummary
from lms.spreadsheets import safe_cell
from lms.training.services import sub_affiliation_ids_under

PAGE_SIZE = 50
SORTS = {
    "name": "Name",
    "course": "Course",
    "registered": "Registered",
    "last_activity": "Last activity",
    "status": "Status",
    "score": "Score",
    "time": "Time spent",
    "completed": "Completed",
}
CSV_HEADER = (
    "post_id",
    "last_name",
    "first_name",
    "sub_affiliation",
    "course",
    "certification_number",
    "registration",
    "registered_at",
    "status",
    "started_at",
    "last_activity_at",
    "completed_at",
    "score_scaled",
    "attempts",
    "time_spent_seconds",
    "progress_percent",
)


@dataclass(frozen=True)
class ActivityFilter:
    """What the report is narrowed to, and how it is sorted and paged."""

    sub_affiliation_id: int | None = None
    course_id: int | None = None
    person_id: int | None = None
    person: str = ""  # a name or POST-ID, or part of one
    status: ActivityStatus | None = None
    since: dt.date | None = None  # registered or active on or after
    until: dt.date | None = None  # registered on or before
    sort: str = "last_activity"
    descending: bool = True
    page: int = 1

    def query_args(self, **changes: Any) -> dict[str, str]:
        """The query string that asks for this filter (with `changes`), for links."""
        chosen = replace(self, **changes)
        args = {
            "sub_affiliation": chosen.sub_affiliation_id,
            "course": chosen.course_id,
            "person_id": chosen.person_id,
            "person": chosen.person,
            "status": chosen.status.value if chosen.status else None,
            "since": chosen.since.isoformat() if chosen.since else None,
            "until": chosen.until.isoformat() if chosen.until else None,
            "sort": chosen.sort,
            "order": "desc" if chosen.descending else "asc",
            "page": chosen.page if chosen.page > 1 else None,
        }
        return {key: str(value) for key, value in args.items() if value not in (None, "")}


@dataclass(frozen=True)
class ActivityRow:
    registration_id: int
    registration_uuid: str
    registered_at: dt.datetime
    person_id: int
    first_name: str
    last_name: str
    post_id: str | None
    sub_affiliation: str | None
    course_id: int
    course_title: str
    certification_number: str | None
    status: ActivityStatus
    started_at: dt.datetime | None
    last_activity_at: dt.datetime | None
    completed_at: dt.datetime | None
    score_scaled: float | None
    attempts: int
    time_spent_seconds: float
    progress: int | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def score_percent(self) -> int | None:
        return None if self.score_scaled is None else round(self.score_scaled * 100)


@dataclass(frozen=True)
class ActivityPage:
    rows: list[ActivityRow]
    total: int
    page: int
    pages: int


def parse_filter(agency: Agency, args: Mapping[str, str]) -> ActivityFilter:
    """The filter a query string asks for; a value that is not one names its field (422), a
    sub-affiliation, course or person that is not the agency's is not found (404)."""
    sub_id = integer_arg(args, "sub_affiliation")
    if sub_id is not None and not sub_affiliation_ids_under(agency, sub_id):
        raise ReportNotFound("No such sub-affiliation in this agency.", "sub_affiliation")
    course_id = integer_arg(args, "course")
    if course_id is not None and db.session.get(Course, course_id) is None:
        raise ReportNotFound("No such course.", "course")
    person_id = integer_arg(args, "person_id")
    if person_id is not None:
        person = db.session.get(Person, person_id)
        if person is None or person.agency_id != agency.id:
            raise ReportNotFound("No such person in this agency.", "person_id")
    status_text = args.get("status", "")
    try:
        status = ActivityStatus(status_text) if status_text else None
    except ValueError:
        choices = ", ".join(s.value for s in ActivityStatus)
        raise BadReportFilter(f"The field 'status' must be one of {choices}.", "status") from None
    sort = args.get("sort") or "last_activity"
    if sort not in SORTS:
        raise BadReportFilter(f"The field 'sort' must be one of {', '.join(SORTS)}.", "sort")
    order = args.get("order") or "desc"
    if order not in ("asc", "desc"):
        raise BadReportFilter("The field 'order' must be asc or desc.", "order")
    since, until = _date(args, "since"), _date(args, "until")
    if since and until and since > until:
        raise BadReportFilter("The date 'since' must not be after 'until'.", "since")
    page = integer_arg(args, "page") or 1
    if page < 1:
        raise BadReportFilter("The field 'page' must be 1 or more.", "page")
    person_text = args.get("person", "").strip()
    if len(person_text) > 100:
        raise BadReportFilter("The field 'person' must be at most 100 characters.", "person")
    return ActivityFilter(
        sub_affiliation_id=sub_id,
        course_id=course_id,
        person_id=person_id,
        person=person_text,
        status=status,
        since=since,
        until=until,
        sort=sort,
        descending=order == "desc",
        page=page,
    )


def integer_arg(args: Mapping[str, str], name: str) -> int | None:
    """A whole-number field of a query string, or None when empty (BadReportFilter names it)."""
    text = args.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 9:
        raise BadReportFilter(f"The field '{name}' must be a whole number.", name)
    return int(text)


def _date(args: Mapping[str, str], name: str) -> dt.date | None:
    text = args.get(name, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadReportFilter(f"The field '{name}' must be a date (YYYY-MM-DD).", name) from None


# --- The query ------------------------------------------------------------------------------

r, p, s, c = Registration, Person, ActivitySummary, Course
row_status = case(
    (r.status == "dropped", literal(ActivityStatus.DROPPED.value)),
    else_=func.coalesce(s.status, literal(ActivityStatus.REGISTERED.value)),
)
last_activity = func.coalesce(s.last_activity_at, r.registered_at)
ORDERS: dict[str, tuple[Any, ...]] = {
    "name": (func.lower(p.last_name), func.lower(p.first_name), c.title),
    "course": (c.title, func.lower(p.last_name), func.lower(p.first_name)),
    "registered": (r.registered_at,),
    "last_activity": (last_activity,),
    "status": (row_status, func.lower(p.last_name)),
    "score": (func.coalesce(s.score_scaled, -1.0),),
    "time": (func.coalesce(s.time_spent_seconds, 0.0),),
    "completed": (s.completed_at,),
}


def _select(agency: Agency, chosen: ActivityFilter, *columns: Any) -> Select[Any]:
    query = (
        select(*columns)
        .select_from(r)
        .join(p, p.id == r.person_id)
        .join(c, c.id == r.course_id)
        .outerjoin(s, s.registration_id == r.id)
        .where(p.agency_id == agency.id)
    )
    if chosen.sub_affiliation_id is not None:
        under = sub_affiliation_ids_under(agency, chosen.sub_affiliation_id)
        query = query.where(p.sub_affiliation_id.in_(sorted(under)))
    if chosen.course_id is not None:
        query = query.where(r.course_id == chosen.course_id)
    if chosen.person_id is not None:
        query = query.where(r.person_id == chosen.person_id)
    if chosen.person:
        query = query.where(_person_matches(chosen.person))
    if chosen.status is not None:
        query = query.where(row_status == chosen.status.value)
    if chosen.since is not None:
        start = dt.datetime.combine(chosen.since, dt.time(), dt.UTC)
        query = query.where(last_activity >= start)
    if chosen.until is not None:
        end = dt.datetime.combine(chosen.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        query = query.where(r.registered_at < end)
    return query


def _person_matches(text: str) -> Any:
    """Every word is found in the first name, the last name or the POST-ID."""
    conditions = []
    for word in text.lower().split()[:5]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            or_(
                func.lower(p.first_name).like(pattern, escape="\\"),
                func.lower(p.last_name).like(pattern, escape="\\"),
                func.lower(func.coalesce(p.post_id, "")).like(pattern, escape="\\"),
            )
        )
    return and_(*conditions)


def _row_columns() -> tuple[Any, ...]:
    return (
        r.id.label("registration_id"),
        r.uuid.label("registration_uuid"),
        r.registered_at,
        p.id.label("person_id"),
        p.first_name,
        p.last_name,
        p.post_id,
        SubAffiliation.name.label("sub_affiliation"),
        c.id.label("course_id"),
        c.title.label("course_title"),
        CourseCertification.certification_number,
        row_status.label("status"),
        s.started_at,
        s.last_activity_at,
        s.completed_at,
        s.score_scaled,
        func.coalesce(s.attempts, 0).label("attempts"),
        func.coalesce(s.time_spent_seconds, 0.0).label("time_spent_seconds"),
        s.progress,
    )


def _with_names(query: Select[Any]) -> Select[Any]:
    return query.outerjoin(SubAffiliation, SubAffiliation.id == p.sub_affiliation_id).outerjoin(
        CourseCertification, CourseCertification.course_id == c.id
    )


def _ordered(query: Select[Any], chosen: ActivityFilter) -> Select[Any]:
    keys = ORDERS[chosen.sort]
    if chosen.descending:
        keys = tuple(key.desc() for key in keys)
    return query.order_by(*keys, r.id.desc() if chosen.descending else r.id)


def _activity_row(row: Row[Any]) -> ActivityRow:
    values = row._asdict()
    values["status"] = ActivityStatus(values["status"])
    return ActivityRow(**values)


def page(agency: Agency, chosen: ActivityFilter, size: int = PAGE_SIZE) -> ActivityPage:
    """One page of the report's rows and how many there are in all."""
    total = db.session.scalar(_select(agency, chosen, func.count()).order_by(None)) or 0
    pages = max((total + size - 1) // size, 1)
    number = min(chosen.page, pages)
    query = _ordered(_with_names(_select(agency, chosen, *_row_columns())), chosen)
    found = db.session.execute(query.limit(size).offset((number - 1) * size))
    return ActivityPage([_activity_row(row) for row in found], total, number, pages)


def rows_of_person(agency: Agency, person_id: int) -> list[ActivityRow]:
    """Every registration of one of the agency's people, latest activity first."""
    chosen = ActivityFilter(person_id=person_id)
    query = _ordered(_with_names(_select(agency, chosen, *_row_columns())), chosen)
    return [_activity_row(row) for row in db.session.execute(query)]


def export_query(agency: Agency, chosen: ActivityFilter) -> Select[Any]:
    """Every row of the report (no paging), for `csv_rows`; built while the request's session
    is open, run after."""
    return _ordered(_with_names(_select(agency, chosen, *_row_columns())), chosen)


def csv_rows(query: Select[Any], connection: Any) -> Iterator[list[object]]:
    """The export's rows as CSV cells (text cells made safe from formulas), read as a stream
    on `connection` (a server-side cursor on PostgreSQL), so that memory stays bounded
    whatever the length. Written for speed: 100,000 rows are a few seconds."""
    result = connection.execution_options(stream_results=True, max_row_buffer=2000).execute(query)
    for (
        _registration_id,
        registration_uuid,
        registered_at,
        _person_id,
        first_name,
        last_name,
        post_id,
        sub_affiliation,
        _course_id,
        course_title,
        certification_number,
        status,
        started_at,
        last_activity_at,
        completed_at,
        score_scaled,
        attempts,
        time_spent_seconds,
        progress,
    ) in result:
        yield [
            post_id or "",
            safe_cell(last_name),
            safe_cell(first_name),
            safe_cell(sub_affiliation or ""),
            safe_cell(course_title),
            certification_number or "",
            registration_uuid,
            _iso(registered_at),
            status,
            _iso(started_at),
            _iso(last_activity_at),
            _iso(completed_at),
            "" if score_scaled is None else f"{score_scaled:g}",
            attempts,
            round(time_spent_seconds),
            "" if progress is None else progress,
        ]


def _iso(moment: dt.datetime | None) -> str:
    """A UTC time (as the UTCDateTime columns give them) in ISO 8601 with Z."""
    return "" if moment is None else moment.isoformat().replace("+00:00", "Z")


def format_duration(seconds: float | None) -> str:
    """Time spent as people say it: 45 s, 12 min, 1 h 05 min."""
    if not seconds:
        return "—"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes = whole // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def courses_of(agency: Agency) -> list[tuple[int, str]]:
    """The courses the agency's people registered for, by title (the course filter's choices)."""
    query = (
        select(c.id, c.title)
        .where(
            c.id.in_(
                select(r.course_id).join(p, p.id == r.person_id).where(p.agency_id == agency.id)
            )
        )
        .order_by(c.title)
    )
    return [(row.id, row.title) for row in db.session.execute(query)]
