"""What the SCORM runtime keeps: each SCO attempt's CMI data, a registration's runtime state
across its SCOs (SCORM 2004 sequencing state, launches, the course's rolled-up status), and the
statements a commit produced that have yet to reach the LRS."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, db, utcnow


class ScoAttempt(db.Model):
    """One attempt of one SCO within a registration, with its CMI data as last committed.

    An attempt has one or more sessions (one per delivery of the SCO: SCORM 2004 RTE 3.1.1,
    Initialize to Terminate); commits are ordered by (session, commit sequence), so a late
    commit of an older session, or an older commit of the same session, never overwrites
    newer data."""

    __tablename__ = "sco_attempt"
    __table_args__ = (
        UniqueConstraint("registration_id", "sco_id", "number"),
        Index("ix_sco_attempt_registration_sco", "registration_id", "sco_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The attempt's own id: its xAPI attempt activity is <SCO IRI>?attemptId=<uuid>.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    # The manifest item's identifier (the SCO in the organization).
    sco_id: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer, default=1)
    # The CMI data as scorm-again exports it (JSON), the latest commit applied.
    cmi: Mapped[str] = mapped_column(Text, default="{}")
    # The newest session opened for this attempt, and when it was opened.
    session: Mapped[int] = mapped_column(Integer, default=0)
    session_opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The session and commit sequence number of the data above (0, 0: nothing committed yet).
    commit_session: Mapped[int] = mapped_column(Integer, default=0)
    commit_sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Statuses in SCORM 2004 vocabulary (SCORM 1.2 lesson_status is mapped onto both),
    # after the LMS's own evaluation (masteryscore, completion threshold, passing score).
    completion_status: Mapped[str] = mapped_column(String(20), default="not attempted")
    success_status: Mapped[str] = mapped_column(String(20), default="unknown")
    score_scaled: Mapped[float | None] = mapped_column(Float)
    score_raw: Mapped[float | None] = mapped_column(Float)
    # How the SCO last exited ("suspend", "logout", "normal", "time-out" or ""), whether the
    # attempt may be resumed, and whether it is over (the next delivery starts a new attempt).
    exit: Mapped[str] = mapped_column(String(20), default="")
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    ended: Mapped[bool] = mapped_column(Boolean, default=False)
    total_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    terminated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def started(self) -> bool:
        """Whether the SCO ever started this attempt: a session was opened for every delivery,
        but only a SCO that called Initialize commits (the player commits right after it)."""
        return self.commit_session > 0


class SequencingState(db.Model):
    """A registration's SCORM runtime state across its SCOs: how many times the player was
    opened, the SCORM 2004 sequencing state as scorm-again serialises it, and the course's
    rolled-up status (SN RB.1 for 2004; the LMS's own rule for SCORM 1.2)."""

    __tablename__ = "scorm_sequencing_state"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    # Each opening of the player page is a launch; saves are ordered by (launch, sequence).
    launches: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(Text, default="")
    state_launch: Mapped[int] = mapped_column(Integer, default=0)
    state_sequence: Mapped[int] = mapped_column(Integer, default=0)
    course_completion: Mapped[str] = mapped_column(String(20), default="unknown")
    course_success: Mapped[str] = mapped_column(String(20), default="unknown")
    course_score_scaled: Mapped[float | None] = mapped_column(Float)
    # How many course-level statements were made: part of their deterministic ids.
    course_statements: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingStatement(db.Model):
    """A statement a commit produced, written in the commit's own transaction and deleted once
    the LRS has stored it: an acknowledged commit never loses its statements."""

    __tablename__ = "scorm_pending_statement"

    # The statement's id (deterministic: the same commit always produces the same ids).
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    statement: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
