"""The Statement resource over HTTP (lrs/http/statements.py), in both versions of the spec:
PUT under an id, the query parameters, and what a credential's scope and limits let it do."""

from __future__ import annotations

import uuid

from tests.builders.xapi import statement
from tests.lrs.conftest import XapiClient
from tests.lrs.helpers import DISPATCHER, OFFICER


def test_put_stores_one_statement_under_its_id(xapi):
    statement_id = str(uuid.uuid4())
    response = xapi.request("PUT", f"/statements?statementId={statement_id}", json=statement())
    assert response.status_code == 204
    assert xapi.get_statements(statementId=statement_id).json["id"] == statement_id


def test_bad_query_parameters_are_named(xapi):
    for params, name in (
        ({"limit": "-1"}, "limit"),
        ({"format": "pretty"}, "format"),
        ({"agent": "{not json"}, "agent"),
        ({"since": "yesterday"}, "since"),
        ({"colour": "blue"}, "colour"),
        ({"statementId": str(uuid.uuid4()), "verb": "http://x.y/z"}, "verb"),
        ({"ascending": "yes"}, "ascending"),
        ({"related_agents": "TRUE"}, "related_agents"),
    ):
        response = xapi.get_statements(**params)
        assert response.status_code == 400, params
        assert name in response.json["error"], (params, response.json)


def test_booleans_written_as_python_writes_them_are_understood(xapi):
    """TinCanPython sends str(True): `True` and `False` mean what `true` and `false` mean."""
    stored = xapi.post_statements([statement(), statement()])
    assert stored.status_code == 200
    first, second = stored.json
    for spelled in ("true", "True"):
        ids = [s["id"] for s in xapi.get_statements(ascending=spelled).json["statements"]]
        assert ids[-2:] == [first, second], spelled
    for spelled in ("false", "False"):
        ids = [s["id"] for s in xapi.get_statements(ascending=spelled).json["statements"]]
        assert ids[:2] == [second, first], spelled


def test_statements_read_mine_sees_only_its_own(app, client, credential):
    store = app.extensions["lrs"]
    created, secret = credential
    writer = XapiClient(client, created.key, secret)
    writer.post_statements(statement())
    mine, mine_secret = store.create_credential(
        "player", ["statements/write", "statements/read/mine"]
    )
    reader = XapiClient(client, mine.key, mine_secret)
    own = reader.post_statements(statement()).json[0]
    assert [s["id"] for s in reader.get_statements().json["statements"]] == [own]


def test_a_credential_limited_to_one_agent_writes_only_for_them(app, client):
    registration = str(uuid.uuid4())
    limited, secret = app.extensions["lrs"].create_credential(
        "launch", ["statements/write"], agent=OFFICER, registration=registration
    )
    xapi = XapiClient(client, limited.key, secret)
    ok = statement(context={"registration": registration})
    assert xapi.post_statements(ok).status_code == 200
    assert (
        xapi.post_statements(
            statement(actor=DISPATCHER, context={"registration": registration})
        ).status_code
        == 403
    )
    assert xapi.post_statements(statement()).status_code == 403
