"""CPT entries: what the Training Profile shows, each made from one statement in the LRS."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, db, utcnow


class CptEntry(db.Model):
    """One completion on a person's Training Profile.

    Made by the bridge from the statement named in `statement_id`; voiding that statement
    removes the entry. Within a cycle only the earliest completion of a course carries its
    CPT hours (`credited_hours`); repeats are kept with 0."""

    __tablename__ = "cpt_entry"
    __table_args__ = (
        # The dashboard's sums read a person's cycle from the index alone (docs/dashboard.md).
        Index(
            "ix_cpt_entry_person_cycle",
            "person_id",
            "cycle_start",
            "completed_on",
            "credited_hours",
            "psp_category",
        ),
        Index("ix_cpt_entry_person_mandates", "person_id", "mandate_codes", "completed_on"),
        Index("ix_cpt_entry_person_course_cycle", "person_id", "course_id", "cycle_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)
    statement_seq: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    post_id: Mapped[str | None] = mapped_column(String(11))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    certification_number: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    completed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    completed_on: Mapped[dt.date] = mapped_column(Date)
    cycle_start: Mapped[int] = mapped_column(Integer)
    # What the completion is worth, and what this entry is credited after the once-per-cycle rule.
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    credited_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    # automatic | recorded | roster: how the completion reached the profile.
    source: Mapped[str] = mapped_column(String(20))
    mandate_codes: Mapped[str] = mapped_column(String(200), default="")
    psp_category: Mapped[str | None] = mapped_column(String(40))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The credential key of the source statement's authority: only it, or the portal, may void
    # the statement and so remove this entry.
    authority: Mapped[str] = mapped_column(String(100), default="", server_default="")

    @property
    def mandates(self) -> list[str]:
        return self.mandate_codes.split()
