"""One request whichever syntax it came in (lrs/http/context.py): the alternate request syntax
of xAPI 1.0.3 Communication §1.3."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

from tests.builders.xapi import statement
from tests.lrs.conftest import XapiClient


def test_alternate_request_syntax_in_1_0_3_only(client, credential):
    created, secret = credential
    statement_id = str(uuid.uuid4())
    for version, expected in (("1.0.3", 204), ("2.0.0", 400)):
        xapi = XapiClient(client, created.key, secret, version)
        form = urlencode(
            {
                "statementId": statement_id,
                "content": json.dumps(statement()),
                "Authorization": xapi.headers["Authorization"],
                "X-Experience-API-Version": version,
            }
        )
        response = client.post(
            "/xapi/statements?method=PUT",
            data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == expected, response.json
    assert (
        XapiClient(client, created.key, secret).get_statements(statementId=statement_id).status_code
        == 200
    )


def test_an_alternate_request_form_sent_as_a_json_string_is_read(client, credential):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret, "1.0.3")
    statement_id = str(uuid.uuid4())
    form = urlencode({"statementId": statement_id, "content": json.dumps(statement())})
    response = client.post(
        "/xapi/statements?method=PUT",
        data=json.dumps(form),
        headers={**xapi.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 204


def test_a_cache_buster_on_a_get_is_ignored(client, credential):
    """@xapi/xapi's `useCacheBuster` adds `cachebuster=<time>` to its GETs; the request is
    answered as without it. On other methods, and any other unknown name, it is still a 400."""
    created, secret = credential
    xapi = XapiClient(client, created.key, secret, "1.0.3")
    agent = json.dumps({"mbox": "mailto:hello@example.com"})
    activity = "https://github.com/xapijs/xapi"
    busted = {"cachebuster": "1733330000000"}
    gets = {
        "/statements": {"limit": "1"},
        "/activities": {"activityId": activity},
        "/agents": {"agent": agent},
        "/activities/state": {"activityId": activity, "agent": agent},
        "/activities/profile": {"activityId": activity},
        "/agents/profile": {"agent": agent},
    }
    for path, params in gets.items():
        for method in ("GET", "HEAD"):
            response = xapi.request(method, path, query_string={**params, **busted})
            assert response.status_code == 200, (method, path, response.data)
        other = xapi.request("GET", path, query_string={**params, "cachebust": "1"})
        assert other.status_code == 400, path
    put = xapi.request(
        "PUT",
        "/activities/state",
        query_string={"activityId": activity, "agent": agent, "stateId": "s", **busted},
        json={"a": 1},
    )
    assert put.status_code == 400
    assert b"cachebuster" in put.data
