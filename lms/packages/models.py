"""Imported versions of a course's package."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import UTCDateTime, db, utcnow


class PackageVersion(db.Model):
    """One import of a course's package; the parsed manifest is kept for the player."""

    __tablename__ = "package_version"
    __table_args__ = (UniqueConstraint("course_id", "version"),)

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
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
