"""An agency's customization of a course: the draft its LP administrators edit, the immutable
versions they publish, and which version each registration was started on."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import UTCDateTime, db, utcnow


class Customization(db.Model):
    """One agency's customization of one course: its draft, and whether it needs review."""

    __tablename__ = "customization"
    __table_args__ = (UniqueConstraint("agency_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    # The draft's policy PDF (content store key, SHA-256, name as uploaded, size).
    policy_key: Mapped[str | None] = mapped_column(String(200))
    policy_sha256: Mapped[str | None] = mapped_column(String(64))
    policy_filename: Mapped[str | None] = mapped_column(String(200))
    policy_size: Mapped[int | None] = mapped_column(Integer)
    # Raised by every change of the draft's policy: a stale upload form is refused.
    policy_revision: Mapped[int] = mapped_column(Integer, default=0)
    # Set when the course came back online with this agency's last version restored as the
    # draft: learners are gated until an administrator publishes again.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    answers: Mapped[list[DraftFeedback]] = relationship(
        back_populates="customization", cascade="all, delete-orphan", lazy="selectin"
    )
    versions: Mapped[list[CustomizationVersion]] = relationship(
        back_populates="customization",
        order_by="CustomizationVersion.number",
        cascade="all, delete-orphan",
    )


class DraftFeedback(db.Model):
    """The draft's feedback for one question; `revision` rises with every save, so that a save
    made from an older revision (another administrator saved in between) is refused."""

    __tablename__ = "customization_draft_feedback"
    __table_args__ = (UniqueConstraint("customization_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customization_id: Mapped[int] = mapped_column(
        ForeignKey("customization.id", ondelete="CASCADE")
    )
    question_id: Mapped[str] = mapped_column(String(40))
    correct: Mapped[str] = mapped_column(Text, default="")
    incorrect: Mapped[str] = mapped_column(Text, default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    customization: Mapped[Customization] = relationship(back_populates="answers")


class CustomizationVersion(db.Model):
    """A published version: never changed once written."""

    __tablename__ = "customization_version"
    __table_args__ = (UniqueConstraint("customization_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customization_id: Mapped[int] = mapped_column(
        ForeignKey("customization.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    published_by_name: Mapped[str] = mapped_column(String(201))
    # The whole feedback document the course reads: {"version", "questions": {...}}, every
    # question, the agency's texts or POST's default.
    feedback: Mapped[str] = mapped_column(Text)
    # The agency's texts as written ({"q01": {"correct", "incorrect"}}; a question or text left
    # at POST's default is not there), for comparing versions and restoring one as the draft.
    texts: Mapped[str] = mapped_column(Text, default="{}")
    policy_key: Mapped[str] = mapped_column(String(200))
    policy_sha256: Mapped[str] = mapped_column(String(64))
    policy_filename: Mapped[str] = mapped_column(String(200))
    policy_size: Mapped[int] = mapped_column(Integer)

    customization: Mapped[Customization] = relationship(back_populates="versions")

    @property
    def written(self) -> dict[str, dict[str, str]]:
        """The agency's texts, by question id."""
        return json.loads(self.texts)


@event.listens_for(CustomizationVersion, "before_update")
def _never_changed(mapper: object, connection: object, version: CustomizationVersion) -> None:
    raise ValueError(f"customization version {version.id} is published and never changes")


class VersionPin(db.Model):
    """The version a registration was started on: it finishes on it, whatever is published
    after."""

    __tablename__ = "customization_pin"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("customization_version.id"))
    pinned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[CustomizationVersion] = relationship(lazy="joined")
