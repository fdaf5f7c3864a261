"""The content origin: course content on a host of its own, where nothing of the portal answers
and no session exists; the portal, where no content answers; the headers of each; and the
setting that names it."""

from __future__ import annotations

import pytest
from flask import Flask, request
from flask.sessions import NullSession

from lms.app import create_app
from lms.catalog.models import Course
from lms.config import ConfigurationError, Settings, content_base_url
from lms.db import db
from lms.packages.access import files_url
from tests.conftest import CONTENT_BASE_URL, csrf_token, sign_in
from tests.factories import (
    PASSWORD,
    make_officer,
    make_package_version,
    make_post_staff,
    make_registration,
    publish,
)

PORTAL_PAGES = ["/", "/sign-in", "/dashboard", "/staff/lrs-credentials", "/xapi/about"]


def test_a_loopback_portal_gets_the_other_loopback_name_for_its_content():
    assert content_base_url("http://127.0.0.1:5000", None) == "http://localhost:5000"
    assert content_base_url("http://localhost:8000", None) == "http://127.0.0.1:8000"
    assert content_base_url("https://127.0.0.1", None) == "https://localhost"


def test_the_setting_is_read_from_the_environment():
    environ = {
        "LMS_BASE_URL": "https://lp.example.gov",
        "LMS_CONTENT_BASE_URL": "https://c.example/",
    }
    assert Settings.from_environment(environ).content_base_url == "https://c.example"
    assert Settings.from_environment({}).content_base_url is None


def test_any_other_portal_must_name_its_content_host():
    with pytest.raises(ConfigurationError, match="LMS_CONTENT_BASE_URL is not set"):
        content_base_url("https://lp.example.gov", None)
    assert (
        content_base_url("https://lp.example.gov", "https://content.lp.example.gov/")
        == "https://content.lp.example.gov"
    )


@pytest.mark.parametrize(
    "configured",
    [
        "https://lp.example.gov",  # the portal's own origin
        "https://lp.example.gov:8443",  # another port: cookies are shared by every port
        "https://content.lp.example.gov/files",  # an origin alone
        "content.lp.example.gov",
        "ftp://content.lp.example.gov",
    ],
)
def test_a_content_host_that_is_the_portals_or_no_origin_is_refused(configured):
    with pytest.raises(ConfigurationError, match="LMS_CONTENT_BASE_URL"):
        content_base_url("https://lp.example.gov", configured)


def test_the_app_refuses_to_start_without_a_content_host(tmp_path):
    with pytest.raises(ConfigurationError, match="second host name"):
        create_app(
            {
                "LMS_INSTANCE_PATH": tmp_path,
                "LMS_BASE_URL": "https://lp.example.gov",
                "LMS_CONTENT_BASE_URL": None,
            }
        )
    with pytest.raises(ConfigurationError, match="another host"):
        create_app(
            {
                "LMS_INSTANCE_PATH": tmp_path,
                "LMS_BASE_URL": "https://lp.example.gov",
                "LMS_CONTENT_BASE_URL": "https://lp.example.gov",
            }
        )


def test_no_portal_page_answers_on_the_content_host(app, client):
    make_officer(email="pat@example.org")
    for path in PORTAL_PAGES:
        response = client.get(CONTENT_BASE_URL + path)
        assert response.status_code == 404, path
        assert "content only" in response.get_data(as_text=True)
    # Nor a form posted there, whatever it carries (the guard answers before the CSRF check).
    sign_in_form = client.post(
        CONTENT_BASE_URL + "/sign-in", data={"email": "pat@example.org", "password": PASSWORD}
    )
    assert sign_in_form.status_code == 404
    credential = client.post(
        CONTENT_BASE_URL + "/staff/lrs-credentials", data={"name": "x", "scopes": "all"}
    )
    assert credential.status_code == 404


def test_static_files_and_the_health_check_answer_on_both_hosts(app, client):
    for base in ("", CONTENT_BASE_URL):
        assert client.get(base + "/healthz").status_code == 200
        assert client.get(base + "/static/js/scorm_player.js").status_code == 200


def imported(tmp_path):
    """The example SCORM 1.2 package imported and its course published."""
    version = make_package_version(tmp_path, "scorm12")
    return publish(db.session.get(Course, version.course_id)), version


def test_the_portal_serves_no_content(app, client, tmp_path):
    course, version = imported(tmp_path)
    staff = make_post_staff(email="staff@example.org")
    sign_in(client, "staff@example.org", PASSWORD)
    path = files_url(staff, version.id, "law/index.html").removeprefix(CONTENT_BASE_URL)
    assert client.get(path).status_code == 404
    assert client.get(CONTENT_BASE_URL + path).status_code == 200


def test_content_responses_keep_to_their_frames_send_no_referrer_and_no_cookie(
    app, client, tmp_path
):
    course, version = imported(tmp_path)
    officer = make_officer(email="pat@example.org")
    make_registration(officer, course)
    sign_in(client, "pat@example.org", PASSWORD)  # a portal session in the same browser
    portal = app.config["LMS_BASE_URL"]
    for url in (
        files_url(officer, version.id, "law/index.html"),
        files_url(officer, version.id, "nope.html"),
        CONTENT_BASE_URL + "/dashboard",
        CONTENT_BASE_URL + "/healthz",
    ):
        response = client.get(url)
        headers = response.headers
        assert headers["Content-Security-Policy"] == (
            f"frame-ancestors {portal} {CONTENT_BASE_URL}"
        ), url
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in headers, url


def test_portal_pages_may_be_framed_by_the_portal_alone(app, client):
    for path in ("/sign-in", "/healthz"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_content_host_never_reads_nor_writes_a_session(app: Flask, client):
    make_officer(email="pat@example.org")
    sign_in(client, "pat@example.org", PASSWORD)
    cookie = client.get_cookie("session", domain="lms.test")
    assert cookie is not None
    headers = {"Cookie": f"session={cookie.value}"}
    with app.test_request_context(CONTENT_BASE_URL + "/healthz", headers=headers):
        assert isinstance(app.session_interface.open_session(app, request), NullSession)
    with app.test_request_context("/dashboard", headers=headers):
        assert app.session_interface.open_session(app, request).get("_user_id")


def test_a_csrf_token_is_never_made_on_the_content_host(app, client):
    # The sign-in page makes one on the portal, into the session cookie.
    assert csrf_token(client, "/sign-in")
    response = app.test_client().get(CONTENT_BASE_URL + "/sign-in")
    assert "csrf_token" not in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
