"""Storing statements (lrs/ops/command.py), through the Statement resource: what the LRS fills
in, immutability, a batch stored whole or not at all, voiding."""

from __future__ import annotations

import uuid

from tests.builders.xapi import statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def test_posted_statements_come_back_by_id_with_what_the_lrs_adds(xapi):
    response = xapi.post_statements([statement(), statement()])
    assert response.status_code == 200
    ids = response.json
    assert len(ids) == 2 and len(set(ids)) == 2
    fetched = xapi.get_statements(statementId=ids[0])
    assert fetched.status_code == 200
    stored = fetched.json
    assert stored["id"] == ids[0]
    assert stored["stored"].endswith("Z") and stored["timestamp"]
    assert stored["authority"]["account"]["name"]
    assert stored["version"] == ("1.0.0" if xapi.version == "1.0.3" else "2.0.0")
    assert fetched.headers["X-Experience-API-Version"] == xapi.version
    assert fetched.headers["X-Experience-API-Consistent-Through"]
    assert fetched.headers["Last-Modified"]


def test_a_statement_is_immutable(xapi):
    statement_id = str(uuid.uuid4())
    first = statement(id=statement_id)
    assert xapi.post_statements(first).status_code == 200
    assert xapi.post_statements(first).status_code == 200
    changed = statement(id=statement_id, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    assert xapi.post_statements(changed).status_code == 409
    assert xapi.get_statements(statementId=statement_id).json["verb"]["id"].endswith("/completed")


def test_a_batch_with_one_bad_statement_stores_nothing(xapi):
    bad = statement(verb={"id": "not an iri"})
    response = xapi.post_statements([statement(id=str(uuid.uuid4())), bad])
    assert response.status_code == 400
    assert "verb" in response.json["error"]
    assert xapi.get_statements().json["statements"] == []


def test_a_voided_statement_disappears_but_can_be_asked_for(xapi):
    target = xapi.post_statements(statement()).json[0]
    voiding = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    voiding_id = xapi.post_statements(voiding).json[0]
    assert xapi.get_statements(statementId=target).status_code == 404
    assert xapi.get_statements(voidedStatementId=target).json["id"] == target
    listed = [s["id"] for s in xapi.get_statements().json["statements"]]
    assert listed == [voiding_id]


def test_a_voiding_statement_cannot_be_voided(xapi):
    target = xapi.post_statements(statement()).json[0]
    voiding = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    voiding_id = xapi.post_statements(voiding).json[0]
    again = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding_id})
    assert xapi.post_statements(again).status_code == 400
