"""POST's bulletins and who has read them

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 07:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lms.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bulletin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("pdf_key", sa.String(length=200), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdf_filename", sa.String(length=200), nullable=True),
        sa.Column("pdf_size", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_bulletin_created_by_id_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin")),
    )
    with op.batch_alter_table("bulletin", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bulletin_published_on"), ["published_on"], unique=False
        )

    op.create_table(
        "bulletin_read",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("read_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bulletin_id"],
            ["bulletin.id"],
            name=op.f("fk_bulletin_read_bulletin_id_bulletin"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_bulletin_read_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin_read")),
        sa.UniqueConstraint("bulletin_id", "person_id", name=op.f("uq_bulletin_read_bulletin_id")),
    )
    with op.batch_alter_table("bulletin_read", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bulletin_read_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bulletin_read", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulletin_read_person_id"))

    op.drop_table("bulletin_read")
    with op.batch_alter_table("bulletin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulletin_published_on"))

    op.drop_table("bulletin")
