"""What the cmi5 and Tin Can players share: launch sessions, and each course node's status
within a registration (AUs, blocks and the course itself; a Tin Can package's activity).

The table names are the ones these models had under lms.player.cmi5 (no migration)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, db, utcnow

CMI5, TINCAN = "cmi5", "tincan"


class LaunchSession(db.Model):
    """One launch of a cmi5 AU or a Tin Can activity: its session id, its credential, and
    where in the session the AU is.

    The columns the statement rules read (initialized_at … failed_at, terminated_at,
    abandoned_at) change only inside the LRS's statement transaction (lms.player.cmi5.checks),
    so they always agree with the statements stored.
    """

    __tablename__ = "launch_session"
    __table_args__ = (Index("ix_launch_session_registration_au", "registration_id", "au_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # cmi5's session id (the sessionid context extension).
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    standard: Mapped[str] = mapped_column(String(10))  # cmi5 | tincan
    # The AU's (or Tin Can activity's) id in the course structure, and the LMS's own IRI for it.
    au_id: Mapped[str] = mapped_column(String(500))
    activity_id: Mapped[str] = mapped_column(String(500))
    launch_mode: Mapped[str] = mapped_column(String(10), default="Normal")
    # What LMS.LaunchData told the AU (cmi5 §10.2.4, §10.2.5); the rules judge by these.
    move_on: Mapped[str | None] = mapped_column(String(20))
    mastery_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 4))
    # The LRS credential the AU sends statements with (cmi5: handed out once by the fetch URL).
    credential_key: Mapped[str | None] = mapped_column(String(64), index=True)
    fetch_token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    fetched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    launched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When the AU read its cmi5LearnerPreferences (cmi5 §11: before its first statement).
    learner_preferences_read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    initialized_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # cmi5 defined completed / passed / failed sent in this session (cmi5 §9.3 ordering).
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    passed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    terminated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    abandoned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_statement_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def ended(self) -> bool:
        return self.terminated_at is not None or self.abandoned_at is not None

    @property
    def last_activity_at(self) -> dt.datetime:
        """When the session was last heard of: its last statement, fetch or launch."""
        moments = [self.created_at, self.launched_at, self.fetched_at, self.last_statement_at]
        return max(moment for moment in moments if moment is not None)


class NodeStatus(db.Model):
    """Where one AU, block or the course stands in a registration (cmi5 §9.3, §13.1); for a
    Tin Can package, its launched activity."""

    __tablename__ = "cmi5_node_status"
    __table_args__ = (UniqueConstraint("registration_id", "node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    # The node's id in the course structure (AU, block or course publisher id).
    node_id: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(10))  # au | block | course | activity
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    passed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    waived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    waive_reason: Mapped[str | None] = mapped_column(String(40))
    satisfied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
