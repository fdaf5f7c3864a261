"""Package files are served on the content origin, by a token signed for one person and one
version, to those who may launch it, with ranges, ETags and their version."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin

from lms import unit_of_work
from lms.catalog import services as catalog
from lms.packages import access
from lms.packages.access import file_token, files_url
from tests.conftest import CONTENT_BASE_URL, sign_in
from tests.factories import PASSWORD, make_officer, make_post_staff
from tests.lms.packages.helpers import imported

CONTENT = b"content of law/index.html"


def register(person, course_id):
    """The registration, committed (the test is its own unit of work)."""
    with unit_of_work.job():
        return catalog.register(person, course_id)


def test_a_registered_learner_gets_the_file_with_type_etag_and_ranges(app, client, tmp_path):
    course, version = imported(app, tmp_path)
    officer = make_officer(email="pat@example.org")
    register(officer, course.id)
    url = files_url(officer, version.id, "law/index.html")
    assert url.startswith(f"{CONTENT_BASE_URL}/content/")
    whole = client.get(url)  # no session: the token is the key
    assert whole.status_code == 200 and whole.data == CONTENT
    assert whole.mimetype == "text/html"
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.headers["ETag"]
    assert whole.headers["Last-Modified"]
    part = client.get(url, headers={"Range": "bytes=0-6"})
    assert part.status_code == 206 and part.data == CONTENT[:7]
    assert part.headers["Content-Range"] == f"bytes 0-6/{len(CONTENT)}"
    tail = client.get(url, headers={"Range": "bytes=-4"})
    assert tail.data == CONTENT[-4:]
    assert client.get(url, headers={"Range": "bytes=9999-"}).status_code == 416
    assert client.get(url, headers={"If-None-Match": whole.headers["ETag"]}).status_code == 304


def test_relative_urls_inside_the_package_keep_the_token(app, client, tmp_path):
    course, version = imported(app, tmp_path)
    officer = make_officer(email="pat@example.org")
    register(officer, course.id)
    page = files_url(officer, version.id, "law/index.html")
    # What a browser does with <a href="../imsmanifest.xml"> on that page.
    assert client.get(urljoin(page, "../imsmanifest.xml")).status_code == 200


def test_no_way_out_of_the_package_folder(app, client, tmp_path):
    course, version = imported(app, tmp_path)
    officer = make_officer(email="pat@example.org")
    register(officer, course.id)
    folder = files_url(officer, version.id)
    for path in (
        "../2/imsmanifest.xml",
        "law/../../1/law/index.html",
        "%2e%2e/secret",
        "nope.html",
    ):
        assert client.get(folder + path).status_code == 404, path


def test_only_those_who_may_launch_it_get_it(app, client, tmp_path):
    course, version = imported(app, tmp_path)
    stranger = make_officer(email="stranger@example.org")
    assert client.get(files_url(stranger, version.id, "law/index.html")).status_code == 404
    staff = make_post_staff(email="staff@example.org")
    assert client.get(files_url(staff, version.id, "law/index.html")).status_code == 200


def test_a_forged_or_missing_token_is_404(app, client, tmp_path):
    course, version = imported(app, tmp_path)
    officer = make_officer(email="pat@example.org")
    register(officer, course.id)
    token = file_token(officer, version.id)
    for forged in (token[:-2] + "xx", "x", token.split(".")[0]):
        response = client.get(f"{CONTENT_BASE_URL}/content/{forged}/{version.id}/law/index.html")
        assert response.status_code == 404, forged


def test_an_expired_token_is_404(app, client, tmp_path, monkeypatch):
    course, version = imported(app, tmp_path)
    officer = make_officer(email="pat@example.org")
    register(officer, course.id)
    url = files_url(officer, version.id, "law/index.html")
    assert dt.timedelta(hours=24) == access.FILE_TOKEN_MAX_AGE
    monkeypatch.setattr(access, "FILE_TOKEN_MAX_AGE", dt.timedelta(seconds=-1))
    assert client.get(url).status_code == 404


def test_a_token_opens_its_own_version_only(app, client, tmp_path):
    course, first = imported(app, tmp_path)
    staff = make_post_staff(email="staff@example.org")
    _, second = imported(app, tmp_path, "v2.zip")
    token = file_token(staff, first.id)
    assert client.get(f"{CONTENT_BASE_URL}/content/{token}/{first.id}/law/index.html").data
    other = f"{CONTENT_BASE_URL}/content/{token}/{second.id}/law/index.html"
    assert client.get(other).status_code == 404


def test_a_dropped_registration_closes_the_files(app, client, tmp_path):
    course, version = imported(app, tmp_path)
    officer = make_officer(email="pat@example.org")
    registration = register(officer, course.id)
    url = files_url(officer, version.id, "law/index.html")
    assert client.get(url).status_code == 200
    with unit_of_work.job():
        catalog.drop(officer, registration.id)
    assert client.get(url).status_code == 404


def test_the_portal_never_serves_package_files(app, client, tmp_path):
    course, version = imported(app, tmp_path)
    staff = make_post_staff(email="staff@example.org")
    sign_in(client, "staff@example.org", PASSWORD)
    path = files_url(staff, version.id, "law/index.html").removeprefix(CONTENT_BASE_URL)
    assert client.get(path).status_code == 404  # the portal's host, signed in as POST staff
    assert client.get(f"/content/{version.id}/law/index.html").status_code == 404  # the old URL
    assert client.get(CONTENT_BASE_URL + path).status_code == 200


def test_a_new_version_leaves_learners_in_progress_on_theirs(app, client, tmp_path):
    course, first = imported(app, tmp_path)
    early = make_officer(email="early@example.org")
    register(early, course.id)
    _, second = imported(app, tmp_path, "v2.zip")
    assert second.version == 2 and second.course_id == course.id
    late = make_officer(email="late@example.org")
    assert register(late, course.id).package_version_id == second.id
    assert client.get(files_url(early, first.id, "law/index.html")).status_code == 200
    assert client.get(files_url(early, second.id, "law/index.html")).status_code == 404
