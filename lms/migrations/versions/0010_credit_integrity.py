"""credit integrity: session versions, the authority behind each CPT entry, unentitled skips

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")
        )
    with op.batch_alter_table("cpt_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("authority", sa.String(length=100), nullable=False, server_default="")
        )
    with op.batch_alter_table("bridge_cursor", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("skipped_unentitled", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("bridge_cursor", schema=None) as batch_op:
        batch_op.drop_column("skipped_unentitled")
    with op.batch_alter_table("cpt_entry", schema=None) as batch_op:
        batch_op.drop_column("authority")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("session_version")
