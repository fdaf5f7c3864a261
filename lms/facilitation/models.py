"""Facilitated courses: a certified course's presentations, who may be shown it, and the rosters
a facilitator enters, line by line, with their history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.catalog.models import Course
from lms.db import UTCDateTime, db, utcnow


class Presentation(db.Model):
    """One presentation of a certified course; its Course Control Number is the certification
    number, the state fiscal year and its number."""

    __tablename__ = "presentation"
    __table_args__ = (UniqueConstraint("course_id", "fiscal_year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    # The agency that presents or facilitates it: its people may enter its rosters.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)  # 2 digits: the year the July–June FY ends
    number: Mapped[int] = mapped_column(Integer)  # 1–999
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(200), default="")
    facilitated_at_agency: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    # Requested fewer than 30 calendar days before it starts (POST Regulation 1055(d)).
    late_request: Mapped[bool] = mapped_column(Boolean, default=False)

    course: Mapped[Course] = relationship(lazy="joined")


class FacilitatedAccess(db.Model):
    """A person of the agency the training manager lets be shown a facilitated course."""

    __tablename__ = "facilitated_access"
    __table_args__ = (UniqueConstraint("course_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Roster(db.Model):
    __tablename__ = "roster"

    id: Mapped[int] = mapped_column(primary_key=True)
    presentation_id: Mapped[int] = mapped_column(
        ForeignKey("presentation.id", ondelete="CASCADE"), index=True
    )
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    presentation: Mapped[Presentation] = relationship(lazy="joined")
    lines: Mapped[list[RosterLine]] = relationship(
        back_populates="roster", order_by="RosterLine.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[RosterEvent]] = relationship(
        order_by="RosterEvent.id", cascade="all, delete-orphan"
    )


class RosterLine(db.Model):
    """One attendee's line; a correction voids it (its statement too) and adds the new one."""

    __tablename__ = "roster_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    post_id: Mapped[str] = mapped_column(String(11))
    attended_on: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    roster: Mapped[Roster] = relationship(back_populates="lines")


class RosterEvent(db.Model):
    """The roster's history: submitted, corrected (with the reason and what changed)."""

    __tablename__ = "roster_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    by_name: Mapped[str] = mapped_column(String(201))
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="")
