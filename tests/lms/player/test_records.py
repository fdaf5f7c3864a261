"""The portal records its own statements under a credential of its own, never usable over HTTP."""

from __future__ import annotations

import base64
import uuid

from lms.player import records


def _statement() -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.test", "name": "1"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/initialized"},
        "object": {"id": "https://lms.test/courses/1"},
        "timestamp": "2026-12-01T10:00:00Z",
    }


def test_statements_the_portal_records_name_the_portal_as_authority(app):
    statement = _statement()
    assert records.record([statement]) == [statement["id"]]
    stored = records.store().get(statement["id"])
    assert stored["authority"]["name"] == records.PORTAL_CREDENTIAL_NAME
    assert stored["authority"]["account"]["name"] == records.PORTAL_CREDENTIAL_KEY


def test_recording_the_same_statement_again_stores_it_once(app):
    statement = _statement()
    records.record([statement])
    stored = records.store().newest_seq()
    records.record([statement])
    assert records.store().newest_seq() == stored


def test_the_portal_credential_does_not_open_the_http_api(app, client):
    records.record([_statement()])
    token = base64.b64encode(f"{records.PORTAL_CREDENTIAL_KEY}:".encode()).decode()
    response = client.get(
        "/xapi/statements",
        headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"},
    )
    assert response.status_code == 401
