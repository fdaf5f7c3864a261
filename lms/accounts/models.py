"""People, agencies, sub-affiliations, roles, sign-in throttling, invitations, access requests,
POST's bulletins and who has read them."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.interfaces import Role
from lms.db import UTCDateTime, db, utcnow


class Agency(db.Model):
    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    agency_number: Mapped[str] = mapped_column(String(20), unique=True)
    in_post_program: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    sub_affiliations: Mapped[list[SubAffiliation]] = relationship(
        back_populates="agency", order_by="SubAffiliation.name"
    )
    people: Mapped[list[Person]] = relationship(back_populates="agency")


class SubAffiliation(db.Model):
    """A group of an agency's learners; sub-affiliations form a tree under their agency."""

    __tablename__ = "sub_affiliation"
    __table_args__ = (UniqueConstraint("agency_id", "parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sub_affiliation.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    agency: Mapped[Agency] = relationship(back_populates="sub_affiliations")
    parent: Mapped[SubAffiliation | None] = relationship(
        remote_side="SubAffiliation.id", back_populates="children"
    )
    children: Mapped[list[SubAffiliation]] = relationship(
        back_populates="parent", order_by="SubAffiliation.name"
    )


class Person(UserMixin, db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # None until the person sets a password through their invitation link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    sub_affiliation_id: Mapped[int | None] = mapped_column(
        ForeignKey("sub_affiliation.id"), index=True
    )
    post_id: Mapped[str | None] = mapped_column(String(11), unique=True)
    post_id_linked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Signed into every session cookie; raised by sign-out and password changes, so that every
    # session issued before then stops working (the user loader compares them).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    agency: Mapped[Agency | None] = relationship(back_populates="people")
    sub_affiliation: Mapped[SubAffiliation | None] = relationship()
    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )

    def get_id(self) -> str:
        """What flask-login keeps in the session and the remember-me cookie: the id and the
        session version, so that raising the version ends every session issued before."""
        return f"{self.id}:{self.session_version}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def roles(self) -> set[Role]:
        return {Role(grant.role) for grant in self.role_grants}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_post_staff(self) -> bool:
        return self.has_role(Role.POST_STAFF)

    @property
    def administers_agency(self) -> bool:
        return self.agency_id is not None and self.has_role(Role.LP_ADMINISTRATOR)

    @property
    def is_active(self) -> bool:  # flask-login: an invited person cannot sign in yet
        return self.password_hash is not None


class RoleGrant(db.Model):
    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship(back_populates="role_grants")


class SignInThrottle(db.Model):
    """Failed sign-ins per e-mail address, kept in the database so every process sees them."""

    __tablename__ = "sign_in_throttle"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invitation(db.Model):
    """A one-time link that lets an invited person set their password."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()


class AccessRequest(db.Model):
    """A non-POST agency's request for access to the Learning Portal."""

    __tablename__ = "access_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    contact_first_name: Mapped[str] = mapped_column(String(100))
    contact_last_name: Mapped[str] = mapped_column(String(100))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))

    agency: Mapped[Agency | None] = relationship()


class Bulletin(db.Model):
    """An update or bulletin POST staff publish to every account: plain text and an optional
    PDF, kept in the content store under its SHA-256."""

    __tablename__ = "bulletin"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    published_on: Mapped[dt.date] = mapped_column(Date, index=True)
    text: Mapped[str] = mapped_column(Text)
    pdf_key: Mapped[str | None] = mapped_column(String(200))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_filename: Mapped[str | None] = mapped_column(String(200))
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped[Person | None] = relationship()


class BulletinRead(db.Model):
    """A person opened a bulletin: from then on it is no longer shown as new to them."""

    __tablename__ = "bulletin_read"
    __table_args__ = (UniqueConstraint("bulletin_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletin.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
