"""The packages area's services, what other areas and the views call: import a package (the
pipeline, lms.packages.pipeline), a course's package versions, and a version's stored file.

Nothing here commits (docs/architecture.md, "The transaction contract").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms.catalog.models import Registration
from lms.db import db
from lms.packages.content_store import ContentStore, StoredFile
from lms.packages.interfaces import ContentNotFound, PackageFileNotFound
from lms.packages.models import PackageVersion
from lms.packages.pipeline import import_package

__all__ = [
    "PackageFile",
    "import_package",
    "latest_version",
    "on_registered",
    "package_file",
    "versions_of",
]


def versions_of(course_id: int) -> list[PackageVersion]:
    return list(
        db.session.scalars(
            select(PackageVersion)
            .where(PackageVersion.course_id == course_id)
            .order_by(PackageVersion.version.desc())
        )
    )


def latest_version(course_id: int) -> PackageVersion | None:
    return db.session.scalar(
        select(PackageVersion)
        .where(PackageVersion.course_id == course_id)
        .order_by(PackageVersion.version.desc())
        .limit(1)
    )


def on_registered(registration: Registration) -> None:
    """A new registration plays the newest imported version of its course (the catalog's
    registration hook, subscribed first in create_app so that the player's hooks see it)."""
    latest = latest_version(registration.course_id)
    registration.package_version_id = latest.id if latest is not None else None
    db.session.flush()


@dataclass(frozen=True)
class PackageFile:
    """A file of a package version, found in the content store under `key`."""

    key: str
    stored: StoredFile


def package_file(store: ContentStore, version: PackageVersion, path: str) -> PackageFile:
    """The file at `path` of the version; PackageFileNotFound if it has none (or the path
    would leave the version's folder)."""
    key = version.content_prefix + path
    try:
        return PackageFile(key, store.stat(key))
    except (ContentNotFound, ValueError):
        raise PackageFileNotFound(f"The package has no file {path}.", "path") from None
