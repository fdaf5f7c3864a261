"""Sign-up, sign-in, POST-ID, dashboard, invitations and access requests, as a browser sees them."""

from __future__ import annotations

from lms.accounts import invitations
from lms.accounts.interfaces import Role
from lms.accounts.models import AccessRequest, Person
from lms.db import db
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import PASSWORD, make_agency, make_officer, make_person

SIGN_UP = {
    "first_name": "Dana",
    "last_name": "Ortiz",
    "email": "dana@example.org",
    "role": "dispatcher",
    "password": PASSWORD,
    "confirm": PASSWORD,
}


def test_sign_up_then_link_post_id_then_dashboard(client):
    agency = make_agency("Capitol City PD")
    response = post_form(client, "/sign-up", {**SIGN_UP, "agency_id": agency.id})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/post-id")
    assert client.get("/dashboard").headers["Location"].endswith("/post-id")
    response = post_form(client, "/post-id", {"post_id": "d12345678"})
    assert response.headers["Location"].endswith("/dashboard")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "D12-345-678" in page
    assert "Capitol City PD" in page
    assert "Dispatcher" in page


def test_sign_up_errors_stand_beside_their_fields_and_nothing_is_saved(client):
    agency = make_agency()
    response = post_form(
        client,
        "/sign-up",
        {**SIGN_UP, "agency_id": agency.id, "email": "not-an-address", "confirm": "different!!"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page and "Enter an e-mail address" in page
    assert 'id="confirm-error"' in page and "The passwords differ." in page
    assert 'aria-describedby="email-error"' in page
    assert db.session.query(Person).count() == 0


def test_sign_up_with_a_taken_email_says_so_beside_the_email(client):
    agency = make_agency()
    make_officer(agency, email="dana@example.org")
    response = post_form(client, "/sign-up", {**SIGN_UP, "agency_id": agency.id})
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert db.session.query(Person).count() == 1


def test_sign_up_refuses_an_agency_outside_the_list(client):
    outside = make_agency(in_post_program=False)
    response = post_form(client, "/sign-up", {**SIGN_UP, "agency_id": outside.id})
    assert response.status_code == 422
    assert 'id="agency_id-error"' in response.get_data(as_text=True)
    assert db.session.query(Person).count() == 0


def test_sign_up_refuses_a_role_one_cannot_choose(client):
    agency = make_agency()
    response = post_form(
        client, "/sign-up", {**SIGN_UP, "agency_id": agency.id, "role": "post_staff"}
    )
    assert response.status_code == 422
    assert db.session.query(Person).count() == 0


def test_sign_in_with_a_linked_post_id_reaches_the_dashboard(client):
    officer = make_officer(email="pat@example.org")
    sign_in(client, "pat@example.org", PASSWORD)
    page = client.get("/dashboard").get_data(as_text=True)
    assert officer.post_id in page


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client):
    make_officer(email="pat@example.org")
    token = csrf_token(client)
    form = {"csrf_token": token, "email": "pat@example.org", "password": PASSWORD}
    response = client.post("/sign-in?next=//evil.example/x", data=form)
    assert response.headers["Location"].endswith("/dashboard")
    client.post("/sign-out", data={"csrf_token": token})
    response = client.post(
        "/sign-in?next=/agencies/", data={**form, "csrf_token": csrf_token(client)}
    )
    assert response.headers["Location"] == "/agencies/"


def test_wrong_password_shows_the_error_beside_the_password(client):
    make_officer(email="pat@example.org")
    response = post_form(client, "/sign-in", {"email": "pat@example.org", "password": "wrong one!"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="password-error"' in page and "wrong" in page


def test_repeated_failures_answer_429_with_retry_after(client):
    make_officer(email="pat@example.org")
    for _ in range(5):
        post_form(client, "/sign-in", {"email": "pat@example.org", "password": "wrong one!"})
    response = post_form(client, "/sign-in", {"email": "pat@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert response.headers["Retry-After"]
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client):
    make_officer(email="pat@example.org")
    response = post_form(client, "/sign-in", {"email": "pat@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_outside_development(migrated_database_url, tmp_path):
    from tests.conftest import IsolatedClient, make_test_app

    app = make_test_app(migrated_database_url, tmp_path, LMS_ENV="production")
    app.test_client_class = IsolatedClient
    with app.app_context():
        make_officer(email="secure@example.org")
        client = app.test_client()
        response = post_form(
            client, "/sign-in", {"email": "secure@example.org", "password": PASSWORD}
        )
        assert "Secure" in response.headers["Set-Cookie"]
        db.session.query(Person).delete()
        db.session.commit()


def test_sign_out_needs_a_post_and_ends_the_session(client):
    make_officer(email="pat@example.org")
    sign_in(client, "pat@example.org", PASSWORD)
    assert client.get("/sign-out").status_code == 405
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/dashboard")})
    assert response.status_code == 302
    assert client.get("/dashboard").headers["Location"].startswith("/sign-in")


def test_pages_need_signing_in(client):
    for url in ("/dashboard", "/post-id", "/agencies/", "/staff/access-requests"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/sign-in"), url


def test_a_malformed_post_id_is_refused_beside_the_field(client):
    make_person(Role.PEACE_OFFICER, agency=make_agency(), email="pat@example.org")
    sign_in(client, "pat@example.org", PASSWORD)
    response = post_form(client, "/post-id", {"post_id": "12345"})
    assert response.status_code == 422
    assert 'id="post_id-error"' in response.get_data(as_text=True)
    assert db.session.query(Person).filter(Person.post_id.is_not(None)).count() == 0


def test_npo_reaches_the_dashboard_without_a_post_id(client):
    make_person(Role.NPO, agency=make_agency(), email="npo@example.org")
    sign_in(client, "npo@example.org", PASSWORD)
    assert client.get("/dashboard").status_code == 200


def test_invitation_link_sets_the_password_once(client):
    person = make_person(
        Role.NPO, agency=make_agency("Harbor"), email="npo@example.org", password=None
    )
    token = invitations.invite(person)
    db.session.commit()
    page = client.get(f"/invitations/{token}").get_data(as_text=True)
    assert "npo@example.org" in page and "Harbor" in page
    response = post_form(
        client,
        f"/invitations/{token}",
        {"password": "brand new secret", "confirm": "brand new secret"},
    )
    assert response.headers["Location"].endswith("/dashboard")
    assert client.get(f"/invitations/{token}").status_code == 404
    other = client.application.test_client()
    sign_in(other, "npo@example.org", "brand new secret")


def test_access_request_form_records_the_request(client):
    response = post_form(
        client,
        "/request-access",
        {
            "organisation_name": "Harbor Port Security",
            "contact_first_name": "Riley",
            "contact_last_name": "Adams",
            "contact_email": "riley@example.net",
            "contact_phone": "555-0100",
            "reason": "Mutual aid.",
        },
    )
    assert response.status_code == 200
    assert "Request received" in response.get_data(as_text=True)
    assert db.session.query(AccessRequest).one().organisation_name == "Harbor Port Security"


def test_an_incomplete_access_request_names_the_missing_fields(client):
    response = post_form(client, "/request-access", {"organisation_name": "Harbor"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for field in ("contact_first_name", "contact_email", "reason"):
        assert f'id="{field}-error"' in page
    assert db.session.query(AccessRequest).count() == 0
