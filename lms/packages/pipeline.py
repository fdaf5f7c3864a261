"""The import pipeline: unzip safely, parse the manifest, store the files, record the version.
A package whose manifest identifier is already known becomes that course's next version;
otherwise a new, unpublished course is made for it.

The pipeline writes in the caller's unit of work and never commits (docs/architecture.md, "The
transaction contract"): the CLI command, the upload queue's job or the test that runs it
commits, or rolls back. Callers reach it through lms.packages.services.import_package."""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms import unit_of_work
from lms.catalog.models import Course
from lms.db import db
from lms.packages.content_store import ContentStore
from lms.packages.folder_removal import remove_folder
from lms.packages.interfaces import ImportResult, PackageRejected
from lms.packages.manifests import ManifestError, ParsedPackage, detect_and_parse, parse_cmi5_xml
from lms.packages.models import PackageVersion
from lms.packages.safezip import Limits, UnsafeArchive, extract

Progress = Callable[[str, int, int], None]
CMI5_XML_LIMIT = 16 * 1024 * 1024
RECORD_ATTEMPTS = 5


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
    content_prefix: str | None = None,
    on_recorded: Callable[[PackageVersion], None] | None = None,
    file_name: str | None = None,
    course_id: int | None = None,
) -> ImportResult:
    """Import a package zip (or a bare cmi5.xml). Nothing is recorded unless all of it worked.

    The files go under `content_prefix` (a folder of this import's own, new by default) before
    the database is touched, so that no transaction stays open while gigabytes are copied; the
    version is then recorded (added and flushed, in the caller's unit of work, which commits
    it); `on_recorded` runs after it, in the same unit, so what it writes is committed with the
    version or not at all. If recording fails, the stored files are deleted again. Errors name
    the package by `file_name` (the uploader's name for it), or by the file's own name.

    `course_id` makes the package the next version of that course (the demo data attaches the
    bundled courses to theirs so); a package whose identifier is another course's is refused.
    Without it the identifier finds the course, or a new one is made."""
    limits = limits or Limits.from_environment()
    prefix = content_prefix or f"packages/{uuid.uuid4().hex}/"
    work_folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="import-", dir=work_folder))
    try:
        parsed, root, files, total = _unpack_and_parse(
            package_file, file_name or package_file.name, scratch, limits, progress
        )
        stored = 0

        def storing(amount: int) -> None:
            nonlocal stored
            stored += amount
            if progress:
                progress("storing", stored, total)

        if files:
            store.put_tree(prefix, root, files, storing)
        stored_as = _Stored(prefix, len(files), total, _sha256(package_file), course_id)
        try:
            return _record_version(parsed, stored_as, on_recorded)
        except BaseException:
            if files:
                store.delete_prefix(prefix)
            raise
    finally:
        remove_folder(scratch, ignore_errors=True)


def _unpack_and_parse(
    package_file: Path, name: str, scratch: Path, limits: Limits, progress: Progress | None
) -> tuple[ParsedPackage, Path, tuple[str, ...], int]:
    try:
        if package_file.suffix.lower() == ".xml":
            if package_file.stat().st_size > CMI5_XML_LIMIT:
                raise PackageRejected(f"{name}: larger than a cmi5.xml may be")
            return parse_cmi5_xml(package_file.read_bytes(), name), scratch, (), 0
        unpacked = extract(
            package_file,
            scratch / "package",
            limits,
            (lambda done, total: progress("unpacking", done, total)) if progress else None,
        )
        parsed = detect_and_parse(unpacked.root, unpacked.files)
        return parsed, unpacked.root, unpacked.files, unpacked.total_bytes
    except UnsafeArchive as error:
        raise PackageRejected(f"{name}: {error.message}") from None
    except ManifestError as error:
        raise PackageRejected(str(error)) from None


@dataclass(frozen=True)
class _Stored:
    """Where an import's files went, what they amount to, and the course asked for."""

    prefix: str
    file_count: int
    total_bytes: int
    sha256: str
    course_id: int | None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inspect_package(
    package_file: Path, work_folder: Path, *, limits: Limits | None = None
) -> ParsedPackage:
    """What importing the package would record, checked by the same rules, storing nothing
    (`lms packages build --check`); PackageRejected says why it would be refused."""
    limits = limits or Limits.from_environment()
    work_folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="inspect-", dir=work_folder))
    try:
        return _unpack_and_parse(package_file, package_file.name, scratch, limits, None)[0]
    finally:
        remove_folder(scratch, ignore_errors=True)


def _record_version(
    parsed: ParsedPackage,
    stored: _Stored,
    on_recorded: Callable[[PackageVersion], None] | None,
) -> ImportResult:
    """Record the package as its course's next version (a new course for a new identifier).

    Two imports of one course at once, in two processes, may pick the same version number, or
    both make the course of a new identifier; the unique constraints refuse the second, and it
    tries again and becomes the next version. Each try is a SAVEPOINT of the caller's unit of
    work, so a refused try undoes only itself; on SQLite it takes the writer's lock before it
    reads (one writer at a time: a try that read, then wrote after another's commit, would be
    refused), as the LRS's writes in a unit do (lms/unit_of_work.py)."""
    attempt = 1
    while True:
        try:
            with unit_of_work.writing_savepoint():
                return _try_record_version(parsed, stored, on_recorded)
        except IntegrityError:
            if attempt == RECORD_ATTEMPTS:
                raise
            attempt += 1


def _try_record_version(
    parsed: ParsedPackage,
    stored: _Stored,
    on_recorded: Callable[[PackageVersion], None] | None,
) -> ImportResult:
    course_id = _course_for(parsed) if stored.course_id is None else _attach_to(parsed, stored)
    version = _add_version(parsed, course_id, stored)
    if on_recorded is not None:
        on_recorded(version)
    return ImportResult(
        course_id,
        version.version,
        parsed.standard,
        parsed.edition,
        parsed.title,
        stored.file_count,
        parsed.warnings,
    )


def _course_for(parsed: ParsedPackage) -> int:
    """The course whose package has the parsed identifier; a new, unpublished one for a new
    identifier."""
    earlier = db.session.scalar(
        select(PackageVersion)
        .where(PackageVersion.identifier == parsed.identifier[:500])
        .order_by(PackageVersion.version.desc())
        .limit(1)
    )
    if earlier is not None:
        return earlier.course_id
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
    return course.id


def _attach_to(parsed: ParsedPackage, stored: _Stored) -> int:
    """The course asked for, unless the package's identifier is another course's."""
    owner = db.session.scalar(
        select(PackageVersion.course_id)
        .where(PackageVersion.identifier == parsed.identifier[:500])
        .order_by(PackageVersion.version.desc())
        .limit(1)
    )
    if owner is not None and owner != stored.course_id:
        raise PackageRejected(
            f"identifier: the package {parsed.identifier!r} is already another course's "
            f"(course {owner})",
            "identifier",
        )
    if db.session.get(Course, stored.course_id) is None:
        raise PackageRejected(f"course_id: there is no course {stored.course_id}", "course_id")
    return stored.course_id  # type: ignore[return-value]


def _add_version(parsed: ParsedPackage, course_id: int, stored: _Stored) -> PackageVersion:
    """The course's next package version, for the parsed package stored under its prefix."""
    version = 1 + (
        db.session.scalar(
            select(func.max(PackageVersion.version)).where(PackageVersion.course_id == course_id)
        )
        or 0
    )
    recorded = PackageVersion(
        course_id=course_id,
        version=version,
        standard=parsed.standard,
        edition=parsed.edition,
        identifier=parsed.identifier[:500],
        title=parsed.title[:500],
        launch=parsed.launch,
        parsed=json.dumps(parsed.to_json()),
        content_prefix=stored.prefix,
        file_count=stored.file_count,
        total_bytes=stored.total_bytes,
        package_sha256=stored.sha256,
    )
    db.session.add(recorded)
    db.session.flush()
    return recorded
