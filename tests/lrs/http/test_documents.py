"""Requests to the document resources: State registrations, parameters, credentials and the
alternate request syntax, in xAPI 1.0.3 and 2.0.0."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import pytest

from tests.lrs.conftest import XapiClient
from tests.lrs.helpers import (
    ACTIVITY,
    ACTIVITY_PROFILE,
    AGENT,
    AGENT_PROFILE,
    CREATE,
    OTHER_AGENT,
    RESOURCES,
    STATE,
    fetch,
    list_params,
    send,
)

# --- State: registrations ---------------------------------------------------------------------


def test_state_is_kept_per_registration(xapi):
    state = RESOURCES["state"]
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    send(xapi, "POST", state, {"attempt": 1}, {**STATE, "registration": first})
    send(xapi, "POST", state, {"attempt": 2}, {**STATE, "registration": second.upper()})
    assert fetch(xapi, state, {**STATE, "registration": first}).json == {"attempt": 1}
    assert fetch(xapi, state, {**STATE, "registration": second}).json == {"attempt": 2}
    assert fetch(xapi, state).status_code == 404


def test_state_ids_of_one_registration_or_of_all_each_listed_once(xapi):
    state = RESOURCES["state"]
    registration = str(uuid.uuid4())
    send(xapi, "POST", state, {"v": 1}, {**STATE, "stateId": "a", "registration": registration})
    send(xapi, "POST", state, {"v": 1}, {**STATE, "stateId": "b", "registration": registration})
    send(xapi, "POST", state, {"v": 1}, {**STATE, "stateId": "a"})
    context = {"activityId": ACTIVITY, "agent": AGENT}
    assert fetch(xapi, state, {**context, "registration": registration}).json == ["a", "b"]
    assert fetch(xapi, state, context).json == ["a", "b"]


def test_deleting_state_without_an_id_deletes_the_registration_or_everything(xapi):
    state = RESOURCES["state"]
    kept, dropped = str(uuid.uuid4()), str(uuid.uuid4())
    for registration in (kept, dropped):
        for state_id in ("a", "b"):
            params = {**STATE, "stateId": state_id, "registration": registration}
            send(xapi, "POST", state, {"v": 1}, params)
    context = {"activityId": ACTIVITY, "agent": AGENT}
    assert (
        send(xapi, "DELETE", state, params={**context, "registration": dropped}).status_code == 204
    )
    assert fetch(xapi, state, {**context, "registration": dropped}).json == []
    assert fetch(xapi, state, {**context, "registration": kept}).json == ["a", "b"]
    assert send(xapi, "DELETE", state, params=context).status_code == 204
    assert fetch(xapi, state, context).json == []


def test_deleting_all_state_leaves_other_agents_and_profiles(xapi):
    state = RESOURCES["state"]
    send(xapi, "POST", state, {"v": 1})
    send(xapi, "POST", state, {"v": 2}, {**STATE, "agent": OTHER_AGENT})
    send(xapi, "POST", RESOURCES["activity profile"], {"v": 3})
    send(xapi, "DELETE", state, params={"activityId": ACTIVITY, "agent": AGENT})
    assert fetch(xapi, state, {**STATE, "agent": OTHER_AGENT}).json == {"v": 2}
    assert fetch(xapi, RESOURCES["activity profile"]).json == {"v": 3}


# --- Parameters -------------------------------------------------------------------------------

GROUP = json.dumps({"objectType": "Group", "mbox": "mailto:team@example.org"})


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/activities/state", {"agent": AGENT, "stateId": "x"}, "activityId"),
        ("/activities/state", {**STATE, "activityId": "not an iri"}, "activityId"),
        ("/activities/state", {"activityId": ACTIVITY, "stateId": "x"}, "agent"),
        ("/activities/state", {**STATE, "agent": "{not json"}, "agent"),
        ("/activities/state", {**STATE, "agent": '{"name": "no identifier"}'}, "agent"),
        ("/activities/state", {**STATE, "agent": GROUP}, "agent"),
        ("/activities/state", {**STATE, "registration": "not-a-uuid"}, "registration"),
        ("/activities/state", {**STATE, "stateId": ""}, "stateId"),
        ("/activities/state", {**STATE, "colour": "blue"}, "colour"),
        ("/activities/state", {**STATE, "profileId": "p"}, "profileId"),
        ("/activities/profile", {"profileId": "p"}, "activityId"),
        ("/activities/profile", {**ACTIVITY_PROFILE, "agent": AGENT}, "agent"),
        (
            "/activities/profile",
            {**ACTIVITY_PROFILE, "registration": str(uuid.uuid4())},
            "registration",
        ),
        ("/agents/profile", {"profileId": "p"}, "agent"),
        ("/agents/profile", {**AGENT_PROFILE, "agent": GROUP}, "agent"),
        ("/agents/profile", {**AGENT_PROFILE, "activityId": ACTIVITY}, "activityId"),
    ],
)
def test_a_missing_or_invalid_parameter_is_400_naming_it(xapi, method, path, params, named):
    kwargs = {"json": {"x": 1}} if method in ("PUT", "POST") else {}
    response = xapi.request(method, path, query_string=params, headers=CREATE, **kwargs)
    assert response.status_code == 400
    assert named in response.json["error"]


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_a_change_must_name_its_document(xapi, resource, method):
    response = send(xapi, method, resource, {"x": 1}, list_params(resource), **CREATE)
    assert response.status_code == 400
    assert resource[2] in response.json["error"]


def test_a_parameter_given_twice_is_400(xapi):
    query = urlencode([*STATE.items(), ("stateId", "again")])
    response = xapi.request("GET", f"/activities/state?{query}")
    assert response.status_code == 400 and "stateId" in response.json["error"]


def test_other_methods_are_405(xapi, resource):
    assert send(xapi, "PATCH", resource, {"x": 1}).status_code == 405


# --- Credentials ------------------------------------------------------------------------------


def client_with(app, client, scopes, **limits):
    created, secret = app.extensions["lrs"].create_credential("limited", scopes, **limits)
    return XapiClient(client, created.key, secret)


@pytest.mark.parametrize(
    ("scopes", "reads", "writes"),
    [
        (["statements/write", "statements/read"], set(), set()),
        (["state"], {"state"}, {"state"}),
        (["profile"], {"activity profile", "agent profile"}, {"activity profile", "agent profile"}),
        (["all/read"], set(RESOURCES), set()),
        (["all"], set(RESOURCES), set(RESOURCES)),
    ],
)
def test_each_resource_needs_its_scope(app, client, scopes, reads, writes):
    xapi = client_with(app, client, scopes)
    for name, resource in RESOURCES.items():
        assert fetch(xapi, resource).status_code == (404 if name in reads else 403)
        assert send(xapi, "POST", resource, {"v": 1}).status_code == (
            204 if name in writes else 403
        )
        assert send(xapi, "DELETE", resource).status_code == (204 if name in writes else 403)


def test_a_credential_for_one_agent_reaches_only_that_agents_documents(app, client):
    xapi = client_with(app, client, ["all"], agent=json.loads(AGENT))
    assert send(xapi, "POST", RESOURCES["state"], {"v": 1}).status_code == 204
    assert send(xapi, "POST", RESOURCES["agent profile"], {"v": 1}).status_code == 204
    other_state = {**STATE, "agent": OTHER_AGENT}
    assert fetch(xapi, RESOURCES["state"], other_state).status_code == 403
    other_profile = {**AGENT_PROFILE, "agent": OTHER_AGENT}
    assert (
        send(xapi, "POST", RESOURCES["agent profile"], {"v": 1}, other_profile).status_code == 403
    )


def test_a_credential_for_one_registration_reaches_only_its_state(app, client):
    registration = str(uuid.uuid4())
    xapi = client_with(app, client, ["all"], registration=registration)
    mine = {**STATE, "registration": registration}
    assert send(xapi, "POST", RESOURCES["state"], {"v": 1}, mine).status_code == 204
    assert fetch(xapi, RESOURCES["state"], mine).json == {"v": 1}
    other = {**STATE, "registration": str(uuid.uuid4())}
    assert fetch(xapi, RESOURCES["state"], other).status_code == 403
    everything = {"activityId": ACTIVITY, "agent": AGENT}
    assert send(xapi, "DELETE", RESOURCES["state"], params=everything).status_code == 403


# --- Alternate request syntax (1.0.3 Communication §1.3) --------------------------------------


def test_a_document_can_be_put_with_the_alternate_request_syntax_in_1_0_3(app, client, credential):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret, "1.0.3")
    form = {
        **STATE,
        "content": '{"page": 7}',
        "Content-Type": "application/json",
        "If-None-Match": "*",
        "X-Experience-API-Version": "1.0.3",
        "Authorization": xapi.headers["Authorization"],
    }
    response = client.post(
        "/xapi/activities/state?method=PUT",
        data=urlencode(form),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 204
    assert fetch(xapi, RESOURCES["state"]).json == {"page": 7}
    head = client.post(
        "/xapi/activities/state?method=HEAD",
        data=urlencode({**form, "content": ""}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"]
