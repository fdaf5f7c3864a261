"""Importing a course package: unzip safely, parse the manifest, store the files, record the
version. A package whose manifest identifier is already known becomes that course's next
version; otherwise a new, unpublished course is made for it."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from lms.catalog.models import Course
from lms.db import db
from lms.domain import DomainError
from lms.packages.content_store import ContentStore
from lms.packages.manifests import ManifestError, ParsedPackage, detect_and_parse, parse_cmi5_xml
from lms.packages.models import PackageVersion
from lms.packages.safezip import Limits, UnsafeArchive, extract

Progress = Callable[[str, int, int], None]
CMI5_XML_LIMIT = 16 * 1024 * 1024


class PackageRejected(DomainError):
    """The package cannot be imported; the message names the file or entry and the rule."""


@dataclass(frozen=True)
class ImportResult:
    course_id: int
    version: int
    standard: str
    edition: str | None
    title: str
    file_count: int

    def as_json(self) -> dict[str, object]:
        return {
            "course_id": self.course_id,
            "version": self.version,
            "standard": self.standard,
            "edition": self.edition,
            "title": self.title,
            "files": self.file_count,
        }


def _slug(title: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "course"
    slug, n = base, 1
    while db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def import_package(
    package_file: Path,
    store: ContentStore,
    work_folder: Path,
    *,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a package zip (or a bare cmi5.xml). Nothing is recorded unless all of it worked."""
    limits = limits or Limits.from_environment()
    work_folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="import-", dir=work_folder))
    try:
        parsed, root, files, total = _unpack_and_parse(package_file, scratch, limits, progress)
        return _record(parsed, root, files, total, store, progress)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _unpack_and_parse(
    package_file: Path, scratch: Path, limits: Limits, progress: Progress | None
) -> tuple[ParsedPackage, Path, tuple[str, ...], int]:
    try:
        if package_file.suffix.lower() == ".xml":
            if package_file.stat().st_size > CMI5_XML_LIMIT:
                raise PackageRejected(f"{package_file.name}: larger than a cmi5.xml may be")
            return parse_cmi5_xml(package_file.read_bytes(), package_file.name), scratch, (), 0
        unpacked = extract(
            package_file,
            scratch / "package",
            limits,
            (lambda done, total: progress("unpacking", done, total)) if progress else None,
        )
        parsed = detect_and_parse(unpacked.root, unpacked.files)
        return parsed, unpacked.root, unpacked.files, unpacked.total_bytes
    except UnsafeArchive as error:
        raise PackageRejected(f"{package_file.name}: {error.message}") from None
    except ManifestError as error:
        raise PackageRejected(str(error)) from None


def _record(
    parsed: ParsedPackage,
    root: Path,
    files: tuple[str, ...],
    total: int,
    store: ContentStore,
    progress: Progress | None,
) -> ImportResult:
    earlier = db.session.scalar(
        select(PackageVersion)
        .where(PackageVersion.identifier == parsed.identifier)
        .order_by(PackageVersion.version.desc())
        .limit(1)
    )
    if earlier is None:
        course = Course(
            slug=_slug(parsed.title),
            title=parsed.title[:200],
            description="",
            audience_codes="peace_officer dispatcher npo",
            delivery="distance",
            published=False,
        )
        db.session.add(course)
        db.session.flush()
        course_id = course.id
    else:
        course_id = earlier.course_id
    version = 1 + (
        db.session.scalar(
            select(func.max(PackageVersion.version)).where(PackageVersion.course_id == course_id)
        )
        or 0
    )
    prefix = f"packages/{course_id}/{version}/"
    sent = 0

    def stored(amount: int) -> None:
        nonlocal sent
        sent += amount
        if progress:
            progress("storing", sent, total)

    try:
        if files:
            store.put_tree(prefix, root, files, stored)
        db.session.add(
            PackageVersion(
                course_id=course_id,
                version=version,
                standard=parsed.standard,
                edition=parsed.edition,
                identifier=parsed.identifier[:500],
                title=parsed.title[:500],
                launch=parsed.launch,
                parsed=json.dumps(parsed.to_json()),
                content_prefix=prefix,
                file_count=len(files),
                total_bytes=total,
            )
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if files:
            store.delete_prefix(prefix)
        raise
    return ImportResult(
        course_id, version, parsed.standard, parsed.edition, parsed.title, len(files)
    )


def versions_of(course_id: int) -> list[PackageVersion]:
    return list(
        db.session.scalars(
            select(PackageVersion)
            .where(PackageVersion.course_id == course_id)
            .order_by(PackageVersion.version.desc())
        )
    )
