"""POST staff import packages on the web: the upload is streamed to disk, the import runs on a
worker thread, its progress is on the import's page, and a stopped import is taken over."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms import unit_of_work
from lms.accounts.models import Person
from lms.catalog.models import Course, Registration
from lms.db import db, utcnow
from lms.packages import upload_queue
from lms.packages.access import files_url
from lms.packages.models import PackageImport, PackageVersion
from lms.packages.services import import_package
from tests.builders.manifests import AICC_EXPORT
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_administrator, make_agency, make_officer, make_post_staff
from tests.lms.packages.helpers import (
    HOSTILE_PACKAGES,
    WAIT_SECONDS,
    assert_nothing_left,
    scorm12_zip,
    send_raw,
    wait_for,
)


@pytest.fixture(autouse=True)
def _worker_idle_after_each_test():
    """The worker thread must be done before the tables are emptied under it."""
    yield
    upload_queue._executor.submit(lambda: None).result(timeout=WAIT_SECONDS)


@pytest.fixture
def staff_client(app: Flask) -> FlaskClient:
    staff = make_post_staff()
    client = app.test_client()
    sign_in(client, staff.email, PASSWORD)
    return client


def uploads(app: Flask) -> list[Path]:
    folder = upload_queue.upload_folder(app.instance_path)
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_raw_upload_is_queued_at_once_and_imported_by_the_worker(app, staff_client, tmp_path):
    response = send_raw(staff_client, scorm12_zip(tmp_path))
    assert response.status_code == 202
    queued = response.get_json()
    assert queued["file_name"] == "uof.zip" and queued["status"] in ("queued", "running", "done")
    assert response.headers["Location"] == queued["page_url"]

    status = wait_for(staff_client, queued["id"])
    assert status["status"] == "done", status
    assert status["result"]["version"] == 1 and status["result"]["standard"] == "scorm12"
    course = db.session.get(Course, status["result"]["course_id"])
    assert course is not None and not course.published
    version = db.session.query(PackageVersion).one()
    store = app.extensions["content_store"]
    assert store.exists(f"{version.content_prefix}law/index.html")
    assert uploads(app) == [], "the uploaded file is removed once imported"

    page = staff_client.get(queued["page_url"]).get_data(as_text=True)
    assert "Imported as version 1 of the course." in page and course.title in page


def test_a_form_upload_without_javascript_redirects_to_the_import_page(staff_client, tmp_path):
    package = scorm12_zip(tmp_path)
    response = staff_client.post(
        "/staff/packages",
        data={
            "csrf_token": csrf_token(staff_client, "/staff/packages"),
            "package": (package.open("rb"), "Use of Force.zip"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    import_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert wait_for(staff_client, import_id)["status"] == "done"
    listing = staff_client.get("/staff/packages").get_data(as_text=True)
    assert "Use of Force.zip" in listing and "done" in listing


def test_a_non_ascii_file_name_is_kept(staff_client, tmp_path):
    package = scorm12_zip(tmp_path, "política.zip")
    response = send_raw(staff_client, package, **{"X-File-Name": "pol%C3%ADtica.zip"})
    assert response.status_code == 202
    assert response.get_json()["file_name"] == "política.zip"


def test_second_version_uploaded_leaves_registered_learners_on_the_first(
    app, staff_client, tmp_path
):
    first = wait_for(staff_client, send_raw(staff_client, scorm12_zip(tmp_path)).get_json()["id"])
    course = db.session.get(Course, first["result"]["course_id"])
    course.published = True
    learner = make_officer()
    v1 = db.session.query(PackageVersion).one()
    db.session.add(
        Registration(person_id=learner.id, course_id=course.id, package_version_id=v1.id)
    )
    db.session.commit()

    second = send_raw(staff_client, scorm12_zip(tmp_path, "uof-2.zip")).get_json()
    assert wait_for(staff_client, second["id"])["result"]["version"] == 2

    page = staff_client.get(f"/staff/courses/{course.id}").get_data(as_text=True)
    rows = page.split('id="package-versions"')[1].split("</table>")[0]
    assert rows.index(">2 <span") < rows.index(">1</td>"), "newest first"
    assert rows.count("<tr>") == 3  # heading and two versions
    listing = staff_client.get("/staff/courses").get_data(as_text=True)
    assert "version 2 · scorm12" in listing


def test_a_rejected_package_fails_naming_the_entry_and_records_nothing(app, staff_client, tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest/>")
        archive.writestr("../../outside.txt", "escape")
    status = wait_for(staff_client, send_raw(staff_client, evil).get_json()["id"])
    assert status["status"] == "failed"
    assert "evil.zip" in status["message"] and "../../outside.txt" in status["message"]
    assert db.session.query(Course).count() == 0
    assert uploads(app) == []
    page = staff_client.get(status["page_url"]).get_data(as_text=True)
    assert "../../outside.txt" in page


@pytest.mark.parametrize("package", ["2,100 folders deep", "imsmanifest.xml external DTD"])
def test_a_hostile_package_fails_saying_why_and_leaves_nothing(
    app, staff_client, tmp_path, package
):
    build, expected = HOSTILE_PACKAGES[package]

    status = wait_for(staff_client, send_raw(staff_client, build(tmp_path)).get_json()["id"])

    assert status["status"] == "failed" and expected in status["message"]
    assert uploads(app) == []
    instance = Path(app.instance_path)
    assert_nothing_left(instance / "imports", instance / "content")
    page = staff_client.get(status["page_url"]).get_data(as_text=True)
    assert expected.rsplit(": ", 1)[1] in page


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("setup.exe", "setup.exe: a package is a .zip"), ("", "Choose a package file")],
)
def test_a_file_that_is_no_package_is_refused_naming_the_field(
    app, staff_client, tmp_path, name, fragment
):
    package = tmp_path / "x.zip"
    package.write_bytes(b"PK")
    response = send_raw(staff_client, package, **{"X-File-Name": name})
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == "package" and fragment in body["message"]
    assert db.session.query(PackageImport).count() == 0 and uploads(app) == []


def test_an_upload_over_the_limit_is_refused_before_it_is_read(app, staff_client, tmp_path):
    app.config["LMS_MAX_PACKAGE_UPLOAD_BYTES"] = 1000
    package = scorm12_zip(tmp_path)
    response = send_raw(staff_client, package)
    assert response.status_code == 413
    assert "the largest accepted here is 1.0 KB" in response.get_json()["message"]
    form = staff_client.post(
        "/staff/packages",
        data={"csrf_token": "x", "package": (package.open("rb"), "uof.zip")},
        content_type="multipart/form-data",
    )
    assert form.status_code == 413
    assert db.session.query(PackageImport).count() == 0 and uploads(app) == []


def test_a_body_larger_than_the_usual_request_limit_is_accepted_for_a_package(
    app, staff_client, tmp_path
):
    app.config["MAX_CONTENT_LENGTH"] = 1000  # every other form stays small
    response = send_raw(staff_client, scorm12_zip(tmp_path))
    assert response.status_code == 202
    assert wait_for(staff_client, response.get_json()["id"])["status"] == "done"


def test_an_upload_cut_short_keeps_nothing(app, staff_client):
    token = csrf_token(staff_client, "/staff/packages")
    response = staff_client.post(
        "/staff/packages",
        input_stream=io.BytesIO(b"PK\x03\x04 only the start"),
        environ_overrides={"CONTENT_LENGTH": "5000"},  # the client promised more than it sent
        headers={
            "Content-Type": "application/octet-stream",
            "X-File-Name": "cut.zip",
            "X-CSRFToken": token,
            "Accept": "application/json",
        },
    )
    assert response.status_code == 400
    assert (
        "cut.zip" in response.get_json()["message"] and "stopped" in response.get_json()["message"]
    )
    assert db.session.query(PackageImport).count() == 0 and uploads(app) == []


def test_an_upload_without_its_csrf_token_is_refused(app, staff_client, tmp_path):
    response = staff_client.post(
        "/staff/packages",
        data=scorm12_zip(tmp_path).read_bytes(),
        headers={"Content-Type": "application/octet-stream", "X-File-Name": "uof.zip"},
    )
    assert response.status_code == 400 and "csrf_token" in response.get_data(as_text=True)
    assert db.session.query(PackageImport).count() == 0 and uploads(app) == []


def test_only_post_staff_may_import_or_see_imports(app, client, tmp_path):
    agency = make_agency()
    for person in (make_officer(agency), make_administrator(agency)):
        other = app.test_client()
        sign_in(other, person.email, PASSWORD)
        assert other.get("/staff/packages").status_code == 403
        refused = other.post(
            "/staff/packages",
            data=b"PK",
            headers={"X-CSRFToken": csrf_token(other, "/dashboard"), "X-File-Name": "a.zip"},
        )
        assert refused.status_code == 403
        assert other.get("/staff/packages/imports/1/status").status_code == 403
    assert client.get("/staff/packages").status_code == 302  # to sign in
    assert db.session.query(PackageImport).count() == 0


def test_an_unknown_import_is_404(staff_client):
    assert staff_client.get("/staff/packages/imports/999/status").status_code == 404


def _queued_job(app: Flask, package: Path, **fields) -> PackageImport:
    staff = make_post_staff()
    folder = upload_queue.upload_folder(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    job = PackageImport(
        requested_by_id=staff.id, file_name=package.name, size=package.stat().st_size, **fields
    )
    job.upload_name = f"{job.token or 'x'}.zip"
    db.session.add(job)
    db.session.flush()
    job.upload_name = f"{job.token}.zip"
    (folder / job.upload_name).write_bytes(package.read_bytes())
    db.session.commit()
    return job


def test_an_import_whose_worker_stopped_is_taken_over_and_its_leftovers_cleared(
    app, staff_client, tmp_path
):
    store = app.extensions["content_store"]
    stopped_at = utcnow() - upload_queue.STALE_AFTER - dt.timedelta(seconds=1)
    job = _queued_job(
        app, scorm12_zip(tmp_path), status="running", attempts=1, heartbeat_at=stopped_at
    )
    left_over = tmp_path / "left"
    left_over.mkdir()
    (left_over / "half.html").write_text("half-stored by the stopped worker")
    store.put_tree(job.content_prefix(1), left_over, ["half.html"])

    status = wait_for(staff_client, job.id)  # looking at it makes this process take it over
    assert status["status"] == "done"
    db.session.expire_all()
    assert db.session.get(PackageImport, job.id).attempts == 2
    assert not store.exists(f"{job.content_prefix(1)}half.html")
    assert db.session.query(PackageVersion).one().content_prefix == job.content_prefix(2)


def test_a_running_import_with_a_fresh_heartbeat_is_left_to_its_worker(app, staff_client, tmp_path):
    job = _queued_job(
        app, scorm12_zip(tmp_path), status="running", attempts=1, heartbeat_at=utcnow()
    )
    assert staff_client.get(f"/staff/packages/imports/{job.id}/status").get_json()["status"] == (
        "running"
    )
    upload_queue._executor.submit(lambda: None).result(timeout=WAIT_SECONDS)
    db.session.expire_all()
    assert db.session.get(PackageImport, job.id).attempts == 1
    assert db.session.query(PackageVersion).count() == 0


def test_an_import_that_keeps_stopping_is_given_up_with_a_reason(app, staff_client, tmp_path):
    stopped_at = utcnow() - upload_queue.STALE_AFTER - dt.timedelta(seconds=1)
    job = _queued_job(
        app,
        scorm12_zip(tmp_path),
        status="running",
        attempts=upload_queue.MAX_ATTEMPTS,
        heartbeat_at=stopped_at,
    )
    status = wait_for(staff_client, job.id)
    assert status["status"] == "failed" and "stopped 3 times" in status["message"]
    assert db.session.query(PackageVersion).count() == 0


def test_a_worker_taken_over_records_nothing(app, tmp_path):
    """A worker silent so long that another took its import over must not record it too."""
    job = _queued_job(app, scorm12_zip(tmp_path), status="queued")
    claimed = upload_queue._claim_next(upload_queue.upload_folder(app.instance_path))
    assert claimed is not None and (claimed.import_id, claimed.attempt) == (job.id, 1)
    # Another process takes it over meanwhile: the attempt count moves on.
    db.session.query(PackageImport).filter_by(id=job.id).update({"attempts": 2})
    db.session.commit()
    upload_queue._run(app, claimed)
    db.session.expire_all()
    assert db.session.query(PackageVersion).count() == 0
    assert db.session.get(PackageImport, job.id).status == "running", "left to the new owner"


def test_two_imports_of_a_new_package_at_once_make_one_course_with_two_versions(app, tmp_path):
    packages = [scorm12_zip(tmp_path, f"copy-{n}.zip") for n in range(2)]
    store = app.extensions["content_store"]
    start = threading.Barrier(2)
    results, errors = [], []

    def run(package: Path) -> None:
        with app.app_context():
            try:
                start.wait()
                with unit_of_work.job():  # the import is its caller's to commit
                    results.append(import_package(package, store, tmp_path / "work"))
            except Exception as error:  # reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(p,)) for p in packages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert errors == []
    assert db.session.query(Course).count() == 1
    assert sorted(r.version for r in results) == [1, 2]
    assert len({r.course_id for r in results}) == 1


def test_a_raw_upload_without_its_length_is_refused(app, staff_client):
    response = staff_client.post(
        "/staff/packages",
        input_stream=io.BytesIO(b"PK\x03\x04"),
        environ_overrides={"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"},
        headers={
            "Content-Type": "application/octet-stream",
            "X-File-Name": "a.zip",
            "X-CSRFToken": csrf_token(staff_client, "/staff/packages"),
            "Accept": "application/json",
        },
    )
    assert response.status_code == 411 and "Content-Length" in response.get_json()["message"]
    assert db.session.query(PackageImport).count() == 0 and uploads(app) == []


def test_an_upload_the_disk_has_no_room_for_is_refused(app, staff_client, tmp_path, monkeypatch):
    package = scorm12_zip(tmp_path)
    real = shutil.disk_usage
    monkeypatch.setattr(
        upload_queue.shutil,
        "disk_usage",
        lambda path: real(path)._replace(free=package.stat().st_size),
    )
    response = send_raw(staff_client, package)
    assert response.status_code == 507
    assert "too little free disk space to import uof.zip" in response.get_json()["message"]
    assert db.session.query(PackageImport).count() == 0 and uploads(app) == []


def test_a_web_import_into_s3_is_served_from_the_bucket(app, staff_client, tmp_path, request):
    """The whole path on a real S3-compatible server: upload, import, serve with ranges."""
    from lms.packages.content_store import S3ContentStore

    bucket = request.getfixturevalue("s3_bucket")
    s3 = request.getfixturevalue("s3_client")
    app.extensions["content_store"] = S3ContentStore(bucket, prefix="portal/", client=s3)
    status = wait_for(staff_client, send_raw(staff_client, scorm12_zip(tmp_path)).get_json()["id"])
    assert status["status"] == "done", status
    version = db.session.query(PackageVersion).one()
    key = f"portal/{version.content_prefix}law/index.html"
    assert s3.head_object(Bucket=bucket, Key=key)["ContentType"] == "text/html"

    staff = db.session.query(Person).one()  # the staff member who imported it
    served = app.test_client().get(
        files_url(staff, version.id, "law/index.html"), headers={"Range": "bytes=0-6"}
    )
    assert served.status_code == 206 and served.data == b"content"


def test_an_upload_that_is_not_a_zip_fails_naming_the_file_as_its_user_named_it(
    app, staff_client, tmp_path
):
    notes = tmp_path / "notes.zip"
    notes.write_text("meeting notes, not a package")

    response = send_raw(staff_client, notes, **{"X-File-Name": "Use%20of%20Force.zip"})
    status = wait_for(staff_client, response.get_json()["id"])

    assert status["status"] == "failed"
    assert status["message"].startswith("Use of Force.zip: not a zip archive")
    upload_name = db.session.get(PackageImport, status["id"]).upload_name
    assert upload_name.removesuffix(".zip") not in status["message"]
    page = staff_client.get(status["page_url"]).get_data(as_text=True)
    assert "Use of Force.zip: not a zip archive" in page
    assert upload_name.removesuffix(".zip") not in page


def test_an_aicc_package_fails_as_unsupported_saying_what_to_do(app, staff_client, tmp_path):
    package = tmp_path / "uof-aicc.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for name, content in AICC_EXPORT.items():
            archive.writestr(name, content)

    status = wait_for(staff_client, send_raw(staff_client, package).get_json()["id"])

    assert status["status"] == "failed"
    assert "AICC packages are not supported" in status["message"]
    assert (
        "course.crs" in status["message"] and "SCORM 1.2, SCORM 2004 or cmi5" in status["message"]
    )
    assert "no manifest" not in status["message"]
    page = staff_client.get(status["page_url"]).get_data(as_text=True)
    assert "AICC packages are not supported" in page
    assert db.session.query(Course).count() == 0


def test_an_import_failing_half_way_leaves_no_course_and_no_version(
    app, staff_client, tmp_path, monkeypatch
):
    """The background job's unit of work (issue 12): the worker's import fails after it has
    written the new course and the version; nothing of either is kept, nor the stored files,
    and the import is marked failed, saying why."""
    from lms.packages import pipeline

    recorded = pipeline._add_version
    written = []

    def add_then_fail(*args, **kwargs):
        version = recorded(*args, **kwargs)  # the course and the version are flushed
        written.append((version.content_prefix, version.launch))
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(pipeline, "_add_version", add_then_fail)
    status = wait_for(staff_client, send_raw(staff_client, scorm12_zip(tmp_path)).get_json()["id"])

    assert written, "the step ran after the course and version were written"
    assert status["status"] == "failed"
    assert "RuntimeError: the disk went away" in status["message"]
    assert "nothing was recorded" in status["message"]
    db.session.expire_all()
    assert db.session.query(Course).count() == 0
    assert db.session.query(PackageVersion).count() == 0
    job = db.session.get(PackageImport, status["id"])
    assert job.package_version_id is None and job.finished_at is not None
    prefix, launch = written[0]
    assert not app.extensions["content_store"].exists(prefix + launch.split("?")[0])
