"""Package files are served to those who may launch them, with ranges, ETags and their version."""

from __future__ import annotations

from flask import Flask

from lms.catalog import services as catalog
from lms.catalog.models import Course
from lms.db import db
from lms.packages.importer import import_package
from lms.packages.models import PackageVersion
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_officer, make_post_staff
from tests.lms.packages.test_importer import scorm12_zip

CONTENT = b"content of law/index.html"


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


def test_a_registered_learner_gets_the_file_with_type_etag_and_ranges(app, client, tmp_path):
    course, version = imported(app, tmp_path)
    officer = make_officer(email="pat@example.org")
    catalog.register(officer, course.id)
    sign_in(client, "pat@example.org", PASSWORD)
    url = f"/content/{version.id}/law/index.html"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.data == CONTENT
    assert whole.mimetype == "text/html"
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.headers["ETag"]
    part = client.get(url, headers={"Range": "bytes=0-6"})
    assert part.status_code == 206 and part.data == CONTENT[:7]
    assert part.headers["Content-Range"] == f"bytes 0-6/{len(CONTENT)}"
    tail = client.get(url, headers={"Range": "bytes=-4"})
    assert tail.data == CONTENT[-4:]
    assert client.get(url, headers={"Range": "bytes=9999-"}).status_code == 416
    assert client.get(url, headers={"If-None-Match": whole.headers["ETag"]}).status_code == 304


def test_no_way_out_of_the_package_folder(app, client, tmp_path):
    course, version = imported(app, tmp_path)
    officer = make_officer(email="pat@example.org")
    catalog.register(officer, course.id)
    sign_in(client, "pat@example.org", PASSWORD)
    for path in (
        "../2/imsmanifest.xml",
        "law/../../1/law/index.html",
        "%2e%2e/secret",
        "nope.html",
    ):
        assert client.get(f"/content/{version.id}/{path}").status_code == 404, path


def test_only_those_who_may_launch_it_get_it(app, client, tmp_path):
    course, version = imported(app, tmp_path)
    url = f"/content/{version.id}/law/index.html"
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    make_officer(email="stranger@example.org")
    sign_in(client, "stranger@example.org", PASSWORD)
    assert client.get(url).status_code == 404
    staff = app.test_client()
    make_post_staff(email="staff@example.org")
    sign_in(staff, "staff@example.org", PASSWORD)
    assert staff.get(url).status_code == 200


def test_a_new_version_leaves_learners_in_progress_on_theirs(app, client, tmp_path):
    course, first = imported(app, tmp_path)
    early = make_officer(email="early@example.org")
    catalog.register(early, course.id)
    _, second = imported(app, tmp_path, "v2.zip")
    assert second.version == 2 and second.course_id == course.id
    late = make_officer(email="late@example.org")
    assert catalog.register(late, course.id).package_version_id == second.id
    sign_in(client, "early@example.org", PASSWORD)
    assert client.get(f"/content/{first.id}/law/index.html").status_code == 200
    assert client.get(f"/content/{second.id}/law/index.html").status_code == 404
