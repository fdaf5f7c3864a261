"""Shared by the packages tests: generated packages, hostile packages, and the import page's
raw upload and status, so that no test module imports from another."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from lms.catalog.models import Course
from lms.db import db
from lms.packages.models import PackageVersion
from lms.packages.services import import_package
from tests.builders.scorm import scorm12_zip
from tests.conftest import csrf_token

WAIT_SECONDS = 30
DATA = Path(__file__).parent / "manifests" / "data"


# Hostile packages: refused naming the rule, leaving nothing in the scratch folder, the content
# store or the database.

DEEP_ENTRY = "a/" * 2100 + "index.html"
DEEP_ENTRY_SHOWN = "a/" * 40 + "\u2026" + "a/" * 15 + "index.html"  # start and end of the name
EXTERNAL_DTD = '<!DOCTYPE {root} SYSTEM "http://127.0.0.1:9/{root}.dtd">'
XINCLUDE = '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="http://127.0.0.1:9/x"/>'


def deep_zip(tmp_path: Path) -> Path:
    """The probe's package: 9 KB, its one entry 2,100 folders deep."""
    path = tmp_path / "deep.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DEEP_ENTRY, "<h1>Pursuit</h1>")
    return path


def long_path_zip(tmp_path: Path) -> Path:
    path = scorm12_zip(tmp_path, "long.zip")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("media/" + "/".join(["v" * 200] * 6) + "/clip.mp4", "video")
    return path


def manifest_zip(tmp_path: Path, manifest: str, change: str) -> Path:
    """The example package's manifest, naming an external DTD or holding an XInclude."""
    folder = {"imsmanifest.xml": "scorm12", "cmi5.xml": "cmi5_course", "tincan.xml": "tincan"}
    xml = (DATA / folder[manifest] / manifest).read_text()
    root = re.search(r"<(manifest|courseStructure|tincan)\b[^>]*>", xml)
    if change == "external DTD":
        first_line, rest = xml.split("\n", 1)
        xml = f"{first_line}\n{EXTERNAL_DTD.format(root=root.group(1))}\n{rest}"
    else:
        xml = f"{xml[: root.end()]}{XINCLUDE}{xml[root.end() :]}"
    path = tmp_path / f"{change.replace(' ', '-')}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(manifest, xml)
    return path


HOSTILE_PACKAGES = {
    "2,100 folders deep": (
        deep_zip,
        f"deep.zip: {DEEP_ENTRY_SHOWN}: the path is deeper than 64 folders (2,100 folders)",
    ),
    "a path of 1,220 bytes": (long_path_zip, ": the path is longer than 1,024 bytes (1,220 bytes)"),
    **{
        f"{manifest} {change}": (
            lambda tmp_path, manifest=manifest, change=change: manifest_zip(
                tmp_path, manifest, change
            ),
            f"{manifest}:2: declares an external DTD, which a package may not"
            if change == "external DTD"
            else f"{manifest}:{line}: uses XInclude (<include>), which a package may not",
        )
        for manifest, line in (("imsmanifest.xml", 7), ("cmi5.xml", 4), ("tincan.xml", 3))
        for change in ("external DTD", "XInclude")
    },
}


def assert_nothing_left(work: Path, content: Path) -> None:
    assert not work.exists() or [p.name for p in work.iterdir()] in ([], ["uploads"])
    assert not content.exists() or not any(content.rglob("*"))
    assert db.session.query(Course).count() == 0
    assert db.session.query(PackageVersion).count() == 0


def send_raw(client: FlaskClient, package: Path, **headers: str):
    token = csrf_token(client, "/staff/packages")
    return client.post(
        "/staff/packages",
        data=package.read_bytes(),
        headers={
            "Content-Type": "application/octet-stream",
            "X-File-Name": package.name,
            "X-CSRFToken": token,
            "Accept": "application/json",
            **headers,
        },
    )


def wait_for(client: FlaskClient, import_id: int) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        status = client.get(f"/staff/packages/imports/{import_id}/status").get_json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"import {import_id} did not finish: {status}")


def imported(app: Flask, tmp_path, name="uof.zip"):
    result = import_package(
        scorm12_zip(tmp_path, name), app.extensions["content_store"], tmp_path / "work"
    )
    course = db.session.get(Course, result.course_id)
    course.published = True
    db.session.commit()
    version = (
        db.session.query(PackageVersion)
        .filter_by(course_id=result.course_id, version=result.version)
        .one()
    )
    return course, version
