"""SCORM packages for any test: the example SCORM 1.2 package with a file for every href it
names, and the browser tests' SCORM packages zipped as a course author would upload them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tests.builders.manifests import DATA

# The browser tests' packages, one source folder each (tests/e2e/packages/).
PACKAGES = Path(__file__).resolve().parents[1] / "e2e" / "packages"
SCORM12 = "scorm12_use_of_force"
SCORM2004 = "scorm2004_traffic_stops"
SCORM12_FILES = [
    "law/index.html",
    "law/graham.mp4",
    "policy/policy.pdf",
    "exam/exam.html",
    "shared/apiwrapper.js",
    "shared/style.css",
]


def scorm12_zip(tmp_path: Path, name: str = "uof.zip", nested: bool = False) -> Path:
    """The example SCORM 1.2 manifest (manifests data) with a stand-in for each of its files."""
    manifest = (DATA / "scorm12" / "imsmanifest.xml").read_text()
    referenced = set(re.findall(r'href="([^"?]+)', manifest)) | set(SCORM12_FILES)
    top = "course/" if nested else ""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{top}imsmanifest.xml", manifest)
        for href in sorted(referenced):
            archive.writestr(f"{top}{href}", f"content of {href}")
    return path


def zip_package(source: Path, folder: Path) -> Path:
    """A package's source folder as the zip a course author would upload."""
    target = folder / f"{source.name}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(source.iterdir()):
            archive.write(path, path.name)
    return target
