"""The Python API that lms/ uses (lrs/api.py): record, read in stored order, hear about commits;
and its extension points: a statement check sees every write inside its transaction and may
refuse it (403) or add statements after it; a request check sees every authenticated request
first; the application reads and writes its own documents."""

from __future__ import annotations

import json
import threading
import uuid

import pytest

from lrs.api import ResourceRequest, StatementWrite
from lrs.errors import Forbidden
from lrs.ops import documents
from lrs.ops.documents import Preconditions, Scope
from tests.builders.xapi import statement
from tests.lrs.conftest import XapiClient


def test_record_and_read_from_a_cursor_in_stored_order(app, credential):
    store = app.extensions["lrs"]
    created, _ = credential
    first = store.record([statement(), statement()], created)
    cursor = store.newest_seq()
    later = store.record([statement()], created)
    everything = [s["id"] for _, s in store.read_from(0)]
    assert everything == first + later
    assert [s["id"] for _, s in store.read_from(cursor)] == later


def test_listeners_hear_after_commit_and_cannot_undo(app, credential):
    store = app.extensions["lrs"]
    created, _ = credential
    heard = []

    def listener(seqs):
        heard.append(seqs)
        raise RuntimeError("a listener fails")

    store.on_committed(listener)
    ids = store.record([statement()], created)
    assert len(heard) == 1 and len(heard[0]) == 1
    assert store.get(ids[0])["id"] == ids[0]


# --- Checks ---------------------------------------------------------------------------------


COUNTER = Scope(documents.ACTIVITY_PROFILE, "check-test", "", "")


@pytest.fixture
def store(app):
    return app.extensions["lrs"]


def _stored(store) -> int:
    return len(list(store.read_from(0)))


def _with_id(**overrides):
    return statement(id=str(uuid.uuid4()), **overrides)


def test_a_check_sees_the_new_statements_as_sent_and_its_refusal_is_a_403(store, xapi):
    seen: list[StatementWrite] = []

    def refuse_failed(write: StatementWrite) -> None:
        seen.append(write)
        for sent in write.statements:
            if sent["verb"]["id"].endswith("/failed"):
                raise Forbidden("no failures here (rule 7)")

    store.add_statement_check(refuse_failed)
    accepted = _with_id()
    put = xapi.request(
        "PUT", "/statements", query_string={"statementId": accepted["id"]}, json=accepted
    )
    assert put.status_code == 204
    assert seen[0].statements[0]["id"] == accepted["id"]
    assert seen[0].credential.name == "test suite"

    failed = statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    refused = xapi.post_statements([_with_id(), failed])
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "no failures here (rule 7)"
    assert "id" not in seen[-1].statements[1]  # as sent: the LRS has not given it an id yet
    assert _stored(store) == 1  # nothing of the refused batch was stored


def test_a_statement_already_held_is_not_shown_to_the_checks_again(store, xapi):
    shown: list[int] = []
    store.add_statement_check(lambda write: shown.append(len(write.statements)))
    sent = _with_id()
    for _ in range(2):
        response = xapi.request(
            "PUT", "/statements", query_string={"statementId": sent["id"]}, json=sent
        )
        assert response.status_code == 204
    assert shown == [1, 0]


def test_what_a_check_writes_commits_with_the_statements_or_not_at_all(store, credential):
    created, _ = credential

    def count_and_refuse_second(write: StatementWrite) -> None:
        held = documents.get(write.connection, COUNTER, "count")
        count = json.loads(held.content)["n"] if held else 0
        if count >= 1:
            raise Forbidden("one only")
        documents.put(
            write.connection,
            COUNTER,
            "count",
            "application/json",
            json.dumps({"n": count + 1}).encode(),
            Preconditions(),
        )

    store.add_statement_check(count_and_refuse_second)
    store.record([statement()], created)
    with pytest.raises(Forbidden):
        store.record([statement()], created)
    held = store.with_connection(lambda c: documents.get(c, COUNTER, "count"))
    assert json.loads(held.content) == {"n": 1}
    assert _stored(store) == 1


def test_checks_are_serialised_so_two_racing_writes_cannot_both_pass_a_rule_for_one(
    app, store, credential
):
    created, _ = credential

    def only_one_completion(write: StatementWrite) -> None:
        if documents.get(write.connection, COUNTER, "done") is not None:
            raise Forbidden("completed once already")
        documents.put(write.connection, COUNTER, "done", "application/json", b"{}", Preconditions())

    store.add_statement_check(only_one_completion)
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def write_one() -> None:
        with app.app_context():
            start.wait()
            try:
                store.record([statement()], created)
                outcomes.append("stored")
            except Forbidden:
                outcomes.append("refused")

    threads = [threading.Thread(target=write_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "stored"]
    assert _stored(store) == 1


def test_a_check_may_add_statements_stored_right_after_in_the_same_transaction(store, credential):
    created, _ = credential
    followers_seen: list[str] = []

    def add_a_follower(write: StatementWrite) -> None:
        followers_seen.extend(write.credential.key for _ in write.statements)
        if write.credential.key == created.key:
            portal = write.system_credential("test-system", "Test system")
            write.record_after([statement(verb={"id": "https://example.org/verbs/noted"})], portal)

    store.add_statement_check(add_a_follower)
    ids = store.record([statement()], created)
    stored = [s for _, s in store.read_from(0)]
    assert [s["id"] for s in stored][:1] == ids  # the caller gets its own ids only
    assert [s["verb"]["id"] for s in stored] == [
        "http://adlnet.gov/expapi/verbs/completed",
        "https://example.org/verbs/noted",
    ]
    assert stored[1]["authority"]["name"] == "Test system"
    assert followers_seen == [created.key, "test-system"]  # followers pass the checks too


def test_a_follower_the_checks_refuse_undoes_the_whole_write(store, credential):
    created, _ = credential

    def follow_then_refuse(write: StatementWrite) -> None:
        if write.credential.key == created.key:
            write.record_after([statement()], write.system_credential("test-system", "Test"))
        else:
            raise Forbidden("the follower breaks a rule")

    store.add_statement_check(follow_then_refuse)
    with pytest.raises(Forbidden):
        store.record([statement()], created)
    assert _stored(store) == 0


def test_a_request_check_sees_each_authenticated_request_and_may_refuse_it(
    store, client, credential
):
    created, secret = credential
    seen: list[ResourceRequest] = []

    def no_state_writes(request: ResourceRequest) -> None:
        seen.append(request)
        if request.resource == "state" and request.method != "GET":
            raise Forbidden("stateId: this state is kept by the application")

    store.add_request_check(no_state_writes)
    xapi = XapiClient(client, created.key, secret)
    params = {
        "stateId": "bookmark",
        "activityId": "https://lms.test/a",
        "agent": json.dumps({"mbox": "mailto:pat@example.org"}),
    }
    refused = xapi.request("PUT", "/activities/state", query_string=params, json={"page": 2})
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "stateId: this state is kept by the application"
    assert xapi.request("GET", "/activities/state", query_string=params).status_code == 404
    assert [(r.resource, r.method, r.params["stateId"]) for r in seen] == [
        ("state", "PUT", "bookmark"),
        ("state", "GET", "bookmark"),
    ]
    anonymous = XapiClient(client, "nobody", "wrong")
    assert anonymous.get_statements().status_code == 401
    assert len(seen) == 2  # a request without a valid credential never reaches the checks


def test_the_application_writes_and_reads_its_own_documents(store):
    agent = {"objectType": "Agent", "account": {"homePage": "https://lms.test", "name": "7"}}
    registration = str(uuid.uuid4())
    address = {"activity_id": "https://lms.test/a", "agent": agent, "registration": registration}
    store.put_document("state", "LMS.LaunchData", b'{"launchMode": "Normal"}', **address)
    store.put_document("state", "LMS.LaunchData", b'{"launchMode": "Review"}', **address)
    held = store.get_document("state", "LMS.LaunchData", **address)
    assert json.loads(held.content) == {"launchMode": "Review"}
    assert held.content_type == "application/json"
    other = {**address, "registration": str(uuid.uuid4())}
    assert store.get_document("state", "LMS.LaunchData", **other) is None
    with pytest.raises(ValueError, match="kind"):
        store.get_document("states", "LMS.LaunchData", **address)
