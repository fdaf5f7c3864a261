"""What the /xapi blueprint does for every resource (lrs/http/blueprint.py): the version header,
authentication, the About resource and CORS."""

from __future__ import annotations

from tests.lrs.conftest import XapiClient
from tests.lrs.helpers import list_params


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


def test_no_answer_is_kept_by_a_browser_cache(client, credential, resource):
    # A document's GET has Last-Modified and no expiry, which RFC 9111 §4.2.2 lets a browser
    # treat as fresh for a while: TinCanJS's GET after its own PUT read the old content.
    created, secret = credential
    xapi = XapiClient(client, created.key, secret, "1.0.3")
    path, params, id_param = resource
    one = {**params, id_param: "cached"}
    listing = list_params(resource)
    put = xapi.request("PUT", path, query_string=one, json={"v": 1}, headers={"If-None-Match": "*"})
    assert put.status_code == 204
    answers = [
        put,
        xapi.request("GET", path, query_string=one),
        xapi.request("GET", path, query_string=listing),
        xapi.get_statements(),
        client.get("/xapi/about"),
        xapi.request("GET", path, query_string={**listing, id_param: "missing"}),
    ]
    assert [a.headers.get("Cache-Control") for a in answers] == ["no-store"] * len(answers)
