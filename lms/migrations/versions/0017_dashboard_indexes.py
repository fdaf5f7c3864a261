"""dashboard: the indexes its sums read

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 14:05:00
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

CYCLE_FIGURES = ["person_id", "cycle_start", "completed_on", "credited_hours", "psp_category"]


def upgrade() -> None:
    with op.batch_alter_table("cpt_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_cpt_entry_person_cycle")
        batch_op.create_index("ix_cpt_entry_person_cycle", CYCLE_FIGURES, unique=False)
        batch_op.create_index(
            "ix_cpt_entry_person_mandates",
            ["person_id", "mandate_codes", "completed_on"],
            unique=False,
        )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registration_person_registered", ["person_id", "registered_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_person_registered")
    with op.batch_alter_table("cpt_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_cpt_entry_person_mandates")
        batch_op.drop_index("ix_cpt_entry_person_cycle")
        batch_op.create_index(
            "ix_cpt_entry_person_cycle", ["person_id", "cycle_start"], unique=False
        )
