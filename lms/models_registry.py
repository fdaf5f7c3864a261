"""Imports every area's models, so that the metadata Alembic compares against is complete."""

from __future__ import annotations


def import_all() -> None:
    import lms.accounts.models  # noqa: F401
    import lms.bridge.models  # noqa: F401
    import lms.catalog.models  # noqa: F401
    import lms.customization.models  # noqa: F401
    import lms.facilitation.models  # noqa: F401
    import lms.packages.models  # noqa: F401
    import lms.player.models  # noqa: F401
    import lms.player.scorm.models  # noqa: F401
    import lms.reports.models  # noqa: F401
    import lms.training.models  # noqa: F401


def all_metadata() -> list:
    """The LMS's tables and the LRS's, which one migration history builds."""
    from lms.db import db
    from lrs.backend.schema import metadata as lrs_metadata

    import_all()
    return [db.metadata, lrs_metadata]
