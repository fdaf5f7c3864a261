"""package digest: the SHA-256 of the file each package version was imported from

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 22:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("package_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("package_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("package_version", schema=None) as batch_op:
        batch_op.drop_column("package_sha256")
