"""Courses, their certification and mandates, and learners' registrations."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.catalog.interfaces import Audience
from lms.db import UTCDateTime, db, utcnow


class Course(db.Model):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Space-separated Audience values: who may register.
    audience_codes: Mapped[str] = mapped_column(String(100))
    delivery: Mapped[str] = mapped_column(String(20))
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    certification: Mapped[CourseCertification | None] = relationship(
        back_populates="course", uselist=False, cascade="all, delete-orphan", lazy="joined"
    )

    @property
    def audience(self) -> set[Audience]:
        return {Audience(code) for code in self.audience_codes.split()}

    @property
    def dispatcher_specific(self) -> bool:
        return self.audience == {Audience.DISPATCHER}


class CourseCertification(db.Model):
    """POST's certification of a course: its number, CPT hours, credit rule, mandates met."""

    __tablename__ = "course_certification"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), unique=True)
    # Presenter (4 digits) and course (5 digits): 1850-21796.
    certification_number: Mapped[str] = mapped_column(String(10), unique=True)
    cpt_hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    credit_rule: Mapped[str] = mapped_column(String(20))
    # Completion: which statement completes the course (SCORM, Tin Can).
    completion: Mapped[str] = mapped_column(
        String(20), default="completed", server_default="completed"
    )
    psp_category: Mapped[str | None] = mapped_column(String(40))
    # Space-separated Mandate values the course meets.
    mandate_codes: Mapped[str] = mapped_column(String(200), default="")

    course: Mapped[Course] = relationship(back_populates="certification")


class Registration(db.Model):
    """A person's registration for a course; its UUID is the xAPI registration."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("uuid"),
        Index("ix_registration_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), default=lambda: str(uuid.uuid4()))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    # The package version the learner started on: a newer import leaves them on it.
    package_version_id: Mapped[int | None] = mapped_column(ForeignKey("package_version.id"))
    # active | dropped | completed
    status: Mapped[str] = mapped_column(String(20), default="active")
    registered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship(lazy="joined")
