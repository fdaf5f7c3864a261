"""What a parsed manifest is: the plain data the player uses, and the errors a manifest raises."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STANDARDS = ("scorm12", "scorm2004", "cmi5", "tincan")
SCORM_2004_EDITIONS = ("2nd", "3rd", "4th")


class ManifestError(Exception):
    """A manifest that cannot be used as it is; the message names the file and the line."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        super().__init__(file, line, message)
        self.file = file
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class FileReference:
    """A file inside the package that the manifest names, and where the manifest names it."""

    path: str
    file: str
    line: int | None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{self.path} ({where})"


class MissingFilesError(ManifestError):
    """The manifest names files the package does not hold; `missing` lists every one."""

    def __init__(self, file: str, missing: tuple[FileReference, ...], hints: str = "") -> None:
        listing = ", ".join(str(reference) for reference in missing)
        count = f"{len(missing)} file{'s' if len(missing) != 1 else ''}"
        super().__init__(
            file,
            missing[0].line if missing else None,
            f"the package lacks {count} the manifest names: {listing}{hints}",
        )
        self.missing = missing
        self.hints = hints

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.file, self.missing, self.hints))


class StoredPackageError(ValueError):
    """JSON handed to ParsedPackage.from_json that is not what to_json wrote."""


@dataclass(frozen=True)
class ParsedPackage:
    """A course package's manifest, parsed once; `structure` is JSON-ready for the player."""

    standard: str
    edition: str | None
    title: str
    identifier: str
    version: str | None
    launch: str | None
    structure: dict[str, Any] = field(default_factory=dict)
    # What POST staff should know before publishing, though the package imports: each a
    # sentence naming the file and the element (a rule naming no objective, a no-op moveOn).
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.standard not in STANDARDS:
            raise ValueError(f"standard {self.standard!r} is not one of {', '.join(STANDARDS)}")

    def to_json(self) -> dict[str, Any]:
        return {
            "standard": self.standard,
            "edition": self.edition,
            "title": self.title,
            "identifier": self.identifier,
            "version": self.version,
            "launch": self.launch,
            "structure": copy.deepcopy(self.structure),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ParsedPackage:
        if not isinstance(data, Mapping):
            raise StoredPackageError(
                f"a parsed package is a JSON object, not {type(data).__name__}"
            )
        _expect(data, "standard", str)
        _expect(data, "title", str)
        _expect(data, "identifier", str)
        _expect(data, "structure", dict)
        for key in ("edition", "version", "launch"):
            _expect(data, key, (str, type(None)))
        warnings = data.get("warnings", [])  # absent in packages stored before warnings
        if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
            raise StoredPackageError("'warnings' is a list of strings")
        if data["standard"] not in STANDARDS:
            raise StoredPackageError(f"standard {data['standard']!r} is not one of {STANDARDS}")
        return cls(
            standard=data["standard"],
            edition=data["edition"],
            title=data["title"],
            identifier=data["identifier"],
            version=data["version"],
            launch=data["launch"],
            structure=copy.deepcopy(data["structure"]),
            warnings=tuple(warnings),
        )


def _expect(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> None:
    if key not in data:
        raise StoredPackageError(f"a parsed package needs the key {key!r}")
    if not isinstance(data[key], kind):
        raise StoredPackageError(f"{key!r} has the wrong type: {type(data[key]).__name__}")
