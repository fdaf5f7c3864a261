"""Sessions end when they should: sign-out and a password change end every earlier session of
the person (a copied cookie, another browser, a remember-me cookie), and sign-in only ever
sends the browser on to a path of this site."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie

from lms.accounts import invitations, services
from lms.accounts.interfaces import InvalidSignIn, Role
from lms.accounts.models import Person
from lms.db import db
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import PASSWORD, make_agency, make_officer, make_person

NEW_PASSWORD = "a brand new passphrase"


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session", domain=client.application.config["SERVER_NAME"])
    assert cookie is not None
    return cookie.value


def _client_with(app: Flask, name: str, value: str) -> FlaskClient:
    client = app.test_client()
    client.set_cookie(name, value, domain=app.config["SERVER_NAME"])
    return client


def _signed_in(client: FlaskClient) -> bool:
    response = client.get("/dashboard")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/sign-in")
        return False
    assert response.status_code == 200
    return True


def _sign_out(client: FlaskClient) -> None:
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/dashboard")})
    assert response.status_code == 302


def test_a_session_cookie_copied_before_sign_out_no_longer_signs_in(app, client):
    make_officer(email="pat@example.org")
    sign_in(client, "pat@example.org", PASSWORD)
    copied = _session_cookie(client)
    assert _signed_in(_client_with(app, "session", copied))
    _sign_out(client)
    assert not _signed_in(_client_with(app, "session", copied))


def test_signing_out_ends_the_persons_sessions_in_other_browsers_too(app, client):
    make_officer(email="pat@example.org")
    other_browser = app.test_client()
    sign_in(client, "pat@example.org", PASSWORD)
    sign_in(other_browser, "pat@example.org", PASSWORD)
    _sign_out(client)
    assert not _signed_in(other_browser)
    sign_in(client, "pat@example.org", PASSWORD)
    assert _signed_in(client)


def test_a_remember_me_cookie_issued_before_sign_out_no_longer_signs_in(app, client):
    person = make_officer(email="pat@example.org")
    remember = encode_cookie(person.get_id())
    assert _signed_in(_client_with(app, "remember_token", remember))
    sign_in(client, "pat@example.org", PASSWORD)
    _sign_out(client)
    assert not _signed_in(_client_with(app, "remember_token", remember))


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, client):
    person = make_officer(email="pat@example.org")
    remember = encode_cookie(person.get_id())
    other_browser = app.test_client()
    sign_in(client, "pat@example.org", PASSWORD)
    sign_in(other_browser, "pat@example.org", PASSWORD)
    copied = _session_cookie(client)

    response = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert _signed_in(client)
    assert not _signed_in(other_browser)
    assert not _signed_in(_client_with(app, "session", copied))
    assert not _signed_in(_client_with(app, "remember_token", remember))
    db.session.expire_all()  # what the requests committed, read afresh
    with pytest.raises(InvalidSignIn):
        services.authenticate("pat@example.org", PASSWORD)
    assert services.authenticate("pat@example.org", NEW_PASSWORD).id == person.id


def test_a_wrong_current_password_changes_nothing_and_says_so_beside_the_field(app, client):
    make_officer(email="pat@example.org")
    other_browser = app.test_client()
    sign_in(client, "pat@example.org", PASSWORD)
    sign_in(other_browser, "pat@example.org", PASSWORD)
    response = post_form(
        client,
        "/account/password",
        {"current_password": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert 'id="current_password-error"' in response.get_data(as_text=True)
    assert _signed_in(client) and _signed_in(other_browser)
    assert services.authenticate("pat@example.org", PASSWORD).email == "pat@example.org"


def test_the_password_page_needs_signing_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_setting_a_password_through_an_invitation_ends_earlier_sessions(app):
    person = make_person(Role.NPO, agency=make_agency(), email="npo@example.org", password=None)
    token = invitations.invite(person)
    db.session.commit()
    before = person.get_id()
    invitations.accept(token, NEW_PASSWORD)
    assert services.person_for_session(before) is None
    assert services.person_for_session(person.get_id()).id == person.id


@pytest.mark.parametrize(
    "session_id",
    ["", "7", "abc", "7:", ":1", "7:1:1", "²:1", "7:²", "99999999999999999999999:1", "7:-1"],
)
def test_a_malformed_session_names_nobody(app, session_id):
    make_officer(email="pat@example.org")
    assert services.person_for_session(session_id) is None


def test_the_session_names_the_person_and_their_session_version(app):
    person = make_officer(email="pat@example.org")
    assert person.get_id() == f"{person.id}:1"
    assert services.person_for_session(f"{person.id}:1").id == person.id
    services.sign_out(person)
    assert person.get_id() == f"{person.id}:2"
    assert services.person_for_session(f"{person.id}:1") is None
    assert db.session.get(Person, person.id).session_version == 2


@pytest.mark.parametrize(
    "target",
    [
        "/dashboard\r\nSet-Cookie: stolen=1",
        "/agencies/\n",
        "\r\n/agencies/",
        "/agencies/\t",
        "/agen\x7fcies/",
        "/agen\x1bcies/",
        "/ agencies/",
        "/\u202eagencies/",
        "/agencies/\u00e9",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\t/evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "agencies/",
        "",
    ],
)
def test_sign_in_sends_an_unsafe_next_to_the_dashboard_never_an_error(app, target):
    make_officer(email="pat@example.org")
    client = app.test_client()
    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"csrf_token": csrf_token(client), "email": "pat@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize("target", ["/agencies/", "/courses?q=traffic%20stops&page=2", "/"])
def test_sign_in_returns_to_a_path_of_this_site(app, target):
    make_officer(email="pat@example.org")
    client = app.test_client()
    response = client.post(
        "/sign-in",
        query_string={"next": target},
        data={"csrf_token": csrf_token(client), "email": "pat@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == target
