"""Courses, their certification and mandates, and learners' registrations."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Agency
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
        Index("ix_registration_person_registered", "person_id", "registered_at"),
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


class CertificationRequest(db.Model):
    """A presenting agency's request that POST certify a course (docs/certification.md)."""

    __tablename__ = "certification_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # A CertificationDelivery value: classroom | facilitated | distance.
    delivery: Mapped[str] = mapped_column(String(20))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    # The expanded course outline (a PDF) in the content store.
    outline_key: Mapped[str] = mapped_column(String(200))
    outline_sha256: Mapped[str] = mapped_column(String(64))
    outline_filename: Mapped[str] = mapped_column(String(200))
    outline_size: Mapped[int] = mapped_column(Integer)
    # Space-separated Mandate values the course asks to meet.
    mandate_codes: Mapped[str] = mapped_column(String(200), default="")
    psp_category: Mapped[str | None] = mapped_column(String(40))
    # The instructors' names, one per line.
    instructors: Mapped[str] = mapped_column(Text, default="")
    # submitted | returned | approved | in_catalog
    status: Mapped[str] = mapped_column(String(20), default="submitted", index=True)
    # Given by POST staff on approval: presenter (4 digits) and course (5 digits).
    certification_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    cpt_hours: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship()
    events: Mapped[list[CertificationEvent]] = relationship(
        back_populates="request",
        cascade="all, delete-orphan",
        order_by="(CertificationEvent.at, CertificationEvent.id)",
    )

    @property
    def mandates(self) -> list[str]:
        return self.mandate_codes.split()

    @property
    def instructor_names(self) -> list[str]:
        return [line for line in self.instructors.splitlines() if line.strip()]


class CertificationEvent(db.Model):
    """One step of a certification request: who, when, their comments, what changed."""

    __tablename__ = "certification_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("certification_request.id", ondelete="CASCADE"), index=True
    )
    # A CertificationAction value.
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The name as it was at the time (kept if the person is removed).
    by_name: Mapped[str] = mapped_column(String(200))
    comments: Mapped[str] = mapped_column(Text, default="")
    # What changed: {field: [before, after]}, shown as text.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    request: Mapped[CertificationRequest] = relationship(back_populates="events")
