"""The Activities and Agents resources, over HTTP, in xAPI 1.0.3 and 2.0.0."""

from __future__ import annotations

import json

import pytest

from tests.builders.xapi import statement
from tests.lrs.conftest import XapiClient

ACTIVITY = "https://lms.test/courses/vehicle-pursuit"
ALEX = {"objectType": "Agent", "name": "Alex Rivera", "mbox": "mailto:alex@example.org"}


def get_activity(xapi, **params):
    return xapi.request("GET", "/activities", query_string=params)


def get_person(xapi, agent=None, **params):
    if agent is not None:
        params["agent"] = json.dumps(agent)
    return xapi.request("GET", "/agents", query_string=params)


# --- Activities -------------------------------------------------------------------------------


def test_an_activity_comes_with_the_canonical_definition_from_statements(xapi):
    assert xapi.post_statements(statement()).status_code == 200
    response = get_activity(xapi, activityId=ACTIVITY)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json == {
        "objectType": "Activity",
        "id": ACTIVITY,
        "definition": {"name": {"en-US": "Vehicle Pursuit Policy Update"}},
    }


def test_an_activity_definition_gathers_every_language_statements_gave(xapi):
    english = statement()
    spanish = statement(
        object={
            "objectType": "Activity",
            "id": ACTIVITY,
            "definition": {
                "name": {"es": "Actualización de la política de persecución"},
                "description": {"es": "Curso obligatorio"},
            },
        }
    )
    xapi.post_statements([english, spanish])
    definition = get_activity(xapi, activityId=ACTIVITY).json["definition"]
    assert definition["name"] == {
        "en-US": "Vehicle Pursuit Policy Update",
        "es": "Actualización de la política de persecución",
    }
    assert definition["description"] == {"es": "Curso obligatorio"}


def test_an_activity_no_statement_named_is_still_an_activity_object(xapi):
    # 1.0.3 Communication §2.5.s2.b1; the 2.0 suite's 4.1.6.4 wants 200, not 404.
    response = get_activity(xapi, activityId="https://x.test/a")
    assert response.status_code == 200
    assert response.json == {"objectType": "Activity", "id": "https://x.test/a"}


def test_activity_ids_from_context_activities_are_known_too(xapi):
    parent = "https://lms.test/programs/patrol"
    context = {
        "contextActivities": {
            "parent": [{"id": parent, "definition": {"name": {"en-US": "Patrol"}}}]
        }
    }
    xapi.post_statements(statement(context=context))
    assert get_activity(xapi, activityId=parent).json["definition"] == {"name": {"en-US": "Patrol"}}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({}, "activityId"),
        ({"activityId": "not an iri"}, "activityId"),
        ({"activityId": ACTIVITY, "agent": json.dumps(ALEX)}, "agent"),
    ],
)
def test_the_activities_resource_needs_one_valid_activity_id(xapi, params, named):
    response = get_activity(xapi, **params)
    assert response.status_code == 400
    assert named in response.json["error"]


# --- Agents -----------------------------------------------------------------------------------


def test_a_person_gathers_every_name_statements_gave_the_agent(xapi):
    xapi.post_statements(statement(actor=ALEX))
    xapi.post_statements(statement(actor={**ALEX, "name": "A. Rivera"}))
    response = get_person(xapi, {"mbox": "mailto:alex@example.org"})
    assert response.status_code == 200
    assert response.json == {
        "objectType": "Person",
        "name": ["Alex Rivera", "A. Rivera"],
        "mbox": ["mailto:alex@example.org"],
    }


def test_a_person_lists_an_account_as_an_array_of_account_objects(xapi):
    account = {"homePage": "https://lms.test", "name": "A12-345-678"}
    xapi.post_statements(statement())
    person = get_person(xapi, {"objectType": "Agent", "account": account}).json
    assert person == {"objectType": "Person", "account": [account]}


def test_a_person_of_an_unknown_agent_holds_what_the_request_said(xapi):
    # 1.0.3 Communication §2.4.s3.b3: a Person object all the same.
    agent = {"name": "Sam", "openid": "https://openid.example.org/sam"}
    response = get_person(xapi, agent)
    assert response.status_code == 200
    assert response.json == {
        "objectType": "Person",
        "name": ["Sam"],
        "openid": ["https://openid.example.org/sam"],
    }


def test_a_person_is_found_by_an_mbox_sha1sum_in_any_case(xapi):
    digest = "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"
    xapi.post_statements(statement(actor={"name": "Kim", "mbox_sha1sum": digest}))
    person = get_person(xapi, {"mbox_sha1sum": digest.upper()}).json
    assert person["name"] == ["Kim"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({}, "agent"),
        ({"agent": "{not json"}, "agent"),
        ({"agent": json.dumps({"name": "no identifier"})}, "agent"),
        ({"agent": json.dumps({"objectType": "Group", "mbox": "mailto:t@example.org"})}, "agent"),
        ({"agent": json.dumps({"mbox": "alex@example.org"})}, "agent"),
        ({"agent": json.dumps(ALEX), "activityId": ACTIVITY}, "activityId"),
    ],
)
def test_the_agents_resource_needs_one_valid_agent(xapi, params, named):
    response = get_person(xapi, **params)
    assert response.status_code == 400
    assert named in response.json["error"]


# --- Both -------------------------------------------------------------------------------------


def test_answers_carry_an_etag_and_head_has_no_body(xapi):
    for path, params in (
        ("/activities", {"activityId": ACTIVITY}),
        ("/agents", {"agent": json.dumps(ALEX)}),
    ):
        got = xapi.request("GET", path, query_string=params)
        head = xapi.request("HEAD", path, query_string=params)
        assert got.headers["ETag"].startswith('"') and got.headers["ETag"].endswith('"')
        assert head.status_code == 200 and head.data == b""
        assert head.headers["ETag"] == got.headers["ETag"]


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_both_resources_answer_get_only(xapi, method):
    assert (
        xapi.request(method, "/activities", query_string={"activityId": ACTIVITY}).status_code
        == 405
    )
    agent = {"agent": json.dumps(ALEX)}
    assert xapi.request(method, "/agents", query_string=agent).status_code == 405


def test_a_credential_that_only_writes_statements_reads_neither(app, client):
    created, secret = app.extensions["lrs"].create_credential("writer", ["statements/write"])
    xapi = XapiClient(client, created.key, secret)
    assert get_activity(xapi, activityId=ACTIVITY).status_code == 403
    assert get_person(xapi, ALEX).status_code == 403


@pytest.mark.parametrize("scopes", [["statements/read"], ["state"], ["profile"], ["all/read"]])
def test_any_reading_scope_reads_definitions(app, client, scopes):
    created, secret = app.extensions["lrs"].create_credential("reader", scopes)
    xapi = XapiClient(client, created.key, secret)
    assert get_activity(xapi, activityId=ACTIVITY).status_code == 200
    assert get_person(xapi, ALEX).status_code == 200


def test_a_credential_for_one_agent_reads_only_that_person(app, client):
    created, secret = app.extensions["lrs"].create_credential("launch", ["all"], agent=ALEX)
    xapi = XapiClient(client, created.key, secret)
    assert get_person(xapi, {"mbox": ALEX["mbox"]}).status_code == 200
    assert get_person(xapi, {"mbox": "mailto:someone.else@example.org"}).status_code == 403
