"""What the reports keep: a projection of each registration's statements (one event per
statement, one summary per registration, the cursor it has read to) and the completion
certificates issued, each with its random verification code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, db, utcnow


class ReportCursor(db.Model):
    """How far in the LRS's stored order the activity projection has read."""

    __tablename__ = "report_cursor"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActivityEvent(db.Model):
    """One stored statement of a portal registration, reduced to what the reports show;
    removed when the statement is voided."""

    __tablename__ = "activity_event"
    __table_args__ = (Index("ix_activity_event_registration_seq", "registration_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    seq: Mapped[int] = mapped_column(Integer)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    verb: Mapped[str] = mapped_column(String(300))
    object_id: Mapped[str] = mapped_column(String(500))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    score_scaled: Mapped[float | None] = mapped_column(Float)
    success: Mapped[bool | None] = mapped_column()
    completion: Mapped[bool | None] = mapped_column()
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    progress: Mapped[int | None] = mapped_column(Integer)


class ActivitySummary(db.Model):
    """A registration's activity so far, made again from its events whenever one changes."""

    __tablename__ = "activity_summary"
    __table_args__ = (
        Index("ix_activity_summary_course_status", "course_id", "status"),
        Index("ix_activity_summary_person", "person_id", "last_activity_at"),
        Index("ix_activity_summary_last_activity", "last_activity_at"),
    )

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    # An ActivityStatus value other than registered and dropped (the registration says those).
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    score_scaled: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    time_spent_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    progress: Mapped[int | None] = mapped_column(Integer)
    statements: Mapped[int] = mapped_column(Integer, default=0)


class Certificate(db.Model):
    """A completion certificate: issued once per CPT entry's statement, with what it certified
    as it was then, and a verification code from a cryptographic source (never derived from
    the person). Revoked when the completion's statement is voided."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("course.id", ondelete="SET NULL"), index=True
    )
    holder_name: Mapped[str] = mapped_column(String(200))
    post_id: Mapped[str | None] = mapped_column(String(11))
    agency_name: Mapped[str] = mapped_column(String(200), default="")
    course_title: Mapped[str] = mapped_column(String(200))
    certification_number: Mapped[str] = mapped_column(String(10))
    completed_on: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
