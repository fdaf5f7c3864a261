"""The packages area's contract: what an import gives back, and every error of the area.

The errors a person is shown are domain errors (lms.domain): they carry a message and the field
at fault, never an HTTP status; each blueprint answers them in one place (lms.packages.staff_views
for the upload's refusals, lms/errors.py for the rest). The zip reader's errors
(lms.packages.safezip) and the manifest parsers' (lms.packages.manifests) stay beside them: they
are those libraries' own, and the pipeline turns them into PackageRejected before anyone else
sees them.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.catalog.interfaces import CatalogError
from lms.domain import DomainError, NotFound


@dataclass(frozen=True)
class ImportResult:
    """A package imported: its course, the version it became, and what staff should read."""

    course_id: int
    version: int
    standard: str
    edition: str | None
    title: str
    file_count: int
    # What POST staff should read before publishing (ParsedPackage.warnings).
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "course_id": self.course_id,
            "version": self.version,
            "standard": self.standard,
            "edition": self.edition,
            "title": self.title,
            "files": self.file_count,
            "warnings": list(self.warnings),
        }


class PackageRejected(DomainError):
    """The package cannot be imported; the message names the file or entry and the rule."""


class UploadRefused(DomainError):
    """The upload was not accepted; nothing was kept."""

    def __init__(self, message: str, field: str | None = "package") -> None:
        super().__init__(message, field)


class UploadTooLarge(UploadRefused):
    """The upload is larger than the largest package accepted."""


class UploadLengthUnknown(UploadRefused):
    """A raw upload came without its Content-Length."""


class NoRoomForUpload(UploadRefused):
    """The server's disk has too little free space for the upload and its unpacked copy."""


class ImportNotFound(NotFound):
    """No import has that id."""


class FileTokenRefused(NotFound):
    """The file URL's token is forged, expired, made for another version, or its person may
    no longer fetch the version's files. Answered as a missing file: the URL tells nothing."""

    def __init__(self) -> None:
        super().__init__("No such course file.")


class PackageFileNotFound(NotFound):
    """The package version has no file at that path."""


class WarningsNotRead(CatalogError):
    """A course with package warnings was to be published without its warnings read (a catalog
    refusal: the course form shows it beside its Published box)."""


class ContentStoreError(Exception):
    """The content store could not do what was asked; the message names the key."""


class ContentNotFound(ContentStoreError):
    """No file is stored under the key."""


class ImportTakenOver(Exception):
    """Another worker took this import over (this one was silent too long): the worker stops.
    The upload queue's own signal (lms.packages.upload_queue), never shown to anyone."""
