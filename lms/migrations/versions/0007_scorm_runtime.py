"""scorm runtime

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 20:41:03.024130
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import lms.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sco_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("sco_id", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("cmi", sa.Text(), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("session_opened_at", lms.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("commit_session", sa.Integer(), nullable=False),
        sa.Column("commit_sequence", sa.Integer(), nullable=False),
        sa.Column("completion_status", sa.String(length=20), nullable=False),
        sa.Column("success_status", sa.String(length=20), nullable=False),
        sa.Column("score_scaled", sa.Float(), nullable=True),
        sa.Column("score_raw", sa.Float(), nullable=True),
        sa.Column("exit", sa.String(length=20), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("ended", sa.Boolean(), nullable=False),
        sa.Column("total_seconds", sa.Float(), nullable=False),
        sa.Column("started_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("terminated_at", lms.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_sco_attempt_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sco_attempt")),
        sa.UniqueConstraint(
            "registration_id", "sco_id", "number", name=op.f("uq_sco_attempt_registration_id")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_sco_attempt_uuid")),
    )
    with op.batch_alter_table("sco_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sco_attempt_registration_sco", ["registration_id", "sco_id"], unique=False
        )

    op.create_table(
        "scorm_sequencing_state",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("launches", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("state_launch", sa.Integer(), nullable=False),
        sa.Column("state_sequence", sa.Integer(), nullable=False),
        sa.Column("course_completion", sa.String(length=20), nullable=False),
        sa.Column("course_success", sa.String(length=20), nullable=False),
        sa.Column("course_score_scaled", sa.Float(), nullable=True),
        sa.Column("course_statements", sa.Integer(), nullable=False),
        sa.Column("updated_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_scorm_sequencing_state_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_scorm_sequencing_state")),
    )

    op.create_table(
        "scorm_pending_statement",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("created_at", lms.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_scorm_pending_statement_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorm_pending_statement")),
    )
    with op.batch_alter_table("scorm_pending_statement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scorm_pending_statement_registration_id"),
            ["registration_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("scorm_pending_statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scorm_pending_statement_registration_id"))
    op.drop_table("scorm_pending_statement")
    op.drop_table("scorm_sequencing_state")
    with op.batch_alter_table("sco_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_sco_attempt_registration_sco")
    op.drop_table("sco_attempt")
