"""A package that imports with warnings (a cmi5 course no AU of which asks anything of the
learner) says so to POST staff: in the import's result, on its status page, and on the course
page beside the Published box, where publishing asks for the warnings to be read first."""

from __future__ import annotations

import html
import json
import zipfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from lms import unit_of_work
from lms.catalog.models import Course
from lms.db import db
from lms.packages.content_store import LocalContentStore
from lms.packages.models import PackageVersion
from lms.packages.services import import_package
from tests.builders.manifests import cmi5
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_post_staff
from tests.lms.packages.helpers import send_raw, wait_for

NO_OP_WARNING = 'its AU has moveOn "NotApplicable"'


def committed_import(package: Path, store: LocalContentStore, work: Path):
    """The import, committed (the pipeline writes in its caller's unit; the test is that)."""
    with unit_of_work.job():
        return import_package(package, store, work)


def cmi5_zip(tmp_path: Path, move_on: str | None = None, name: str = "course.zip") -> Path:
    attributes = f'moveOn="{move_on}"' if move_on else ""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cmi5.xml", cmi5(attributes, url="index.html"))
        archive.writestr("index.html", "<!doctype html><title>AU</title>")
    return path


@pytest.fixture
def store(tmp_path: Path) -> LocalContentStore:
    return LocalContentStore(tmp_path / "content")


@pytest.fixture
def staff_client(app) -> FlaskClient:
    make_post_staff(email="staff@example.org")
    client = app.test_client()
    sign_in(client, "staff@example.org", PASSWORD)
    return client


def course_form(client: FlaskClient, course: Course, **changes: str) -> dict[str, object]:
    return {
        "csrf_token": csrf_token(client, f"/staff/courses/{course.id}"),
        "title": course.title,
        "slug": course.slug,
        "audience": ["peace_officer"],
        "delivery": "distance",
        "certification_number": "1850-30001",
        "cpt_hours": "4",
        "credit_rule": "automatic",
        "completion": "completed",
        **changes,
    }


def test_the_import_result_carries_the_warning_and_the_version_stores_it(app, tmp_path, store):
    result = committed_import(cmi5_zip(tmp_path), store, tmp_path / "work")
    [warning] = result.as_json()["warnings"]
    assert NO_OP_WARNING in warning
    version = db.session.query(PackageVersion).one()
    assert json.loads(version.parsed)["warnings"] == [warning]


def test_a_course_that_asks_something_of_the_learner_imports_without_warnings(app, tmp_path, store):
    result = committed_import(cmi5_zip(tmp_path, "Completed"), store, tmp_path / "work")
    assert result.as_json()["warnings"] == []


def test_the_import_status_shows_the_warning_to_post_staff(app, staff_client, tmp_path):
    queued = send_raw(staff_client, cmi5_zip(tmp_path)).get_json()
    status = wait_for(staff_client, queued["id"])
    assert status["status"] == "done"
    [warning] = status["result"]["warnings"]
    assert NO_OP_WARNING in warning
    page = html.unescape(staff_client.get(queued["page_url"]).get_data(as_text=True))
    assert 'id="import-warnings"' in page
    assert "Read before publishing the course" in page
    assert "registering satisfies the course (cmi5 §9.6.1)" in page


def test_an_import_without_warnings_shows_no_warning_box(app, staff_client, tmp_path):
    queued = send_raw(staff_client, cmi5_zip(tmp_path, "Passed")).get_json()
    status = wait_for(staff_client, queued["id"])
    assert status["result"]["warnings"] == []
    assert 'id="import-warnings"' not in staff_client.get(queued["page_url"]).get_data(as_text=True)


def test_the_course_page_shows_the_warning_beside_the_published_box(
    app, staff_client, tmp_path, store
):
    result = committed_import(cmi5_zip(tmp_path), store, tmp_path / "work")
    page = html.unescape(
        staff_client.get(f"/staff/courses/{result.course_id}").get_data(as_text=True)
    )
    warnings_at = page.index('id="package-warnings"')
    assert warnings_at < page.index('name="published"') < page.index("Certification")
    assert NO_OP_WARNING in page[warnings_at:]
    assert 'name="warnings_read"' in page


def test_publishing_a_flagged_course_needs_the_warnings_read(app, staff_client, tmp_path, store):
    result = committed_import(cmi5_zip(tmp_path), store, tmp_path / "work")
    course = db.session.get(Course, result.course_id)
    refused = staff_client.post(
        f"/staff/courses/{course.id}", data=course_form(staff_client, course, published="y")
    )
    assert refused.status_code == 422
    page = html.unescape(refused.get_data(as_text=True))
    assert 'id="published-error"' in page
    assert "tick “I have read the package warnings” to publish it" in page
    db.session.expire_all()
    assert not db.session.get(Course, course.id).published

    accepted = staff_client.post(
        f"/staff/courses/{course.id}",
        data=course_form(staff_client, course, published="y", warnings_read="y"),
    )
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, course.id).published


def test_saving_a_flagged_course_unpublished_asks_nothing(app, staff_client, tmp_path, store):
    result = committed_import(cmi5_zip(tmp_path), store, tmp_path / "work")
    course = db.session.get(Course, result.course_id)
    response = staff_client.post(
        f"/staff/courses/{course.id}",
        data=course_form(staff_client, course, description="Range day"),
    )
    assert response.status_code == 302


def test_a_course_already_published_keeps_showing_the_warning_without_asking_again(
    app, staff_client, tmp_path, store
):
    result = committed_import(cmi5_zip(tmp_path), store, tmp_path / "work")
    course = db.session.get(Course, result.course_id)
    course.published = True
    db.session.commit()
    page = staff_client.get(f"/staff/courses/{course.id}").get_data(as_text=True)
    assert 'id="package-warnings"' in page and 'name="warnings_read"' not in page
    response = staff_client.post(
        f"/staff/courses/{course.id}", data=course_form(staff_client, course, published="y")
    )
    assert response.status_code == 302


def test_a_version_stored_before_warnings_existed_shows_none(app, staff_client, tmp_path, store):
    result = committed_import(cmi5_zip(tmp_path), store, tmp_path / "work")
    version = db.session.query(PackageVersion).one()
    stored = json.loads(version.parsed)
    del stored["warnings"]
    version.parsed = json.dumps(stored)
    db.session.commit()
    page = staff_client.get(f"/staff/courses/{result.course_id}").get_data(as_text=True)
    assert 'id="package-warnings"' not in page
