"""Imported versions of a course's package, and the imports under way."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, db, utcnow


class PackageVersion(db.Model):
    """One import of a course's package; the parsed manifest is kept for the player."""

    __tablename__ = "package_version"
    __table_args__ = (
        UniqueConstraint("course_id", "version"),
        # One course per manifest identifier: two first imports of it at once cannot both
        # make a course (the second becomes version 2).
        Index(
            "uq_package_version_first_identifier",
            "identifier",
            unique=True,
            sqlite_where=text("version = 1"),
            postgresql_where=text("version = 1"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    standard: Mapped[str] = mapped_column(String(20))
    edition: Mapped[str | None] = mapped_column(String(20))
    # The manifest's own identifier: a later import with the same one is a new version.
    identifier: Mapped[str] = mapped_column(String(500), index=True)
    title: Mapped[str] = mapped_column(String(500))
    launch: Mapped[str | None] = mapped_column(Text)
    # ParsedPackage.to_json(), as JSON text.
    parsed: Mapped[str] = mapped_column(Text)
    content_prefix: Mapped[str] = mapped_column(String(200))
    file_count: Mapped[int] = mapped_column(Integer)
    total_bytes: Mapped[int] = mapped_column(BigInteger)
    # The SHA-256 of the file imported (a zip, or a bare cmi5.xml); none for versions imported
    # before it was kept (migration 0011).
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PackageImport(db.Model):
    """A package uploaded on the web, and how its import is going.

    The row is the import's whole state, so any process can answer how it is going, and a
    process can take over an import whose worker stopped (no heartbeat for a while)."""

    __tablename__ = "package_import"
    __table_args__ = (Index("ix_package_import_status", "status", "heartbeat_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: uuid.uuid4().hex)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    # The name the file had on the uploader's computer, shown back to them.
    file_name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    # The uploaded file, relative to the instance folder's upload area.
    upload_name: Mapped[str] = mapped_column(String(100))
    # queued | running | done | failed
    status: Mapped[str] = mapped_column(String(10), default="queued")
    # unpacking | storing (with done_bytes of total_bytes), then recorded
    stage: Mapped[str] = mapped_column(String(20), default="queued")
    done_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    total_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    package_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("package_version.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    def content_prefix(self, attempt: int) -> str:
        """Where an attempt stores its files: a folder of its own, so that a worker that was
        taken for stopped, but still runs, never touches the files of the one that took over."""
        return attempt_content_prefix(self.token, attempt)

    @property
    def finished(self) -> bool:
        return self.status in {"done", "failed"}


def attempt_content_prefix(token: str, attempt: int) -> str:
    return f"packages/{token}/{attempt}/"
