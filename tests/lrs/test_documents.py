"""The State, Activity Profile and Agent Profile resources, and the Activities and Agents ones."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.lrs.conftest import XapiClient, statement

ACTIVITY = "https://lms.test/courses/vehicle-pursuit"
AGENT = json.dumps(
    {"objectType": "Agent", "account": {"homePage": "https://lms.test", "name": "A12-345-678"}}
)
STATE = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}


def put_state(xapi, document, params=STATE, **headers):
    return xapi.request(
        "PUT", "/activities/state", query_string=params, json=document, headers=headers
    )


def test_state_round_trip_with_etag_and_last_modified(xapi):
    assert put_state(xapi, {"page": 3}).status_code == 204
    response = xapi.request("GET", "/activities/state", query_string=STATE)
    assert response.status_code == 200
    assert response.json == {"page": 3}
    assert response.headers["ETag"].startswith('"') and response.headers["ETag"].endswith('"')
    assert response.headers["Last-Modified"]
    assert response.headers["Content-Type"] == "application/json"


def test_post_merges_json_documents(xapi):
    put_state(xapi, {"page": 3, "score": 10}, **{"If-None-Match": "*"})
    posted = xapi.request(
        "POST", "/activities/state", query_string=STATE, json={"page": 4, "done": True}
    )
    assert posted.status_code == 204
    merged = xapi.request("GET", "/activities/state", query_string=STATE).json
    assert merged == {"page": 4, "score": 10, "done": True}


def test_post_refuses_to_merge_what_is_not_a_json_object(xapi):
    put_state(xapi, {"page": 3})
    response = xapi.request("POST", "/activities/state", query_string=STATE, json=[1, 2, 3])
    assert response.status_code == 400
    assert xapi.request("GET", "/activities/state", query_string=STATE).json == {"page": 3}


def test_if_match_guards_against_lost_updates(xapi):
    put_state(xapi, {"page": 1})
    etag = xapi.request("GET", "/activities/state", query_string=STATE).headers["ETag"]
    assert put_state(xapi, {"page": 2}, **{"If-Match": '"stale"'}).status_code == 412
    assert put_state(xapi, {"page": 2}, **{"If-Match": etag}).status_code == 204
    assert put_state(xapi, {"page": 3}, **{"If-None-Match": "*"}).status_code == 412
    assert xapi.request("GET", "/activities/state", query_string=STATE).json == {"page": 2}


def test_overwriting_without_a_precondition_follows_each_version(xapi):
    put_state(xapi, {"page": 1})
    response = put_state(xapi, {"page": 2})
    # 1.0.3 lets State be overwritten freely; 2.0 asks for If-Match (409 without it).
    assert response.status_code == (204 if xapi.version == "1.0.3" else 409)


def test_a_profile_put_needs_a_precondition_in_1_0_3(xapi):
    params = {"activityId": ACTIVITY, "profileId": "policy"}
    response = xapi.request("PUT", "/activities/profile", query_string=params, json={"v": 1})
    assert response.status_code == (400 if xapi.version == "1.0.3" else 204)
    created = xapi.request(
        "PUT",
        "/activities/profile",
        query_string=params,
        json={"v": 1},
        headers={"If-None-Match": "*"},
    )
    assert created.status_code in (204, 412)
    assert (
        xapi.request("PUT", "/activities/profile", query_string=params, json={"v": 2}).status_code
        == 409
    )


def test_lists_ids_since_and_deletes(xapi):
    registration = str(uuid.uuid4())
    for state_id in ("a", "b"):
        put_state(xapi, {"x": 1}, {**STATE, "stateId": state_id, "registration": registration})
    listing = xapi.request(
        "GET",
        "/activities/state",
        query_string={"activityId": ACTIVITY, "agent": AGENT, "registration": registration},
    )
    assert sorted(listing.json) == ["a", "b"]
    one = {**STATE, "stateId": "a", "registration": registration}
    assert xapi.request("DELETE", "/activities/state", query_string=one).status_code == 204
    assert xapi.request("GET", "/activities/state", query_string=one).status_code == 404
    everything = {"activityId": ACTIVITY, "agent": AGENT}
    assert xapi.request("DELETE", "/activities/state", query_string=everything).status_code == 204
    assert xapi.request("GET", "/activities/state", query_string=everything).json == []


def test_binary_documents_keep_their_content_type(xapi):
    params = {"agent": AGENT, "profileId": "photo"}
    response = xapi.request(
        "PUT",
        "/agents/profile",
        query_string=params,
        data=b"\x89PNG\x00\x01",
        headers={"Content-Type": "image/png", "If-None-Match": "*"},
    )
    assert response.status_code == 204
    fetched = xapi.request("GET", "/agents/profile", query_string=params)
    assert fetched.data == b"\x89PNG\x00\x01"
    assert fetched.headers["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"agent": AGENT, "stateId": "x"}, "activityId"),
        ({"activityId": ACTIVITY, "stateId": "x"}, "agent"),
        ({**STATE, "agent": "{not json"}, "agent"),
        ({**STATE, "registration": "not-a-uuid"}, "registration"),
        ({**STATE, "colour": "blue"}, "colour"),
    ],
)
def test_bad_parameters_are_named(xapi, params, named):
    response = xapi.request("PUT", "/activities/state", query_string=params, json={"x": 1})
    assert response.status_code == 400
    assert named in response.json["error"]


def test_documents_need_their_scope(app, client):
    store = app.extensions["lrs"]
    created, secret = store.create_credential("statements only", ["statements/write"])
    xapi = XapiClient(client, created.key, secret)
    assert put_state(xapi, {"x": 1}).status_code == 403


def test_activities_resource_gives_the_canonical_definition(xapi):
    xapi.post_statements(statement())
    found = xapi.request("GET", "/activities", query_string={"activityId": ACTIVITY}).json
    assert found["id"] == ACTIVITY
    assert found["definition"]["name"] == {"en-US": "Vehicle Pursuit Policy Update"}
    unknown = xapi.request("GET", "/activities", query_string={"activityId": "https://x.test/a"})
    assert unknown.status_code == 200 and unknown.json == {
        "objectType": "Activity",
        "id": "https://x.test/a",
    }


def test_agents_resource_gives_a_person(xapi):
    named = statement(
        actor={"objectType": "Agent", "name": "Alex Rivera", "mbox": "mailto:alex@example.org"}
    )
    xapi.post_statements(named)
    person = xapi.request(
        "GET", "/agents", query_string={"agent": json.dumps({"mbox": "mailto:alex@example.org"})}
    ).json
    assert person == {
        "objectType": "Person",
        "name": ["Alex Rivera"],
        "mbox": ["mailto:alex@example.org"],
    }
