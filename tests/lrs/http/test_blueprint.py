"""What the /xapi blueprint does for every resource (lrs/http/blueprint.py): the version header,
authentication, the About resource and CORS."""

from __future__ import annotations

from tests.lrs.conftest import XapiClient


def test_the_version_header_is_required(client, credential):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret)
    response = xapi.request("GET", "/statements", headers={"X-Experience-API-Version": ""})
    assert response.status_code == 400
    response = xapi.request("GET", "/statements", headers={"X-Experience-API-Version": "0.95"})
    assert response.status_code == 400


def test_credentials_are_required_and_checked(client, credential):
    created, _ = credential
    assert (
        client.get("/xapi/statements", headers={"X-Experience-API-Version": "2.0.0"}).status_code
        == 401
    )
    wrong = XapiClient(client, created.key, "not the secret")
    assert wrong.get_statements().status_code == 401


def test_about_needs_no_credentials(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert set(response.json["version"]) >= {"1.0.3", "2.0.0"}


def test_cors_lets_content_from_another_origin_call(client):
    response = client.options("/xapi/statements", headers={"Origin": "https://content.example"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Experience-API-Version" in response.headers["Access-Control-Allow-Headers"]


def test_a_version_with_non_ascii_digits_is_refused(client, credential):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret)
    response = xapi.request(
        "GET", "/statements", headers={"X-Experience-API-Version": "1.0.\u0663"}
    )
    assert response.status_code == 400
