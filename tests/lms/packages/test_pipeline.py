"""Importing packages: from a zip to a course with versions, its files in the content store."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from click.testing import CliRunner

from lms.catalog.models import Course
from lms.db import db
from lms.packages.content_store import LocalContentStore
from lms.packages.interfaces import PackageRejected
from lms.packages.models import PackageVersion
from lms.packages.services import import_package, versions_of
from tests.lms.packages.helpers import (
    DATA,
    HOSTILE_PACKAGES,
    assert_nothing_left,
    manifest_zip,
    scorm12_zip,
)


@pytest.fixture
def store(tmp_path):
    return LocalContentStore(tmp_path / "content")


def test_a_scorm_package_becomes_an_unpublished_course_with_its_files_stored(app, tmp_path, store):
    result = import_package(scorm12_zip(tmp_path, nested=True), store, tmp_path / "work")
    assert (result.standard, result.version) == ("scorm12", 1)
    course = db.session.get(Course, result.course_id)
    assert course is not None and not course.published
    version = db.session.query(PackageVersion).one()
    assert store.exists(f"{version.content_prefix}imsmanifest.xml")
    assert store.stat(f"{version.content_prefix}law/index.html").size == len(
        "content of law/index.html"
    )
    assert json.loads(version.parsed)["standard"] == "scorm12"
    assert not any((tmp_path / "work").iterdir()), "the unpacked copy is removed"


def test_importing_the_same_package_again_makes_the_next_version(app, tmp_path, store):
    first = import_package(scorm12_zip(tmp_path), store, tmp_path / "work")
    second = import_package(scorm12_zip(tmp_path, "again.zip"), store, tmp_path / "work")
    assert second.course_id == first.course_id and second.version == 2
    newer, older = versions_of(first.course_id)
    assert (newer.version, older.version) == (2, 1)
    assert newer.content_prefix != older.content_prefix
    assert store.exists(f"{older.content_prefix}imsmanifest.xml"), "version 1 keeps its files"


def test_an_unsafe_archive_is_rejected_naming_the_entry_and_nothing_is_recorded(
    app, tmp_path, store
):
    bad = tmp_path / "evil.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest/>")
        archive.writestr("../outside.txt", "escape")
    with pytest.raises(PackageRejected) as raised:
        import_package(bad, store, tmp_path / "work")
    assert "evil.zip" in raised.value.message and "../outside.txt" in raised.value.message
    assert db.session.query(Course).count() == 0
    assert not (tmp_path / "outside.txt").exists()


def test_a_manifest_error_names_the_file_and_line(app, tmp_path, store):
    bad = tmp_path / "broken.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest>\n<organizations>\n</manifest>")
    with pytest.raises(PackageRejected) as raised:
        import_package(bad, store, tmp_path / "work")
    assert raised.value.message.startswith("imsmanifest.xml:")
    assert db.session.query(PackageVersion).count() == 0


def test_a_bare_cmi5_xml_with_hosted_aus_is_imported(app, tmp_path, store):
    bare = tmp_path / "cmi5.xml"
    xml = (DATA / "cmi5_course" / "cmi5.xml").read_text()
    bare.write_text(
        re.sub(r"<url>(?!https://)([^<]+)</url>", r"<url>https://aus.example.net/\1</url>", xml)
    )
    result = import_package(bare, store, tmp_path / "work")
    assert result.standard == "cmi5" and result.file_count == 0


def test_cli_import_prints_one_json_object_last(app, tmp_path, monkeypatch):
    from lms.cli import main

    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "instance"))
    result = CliRunner().invoke(main, ["packages", "import", str(scorm12_zip(tmp_path))])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    assert last["standard"] == "scorm12" and last["version"] == 1 and last["course_id"]
    bad = tmp_path / "not-a-zip.zip"
    bad.write_text("hello")
    rejected = CliRunner().invoke(main, ["packages", "import", str(bad)])
    assert rejected.exit_code != 0 and "rejected" in rejected.output


def test_a_cli_import_failing_half_way_leaves_no_course_and_no_version(app, tmp_path, monkeypatch):
    """The command's unit of work (issue 12): the import fails after writing the course and
    the version; the command fails and nothing of either is kept."""
    from lms.cli import main
    from lms.packages import pipeline

    recorded = pipeline._add_version

    def add_then_fail(*args, **kwargs):
        recorded(*args, **kwargs)
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(pipeline, "_add_version", add_then_fail)
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "instance"))
    result = CliRunner().invoke(main, ["packages", "import", str(scorm12_zip(tmp_path))])

    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    db.session.expire_all()
    assert db.session.query(Course).count() == 0
    assert db.session.query(PackageVersion).count() == 0


@pytest.mark.parametrize("package", HOSTILE_PACKAGES)
def test_a_hostile_package_is_refused_naming_the_rule_and_leaves_nothing(
    app, tmp_path, store, package
):
    build, expected = HOSTILE_PACKAGES[package]

    with pytest.raises(PackageRejected) as raised:
        import_package(build(tmp_path), store, tmp_path / "work")

    assert expected in raised.value.message
    assert_nothing_left(tmp_path / "work", tmp_path / "content")


def test_a_bare_cmi5_xml_using_xinclude_is_refused(app, tmp_path, store):
    bare = tmp_path / "cmi5.xml"
    with zipfile.ZipFile(manifest_zip(tmp_path, "cmi5.xml", "XInclude")) as archive:
        bare.write_bytes(archive.read("cmi5.xml"))

    with pytest.raises(PackageRejected) as raised:
        import_package(bare, store, tmp_path / "work")

    assert raised.value.message == "cmi5.xml:4: uses XInclude (<include>), which a package may not"
    assert_nothing_left(tmp_path / "work", tmp_path / "content")


def test_a_file_name_as_long_as_file_systems_allow_is_stored(app, tmp_path, store):
    name = "n" * 250 + ".html"  # 255 bytes: the longest name the rules accept
    package = scorm12_zip(tmp_path)
    with zipfile.ZipFile(package, "a") as archive:
        archive.writestr(name, "<p>long</p>")

    import_package(package, store, tmp_path / "work")

    version = db.session.query(PackageVersion).one()
    assert store.exists(f"{version.content_prefix}{name}")


@pytest.mark.parametrize("package", ["2,100 folders deep", "imsmanifest.xml external DTD"])
def test_cli_import_of_a_hostile_package_says_why_it_was_rejected(
    app, tmp_path, monkeypatch, package
):
    from lms.cli import main

    build, expected = HOSTILE_PACKAGES[package]
    instance = tmp_path / "instance"
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(instance))

    result = CliRunner().invoke(main, ["packages", "import", str(build(tmp_path))])

    assert result.exit_code == 1 and result.exception is not None
    assert f"rejected: {expected}" in result.output
    assert "Traceback" not in result.output
    assert_nothing_left(instance / "imports", instance / "content")


def test_cli_import_of_a_file_that_is_not_a_zip_names_it_once(app, tmp_path, monkeypatch):
    from lms.cli import main

    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path / "instance"))
    notes = tmp_path / "Use of Force.zip"
    notes.write_text("meeting notes, not a package")

    result = CliRunner().invoke(main, ["packages", "import", str(notes)])

    assert result.exit_code == 1
    assert "rejected: Use of Force.zip: not a zip archive" in result.output
    assert result.output.count("Use of Force.zip") == 1
