"""What the cmi5 and Tin Can players keep: launch sessions, and each course node's status
within a registration (AUs, blocks and the course itself)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, db, utcnow


class LaunchSession(db.Model):
    """One launch of a cmi5 AU or a Tin Can activity: its session id, its credential, and
    where in the session the AU is."""

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
    # The LRS credential the AU sends statements with (cmi5: handed out once by the fetch URL).
    credential_key: Mapped[str | None] = mapped_column(String(64), index=True)
    fetch_token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    fetched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    launched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    initialized_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    terminated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    abandoned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_statement_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class NodeStatus(db.Model):
    """Where one AU, block or the course stands in a registration (cmi5 §9.3, §13.1)."""

    __tablename__ = "cmi5_node_status"
    __table_args__ = (UniqueConstraint("registration_id", "node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    # The node's id in the course structure (AU, block or course publisher id).
    node_id: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(10))  # au | block | course
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    passed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    waived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    waive_reason: Mapped[str | None] = mapped_column(String(40))
    satisfied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
