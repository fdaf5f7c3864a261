"""Which standard a package follows, judged by the manifest at its root, and that manifest parsed.

cmi5.xml is looked for first (cmi5 §14.1: it sits at the ZIP's root), then imsmanifest.xml
(SCORM), then tincan.xml: packages exported for several standards at once play as the newest.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path

from lms.packages.manifests.cmi5 import parse_cmi5_course
from lms.packages.manifests.model import FileReference, ManifestError, ParsedPackage
from lms.packages.manifests.references import missing_files
from lms.packages.manifests.safe_xml import MAX_MANIFEST_BYTES
from lms.packages.manifests.scorm import parse_scorm_manifest
from lms.packages.manifests.tincan import parse_tincan_xml

ManifestParser = Callable[[bytes, str], tuple[ParsedPackage, list[FileReference]]]

MANIFESTS: tuple[tuple[str, ManifestParser], ...] = (
    ("cmi5.xml", parse_cmi5_course),
    ("imsmanifest.xml", parse_scorm_manifest),
    ("tincan.xml", parse_tincan_xml),
)
PACKAGE_ROOT = "package root"
# AICC CMI001 (CMI Guidelines for Interoperability), course structure files: the course
# description (.crs), assignable units (.au), descriptors (.des) and course structure (.cst).
# ".crs" names AICC alone; ".au" is also an audio format, so one is not enough to tell.
AICC_COURSE_DESCRIPTION = ".crs"
AICC_STRUCTURE_FILES = (".au", ".des", ".cst")


def detect_and_parse(root: Path, files: Iterable[str]) -> ParsedPackage:
    """Parse the manifest at `root`; `files` are the package's POSIX paths, relative to root.

    Raises ManifestError when no manifest is found or it is unusable, and MissingFilesError
    (a ManifestError) listing every file the manifest names that `files` lacks.
    """
    names = [_normal(name) for name in files]
    at_root = {name.lower(): name for name in names if name and "/" not in name}
    for manifest, parse in MANIFESTS:
        actual = at_root.get(manifest)
        if actual is None:
            continue
        package, references = parse(_read(root, actual), actual)
        missing = missing_files(references, names, actual)
        if missing is not None:
            raise missing
        return package
    looked_for = ", ".join(manifest for manifest, _ in MANIFESTS)
    deeper = sorted(
        name
        for name in names
        if posixpath.basename(name).lower() in {manifest for manifest, _ in MANIFESTS}
    )
    if not deeper and (aicc := _aicc_files(names)):
        raise ManifestError(
            PACKAGE_ROOT,
            None,
            f"AICC packages are not supported: this one holds AICC course structure files "
            f"({', '.join(aicc)}) and none of {looked_for}. Export the course from its "
            "authoring tool again as SCORM 1.2, SCORM 2004 or cmi5, and import that",
        )
    hint = f"; {deeper[0]} is not at the root, where it must be" if deeper else ""
    raise ManifestError(PACKAGE_ROOT, None, f"none of {looked_for} is at the package root{hint}")


def _aicc_files(names: list[str]) -> list[str]:
    """The AICC course structure files of a package that has a course description, or []."""
    found = sorted(
        name
        for name in names
        if posixpath.splitext(name)[1].lower() in (AICC_COURSE_DESCRIPTION, *AICC_STRUCTURE_FILES)
    )
    suffixes = {posixpath.splitext(name)[1].lower() for name in found}
    if AICC_COURSE_DESCRIPTION in suffixes and suffixes & set(AICC_STRUCTURE_FILES):
        return found
    return []


def _normal(name: str) -> str:
    name = name.replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name.strip("/")


def _read(root: Path, name: str) -> bytes:
    path = root / name
    try:
        if not path.resolve().is_relative_to(root.resolve()):
            raise ManifestError(name, None, "is a link to outside the package")
        size = path.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise ManifestError(
                name, None, f"is {size} bytes, over the {MAX_MANIFEST_BYTES} bytes allowed"
            )
        return path.read_bytes()
    except OSError as error:
        raise ManifestError(name, None, f"cannot be read: {error.strerror}") from None
