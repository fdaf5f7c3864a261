"""What the SCORM runtime keeps: each SCO attempt's CMI data, and a registration's sequencing
state (SCORM 2004)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, db, utcnow


class ScoAttempt(db.Model):
    """One attempt of one SCO within a registration, with its CMI data as last committed."""

    __tablename__ = "sco_attempt"
    __table_args__ = (
        UniqueConstraint("registration_id", "sco_id", "number"),
        Index("ix_sco_attempt_registration_sco", "registration_id", "sco_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The attempt's own id: its xAPI attempt activity is <course IRI>/<sco>?attemptId=<uuid>.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    # The manifest item's identifier (the SCO in the organization).
    sco_id: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer, default=1)
    # The CMI data as scorm-again exports it (JSON), the latest commit applied.
    cmi: Mapped[str] = mapped_column(Text, default="{}")
    # The commit sequence number of the data above: an older commit arriving late is ignored.
    commit_sequence: Mapped[int] = mapped_column(Integer, default=0)
    completion_status: Mapped[str] = mapped_column(String(20), default="not attempted")
    success_status: Mapped[str] = mapped_column(String(20), default="unknown")
    score_scaled: Mapped[float | None] = mapped_column(Float)
    # How the SCO last exited ("suspend", "logout", "normal", "time-out" or ""), and whether
    # the attempt may be resumed.
    exit: Mapped[str] = mapped_column(String(20), default="")
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    total_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    terminated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SequencingState(db.Model):
    """A registration's SCORM 2004 sequencing state, as scorm-again serialises it."""

    __tablename__ = "scorm_sequencing_state"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
