"""Imports every area's models, so that the metadata Alembic compares against is complete."""

from __future__ import annotations


def import_all() -> None:
    import lms.accounts.models  # noqa: F401
