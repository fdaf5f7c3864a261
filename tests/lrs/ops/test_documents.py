"""The State, Activity Profile and Agent Profile resources, over HTTP, in xAPI 1.0.3 and 2.0.0."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading

import pytest

from lrs.identifiers import activity_key, agent_key
from lrs.ops import documents
from tests.lrs.helpers import (
    ACTIVITY,
    AGENT,
    CREATE,
    OTHER_AGENT,
    RESOURCES,
    fetch,
    list_params,
    send,
    sha1,
)


def test_a_document_comes_back_with_its_content_type_a_quoted_sha1_etag_and_last_modified(
    xapi, resource
):
    assert send(xapi, "PUT", resource, {"page": 3}, **CREATE).status_code == 204
    response = fetch(xapi, resource)
    assert response.status_code == 200
    assert response.json == {"page": 3}
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["ETag"] == f'"{sha1(response.data)}"'
    modified = dt.datetime.strptime(response.headers["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT")
    assert abs(modified.replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)).total_seconds() < 60


def test_any_bytes_are_kept_with_the_content_type_they_came_with(xapi, resource):
    image = b"\x89PNG\r\n\x1a\n\x00\xff" + secrets.token_bytes(64)
    path, params, _ = resource
    headers = {"Content-Type": "image/png", **CREATE}
    put = xapi.request("PUT", path, query_string=params, data=image, headers=headers)
    assert put.status_code == 204
    fetched = fetch(xapi, resource)
    assert fetched.data == image
    assert fetched.headers["Content-Type"] == "image/png"


def test_a_document_sent_without_content_type_is_octet_stream(xapi, resource):
    path, params, _ = resource
    put = xapi.request("PUT", path, query_string=params, data=b"raw", headers=CREATE)
    assert put.status_code == 204
    assert fetch(xapi, resource).headers["Content-Type"] == "application/octet-stream"


def test_post_stores_a_document_that_is_not_there_yet(xapi, resource):
    assert send(xapi, "POST", resource, {"x": "foo"}).status_code == 204
    assert fetch(xapi, resource).json == {"x": "foo"}


def test_post_merges_top_level_properties_replacing_each_whole(xapi, resource):
    # The example of 1.0.3 Communication §2.2.s7, with an object-valued property added.
    send(xapi, "POST", resource, {"x": "foo", "y": "bar", "nested": {"a": 1, "b": 2}})
    merged = send(xapi, "POST", resource, {"x": "bash", "z": "faz", "nested": {"c": 3}})
    assert merged.status_code == 204
    assert fetch(xapi, resource).json == {"x": "bash", "y": "bar", "z": "faz", "nested": {"c": 3}}


def test_a_merge_changes_the_etag(xapi, resource):
    send(xapi, "POST", resource, {"x": 1})
    before = fetch(xapi, resource).headers["ETag"]
    send(xapi, "POST", resource, {"y": 2})
    after = fetch(xapi, resource)
    assert after.headers["ETag"] != before
    assert after.headers["ETag"] == f'"{sha1(after.data)}"'


@pytest.mark.parametrize(
    ("held", "held_type", "posted", "posted_type"),
    [
        (b'{"a": 1}', "application/json", b"[1, 2, 3]", "application/json"),
        (b'{"a": 1}', "application/json", b'{"b": 2', "application/json"),
        (b'{"a": 1}', "application/json", b'{"b": NaN}', "application/json"),
        (b'{"a": 1}', "application/json", b'{"b": 2}', "text/plain"),
        (b"/ asdf / undefined", "application/octet-stream", b'{"b": 2}', "application/json"),
        (b'"just a string"', "application/json", b'{"b": 2}', "application/json"),
    ],
    ids=[
        "posted-array",
        "posted-broken",
        "posted-nan",
        "posted-not-json",
        "held-binary",
        "held-str",
    ],
)
def test_post_merges_only_two_json_objects_and_leaves_the_document_otherwise(
    xapi, resource, held, held_type, posted, posted_type
):
    path, params, _ = resource
    xapi.request(
        "PUT", path, query_string=params, data=held, headers={"Content-Type": held_type, **CREATE}
    )
    response = xapi.request(
        "POST", path, query_string=params, data=posted, headers={"Content-Type": posted_type}
    )
    assert response.status_code == 400
    assert response.json["error"]
    assert fetch(xapi, resource).data == held


def test_post_of_a_new_json_document_must_be_a_json_object(xapi, resource):
    assert send(xapi, "POST", resource, [1, 2]).status_code == 400
    assert fetch(xapi, resource).status_code == 404


def test_a_media_type_is_read_without_regard_to_case_or_parameters(xapi, resource):
    send(xapi, "POST", resource, {"a": 1})
    path, params, _ = resource
    response = xapi.request(
        "POST",
        path,
        query_string=params,
        data=b'{"b": 2}',
        headers={"Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert response.status_code == 204
    assert fetch(xapi, resource).json == {"a": 1, "b": 2}


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_a_stale_if_match_is_412_and_changes_nothing(xapi, resource, method):
    send(xapi, "POST", resource, {"v": 1})
    response = send(
        xapi, method, resource, {"v": 2} if method != "DELETE" else None, **{"If-Match": '"1234"'}
    )
    assert response.status_code == 412
    assert fetch(xapi, resource).json == {"v": 1}


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_the_current_etag_in_if_match_lets_a_change_through(xapi, resource, method):
    send(xapi, "POST", resource, {"v": 1})
    etag = fetch(xapi, resource).headers["ETag"]
    assert send(xapi, method, resource, {"v": 2}, **{"If-Match": etag}).status_code == 204
    assert fetch(xapi, resource).json == {"v": 2}


def test_the_current_etag_in_if_match_lets_a_delete_through(xapi, resource):
    send(xapi, "POST", resource, {"v": 1})
    etag = fetch(xapi, resource).headers["ETag"]
    assert send(xapi, "DELETE", resource, **{"If-Match": etag}).status_code == 204
    assert fetch(xapi, resource).status_code == 404


def test_if_match_star_or_any_tag_fails_when_there_is_no_document(xapi, resource):
    assert send(xapi, "PUT", resource, {"v": 1}, **{"If-Match": "*"}).status_code == 412
    assert send(xapi, "POST", resource, {"v": 1}, **{"If-Match": '"abc"'}).status_code == 412
    assert fetch(xapi, resource).status_code == 404


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_if_none_match_star_creates_only_what_is_absent(xapi, resource, method):
    assert send(xapi, method, resource, {"v": 1}, **CREATE).status_code == 204
    assert send(xapi, method, resource, {"v": 2}, **CREATE).status_code == 412
    assert fetch(xapi, resource).json == {"v": 1}


def test_if_none_match_with_the_current_etag_fails(xapi, resource):
    send(xapi, "POST", resource, {"v": 1})
    etag = fetch(xapi, resource).headers["ETag"]
    assert send(xapi, "PUT", resource, {"v": 2}, **{"If-None-Match": etag}).status_code == 412
    assert send(xapi, "PUT", resource, {"v": 2}, **{"If-None-Match": '"x"'}).status_code == 204


def test_a_put_over_a_document_without_either_header_follows_each_version(xapi, resource):
    send(xapi, "POST", resource, {"v": 1})
    response = send(xapi, "PUT", resource, {"v": 2})
    if xapi.version == "1.0.3" and resource[0] == "/activities/state":
        # 1.0.3 §3.1.s3: State may be overwritten without concurrency headers.
        assert response.status_code == 204
        return
    # 1.0.3 §3.1.s4.b13-b15 for the profiles; the 2.0 suite (4.1.4) for all three.
    assert response.status_code == 409
    assert "If-Match" in response.json["error"]
    assert fetch(xapi, resource).json == {"v": 1}


def test_a_put_creating_a_profile_without_either_header_is_refused_in_1_0_3_only(xapi, resource):
    response = send(xapi, "PUT", resource, {"v": 1})
    refused = xapi.version == "1.0.3" and resource[0] != "/activities/state"
    assert response.status_code == (400 if refused else 204)  # 1.0.3 §3.1.s3.b1


def test_a_missing_document_is_404_and_deleting_it_is_204(xapi, resource):
    assert fetch(xapi, resource).status_code == 404
    assert send(xapi, "DELETE", resource).status_code == 204


def test_head_answers_as_get_without_a_body(xapi, resource):
    send(xapi, "POST", resource, {"v": 1})
    got, head = fetch(xapi, resource), send(xapi, "HEAD", resource)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == got.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(got.data))


def test_without_an_id_get_lists_the_ids_with_etag_and_newest_last_modified(xapi, resource):
    _, params, id_param = resource
    for name in ("b", "a", "c"):
        send(xapi, "POST", resource, {"v": name}, params={**params, id_param: name})
    listing = fetch(xapi, resource, list_params(resource))
    assert listing.status_code == 200
    assert sorted(listing.json) == ["a", "b", "c"]
    assert listing.headers["ETag"].startswith('"')
    newest = fetch(xapi, resource, {**params, id_param: "c"}).headers["Last-Modified"]
    assert listing.headers["Last-Modified"] == newest


def a_moment_after_every_write_so_far() -> str:
    """A `since` as a client sends it (milliseconds): later than every document written so far
    and earlier than any written after this returns. The clock is read until such a moment has
    passed (a millisecond at most), instead of sleeping."""
    written = dt.datetime.now(dt.UTC)
    while True:
        now = dt.datetime.now(dt.UTC)
        since = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if written < since < now:
            return since.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_since_lists_only_documents_changed_after_it(xapi, resource):
    _, params, id_param = resource
    send(xapi, "POST", resource, {"v": 1}, params={**params, id_param: "old"})
    since = a_moment_after_every_write_so_far()
    send(xapi, "POST", resource, {"v": 1}, params={**params, id_param: "new"})
    listing = fetch(xapi, resource, {**list_params(resource), "since": since})
    assert listing.json == ["new"]
    assert (
        fetch(xapi, resource, {**list_params(resource), "since": "2999-01-01T00:00:00Z"}).json == []
    )


def test_since_must_be_a_timestamp_and_only_lists_take_it(xapi, resource):
    bad = fetch(xapi, resource, {**list_params(resource), "since": "yesterday"})
    assert bad.status_code == 400 and "since" in bad.json["error"]
    with_id = fetch(xapi, resource, {**resource[1], "since": "2024-01-01T00:00:00Z"})
    assert with_id.status_code == 400 and "since" in with_id.json["error"]


def test_an_empty_list_is_an_empty_array(xapi, resource):
    listing = fetch(xapi, resource, list_params(resource))
    assert listing.status_code == 200 and listing.json == []
    assert "Last-Modified" not in listing.headers


def test_profiles_are_deleted_one_at_a_time(xapi):
    for path, params, id_param in list(RESOURCES.values())[1:]:
        listing = {name: value for name, value in params.items() if name != id_param}
        response = xapi.request("DELETE", path, query_string=listing)
        assert response.status_code == 400 and id_param in response.json["error"]


def test_long_ids_are_kept_whole(xapi, resource):
    _, params, id_param = resource
    long_id = secrets.token_hex(3000)
    one = {**params, id_param: long_id}
    assert send(xapi, "POST", resource, {"v": 1}, params=one).status_code == 204
    assert fetch(xapi, resource, one).json == {"v": 1}
    assert fetch(xapi, resource, list_params(resource)).json == [long_id]


def test_documents_are_kept_apart_by_activity_and_agent(xapi, resource):
    _, params, _ = resource
    send(xapi, "POST", resource, {"v": "mine"})
    elsewhere = {
        **params,
        **({"activityId": ACTIVITY + "/other"} if "activityId" in params else {}),
        **({"agent": OTHER_AGENT} if "agent" in params else {}),
    }
    assert fetch(xapi, resource, elsewhere).status_code == 404
    assert fetch(xapi, resource).json == {"v": "mine"}


def test_an_agent_is_known_by_its_identifier_not_by_its_name(xapi):
    named = json.dumps({"name": "Alex", "mbox": "mailto:alex@example.org"})
    bare = json.dumps({"objectType": "Agent", "mbox": "mailto:alex@example.org"})
    send(xapi, "POST", RESOURCES["agent profile"], {"v": 1}, {"agent": named, "profileId": "p"})
    found = fetch(xapi, RESOURCES["agent profile"], {"agent": bare, "profileId": "p"})
    assert found.json == {"v": 1}


def test_two_writers_with_the_same_etag_cannot_both_replace_the_document(app, xapi, monkeypatch):
    state = RESOURCES["state"]
    send(xapi, "POST", state, {"v": 1})
    etag = fetch(xapi, state).headers["ETag"]
    store = app.extensions["lrs"]
    scope = documents.Scope(
        documents.STATE, activity_key(ACTIVITY), agent_key(json.loads(AGENT)) or ""
    )
    changed = threading.Event()
    second_arrived = threading.Event()
    opens_write = store.writing

    def second_writer_opens(*args, **kwargs):
        """The PUT below has come to its write transaction (the first is still open)."""
        second_arrived.set()
        return opens_write(*args, **kwargs)

    def first_writer() -> None:
        with app.app_context(), store.writing() as connection:
            check = documents.Preconditions(if_match=etag)
            documents.put(connection, scope, "bookmark", "application/json", b'{"v": 2}', check)
            changed.set()
            # Not committed until the second writer has come to its own write transaction.
            second_arrived.wait(10)

    writer = threading.Thread(target=first_writer)
    writer.start()
    assert changed.wait(10)
    monkeypatch.setattr(store, "writing", second_writer_opens)
    second = send(xapi, "PUT", state, {"v": 3}, **{"If-Match": etag})
    writer.join()
    assert second_arrived.is_set()
    assert second.status_code == 412
    assert fetch(xapi, state).json == {"v": 2}
