"""Input no client should send: every piece of it is refused with 400 (401 for a credential)
and a JSON error naming the field, before anything is stored, on every database.

PostgreSQL refuses U+0000 in text and values longer than a column; UTF-8 cannot encode a lone
surrogate; Python's recursion limit stops deep JSON. The LRS checks each of them itself, so the
answer is the same on SQLite and PostgreSQL and never a 500."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from lms.db import db
from lrs.api import LearningRecordStore, ResourceRequest
from tests.builders.xapi import statement
from tests.lrs.conftest import XapiClient
from tests.lrs.helpers import CREATE, RESOURCES, STATE, fetch, send

EXTENSION = "https://lms.test/extensions/answers"
MAX_DEPTH = 64
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def database_parameters(app) -> Iterator[list[str]]:
    """Every text value the LRS and the portal send to the database while the test runs."""
    sent: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        for row in parameters if executemany else [parameters]:
            values = row.values() if isinstance(row, dict) else row or ()
            sent.extend(value for value in values if isinstance(value, str))

    engines = {app.extensions["lrs"].engine, db.engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    yield sent
    for engine in engines:
        event.remove(engine, "before_cursor_execute", record)


def assert_no_nul_sent(database_parameters: list[str]) -> None:
    assert not [value for value in database_parameters if "\x00" in value]


@pytest.fixture
def xapi2(client, credential):
    created, secret = credential
    return XapiClient(client, created.key, secret, "2.0.0")


def nested(levels: int, leaf: object = 1) -> object:
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


def nested_text(levels: int) -> str:
    return "[" * levels + "1" + "]" * levels


def raw_request(xapi, method, path, body: str | bytes, content_type="application/json", **kw):
    headers = {"Content-Type": content_type, **kw.pop("headers", {})}
    return xapi.request(method, path, data=body, headers=headers, **kw)


def assert_refused(response, *names: str, status: int = 400) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    message = response.json["error"]
    for name in names:
        assert name in message, message


def stored_statements(xapi) -> list:
    return xapi.get_statements().json["statements"]


# --- 1. Nesting -------------------------------------------------------------------------------


def deep_statement(levels: int) -> str:
    """A statement whose result extension nests `levels` arrays, as JSON text."""
    text = json.dumps(statement(result={"extensions": {EXTENSION: "DEEP"}}))
    return text.replace('"DEEP"', nested_text(levels))


@pytest.mark.parametrize("levels", [MAX_DEPTH, 1000, 100_000])
def test_a_statement_nested_too_deep_is_refused_naming_where(xapi, levels):
    response = raw_request(xapi, "POST", "/statements", deep_statement(levels))
    assert_refused(response, f"nested deeper than {MAX_DEPTH} levels")
    if levels < 1000:
        assert response.json["error"].startswith(f"$.result.extensions['{EXTENSION}']")
    assert stored_statements(xapi) == []


def test_extensions_nested_as_deep_as_real_ones_are_kept(xapi2):
    body = deep_statement(MAX_DEPTH - 8)
    response = raw_request(xapi2, "POST", "/statements", body)
    assert response.status_code == 200, response.json
    kept = xapi2.get_statements(statementId=response.json[0]).json
    assert kept["result"]["extensions"][EXTENSION] == nested(MAX_DEPTH - 8)


def test_a_statement_put_nested_too_deep_is_refused(xapi2):
    statement_id = str(uuid.uuid4())
    body = json.dumps({"id": "DEEP", **statement()}).replace('"DEEP"', nested_text(900))
    response = raw_request(xapi2, "PUT", f"/statements?statementId={statement_id}", body)
    assert_refused(response, "$.id", "nested deeper")


def test_a_batch_nested_too_deep_in_its_second_statement_stores_nothing(xapi2):
    body = f"[{json.dumps(statement())}, {deep_statement(900)}]"
    response = raw_request(xapi2, "POST", "/statements", body)
    assert_refused(response, "$[1].result.extensions", "nested deeper")
    assert stored_statements(xapi2) == []


def multipart(first: bytes, *parts: tuple[str, bytes], boundary: str = "b0undary") -> tuple:
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode() + first]
    for content_type, data in parts:
        sha2 = hashlib.sha256(data).hexdigest()
        chunks.append(
            f"--{boundary}\r\nContent-Type: {content_type}\r\n"
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode()
            + data
        )
    body = b"\r\n".join(chunks) + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/mixed; boundary={boundary}"


def test_a_multipart_statement_nested_too_deep_is_refused(xapi2):
    body, content_type = multipart(deep_statement(1000).encode())
    response = raw_request(xapi2, "POST", "/statements", body, content_type)
    assert_refused(response, "nested deeper")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/statements", {}),
        ("/agents", {}),
        ("/activities/state", {"activityId": "https://lms.test/a", "stateId": "s"}),
        ("/agents/profile", {"profileId": "p"}),
    ],
)
def test_an_agent_parameter_nested_too_deep_is_refused(xapi2, path, params):
    agent = '{"objectType": "Agent", "mbox": "mailto:a@example.org", "name": ' + nested_text(1000)
    response = xapi2.request("GET", path, query_string={**params, "agent": agent + "}"})
    assert_refused(response, "agent", "nested deeper")


@pytest.mark.parametrize("name", list(RESOURCES))
def test_a_document_merge_nested_too_deep_is_refused_and_the_document_kept(xapi2, name):
    resource = RESOURCES[name]
    path, params, _ = resource
    assert send(xapi2, "POST", resource, {"kept": True}).status_code == 204
    for levels in (200, 1000, 100_000):
        body = '{"deep": ' + nested_text(levels) + "}"
        response = xapi2.request("POST", path, query_string=params, data=body, headers=JSON)
        assert_refused(response, "nested deeper")
        if levels < 1000:
            assert response.json["error"].startswith("The document sent: $.deep")
    assert fetch(xapi2, resource).json == {"kept": True}


def test_a_new_json_document_posted_nested_too_deep_is_refused(xapi2):
    path, params, _ = RESOURCES["state"]
    body = '{"deep": ' + nested_text(900) + "}"
    response = xapi2.request("POST", path, query_string=params, data=body, headers=JSON)
    assert_refused(response, "$.deep", "nested deeper")
    assert fetch(xapi2, RESOURCES["state"]).status_code == 404


# --- 2. Lone surrogates -----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(RESOURCES))
def test_a_document_with_a_lone_surrogate_is_refused_naming_the_property(xapi2, name):
    resource = RESOURCES[name]
    path, params, _ = resource
    assert send(xapi2, "POST", resource, {"kept": True}).status_code == 204
    for body in ('{"note": "\\ud800"}', '{"\\udfff": 1}'):
        response = xapi2.request("POST", path, query_string=params, data=body, headers=JSON)
        assert_refused(response, "surrogate")
    response = xapi2.request(
        "POST", path, query_string=params, data='{"note": "\\ud800"}', headers=JSON
    )
    assert "$.note" in response.json["error"]
    assert fetch(xapi2, resource).json == {"kept": True}


def test_a_new_document_with_a_lone_surrogate_is_refused(xapi2):
    path, params, _ = RESOURCES["agent profile"]
    body = '{"note": "\\ud83d"}'
    response = xapi2.request(
        "POST", path, query_string=params, data=body, headers={**JSON, **CREATE}
    )
    assert_refused(response, "$.note", "surrogate")


def test_a_surrogate_pair_is_one_character_and_kept(xapi2):
    resource = RESOURCES["state"]
    path, params, _ = resource
    send(xapi2, "POST", resource, {"a": 1})
    body = '{"badge": "\\ud83d\\ude93"}'
    response = xapi2.request("POST", path, query_string=params, data=body, headers=JSON)
    assert response.status_code == 204
    assert fetch(xapi2, resource).json == {"a": 1, "badge": "\U0001f693"}


LONE_SURROGATE = {
    "$.verb.display['en-US']": statement(
        verb={"id": "http://adlnet.gov/expapi/verbs/x", "display": {"en-US": "LONE"}}
    ),
    "$.actor.account.name": statement(
        actor={"account": {"homePage": "https://lms.test", "name": "LONE"}}
    ),
    f"$.result.extensions['{EXTENSION}'][0]": statement(
        result={"extensions": {EXTENSION: ["LONE"]}}
    ),
    "$.object.definition.extensions": statement(
        object={"id": "https://lms.test/a", "definition": {"extensions": {"LONE": 1}}}
    ),
}


@pytest.mark.parametrize("where", list(LONE_SURROGATE))
def test_a_statement_with_a_lone_surrogate_is_refused(xapi2, where):
    text = json.dumps(LONE_SURROGATE[where]).replace("LONE", "\\ud800")
    response = raw_request(xapi2, "POST", "/statements", text)
    assert_refused(response, where, "surrogate")
    assert stored_statements(xapi2) == []


def test_an_agent_parameter_with_a_lone_surrogate_is_refused(xapi2):
    agent = '{"account": {"homePage": "https://lms.test", "name": "\\ud800"}}'
    for path in ("/statements", "/agents"):
        response = xapi2.request("GET", path, query_string={"agent": agent})
        assert_refused(response, "agent", "$.account.name", "surrogate")


# --- 3. The Authorization header --------------------------------------------------------------


def basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic é",
        "Basic ÿÿÿÿ",
        "Basic !!!!",
        "Basic abc",
        basic(b"\xff\xfe:\xff"),
        basic(b"no colon"),
        basic(b"key\x00:secret"),
        basic(("k" * 5000 + ":secret").encode()),
        "Bearer abc",
        "Basic",
    ],
)
def test_a_credential_that_cannot_be_read_is_unauthenticated(client, authorization):
    response = client.get(
        "/xapi/statements",
        headers={"Authorization": authorization, "X-Experience-API-Version": "2.0.0"},
    )
    assert_refused(response, status=401)
    assert response.headers["WWW-Authenticate"] == 'Basic realm="LRS"'


def test_a_nul_in_a_credential_key_never_reaches_the_database(
    client, credential, database_parameters
):
    created, secret = credential
    response = client.get(
        "/xapi/statements",
        headers={
            "Authorization": basic(f"{created.key}\x00:{secret}".encode()),
            "X-Experience-API-Version": "2.0.0",
        },
    )
    assert_refused(response, status=401)
    assert_no_nul_sent(database_parameters)


def test_a_credential_sent_in_the_alternate_syntax_that_cannot_be_read_is_unauthenticated(
    client,
):
    response = client.post(
        "/xapi/statements?method=GET",
        data="Authorization=Basic+%C3%A9&X-Experience-API-Version=1.0.3",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_refused(response, status=401)


# --- 4. more links ----------------------------------------------------------------------------


def first_more(xapi) -> str:
    xapi.post_statements([statement(), statement(), statement()])
    more = xapi.get_statements(limit=1).json["more"]
    assert more.startswith("/xapi/statements?more=")
    return more.split("more=", 1)[1]


def unsigned_token(state: dict) -> str:
    """A token as the LRS made them before they were signed: base64 of the query's JSON."""
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def test_a_more_link_still_pages(xapi2):
    token = first_more(xapi2)
    page = xapi2.get_statements(more=token)
    assert page.status_code == 200
    assert len(page.json["statements"]) == 1 and page.json["more"]


@pytest.mark.parametrize(
    "changes",
    [
        {"limit": "abc"},
        {"agent": {"account": 5}},
        {"agent": "mailto:a@example.org"},
        {"extra": [1, 2, 3]},
        {"after_seq": "x"},
        {"since": 5},
        {"verb": ["http://x"]},
        {"ascending": "yes"},
        {"registration": "a\x00b"},
        {"unknown": 1},
        {},
    ],
)
def test_a_more_token_the_lrs_did_not_sign_is_refused(xapi2, changes):
    first_more(xapi2)
    state = {
        "agent": None,
        "verb": None,
        "activity": None,
        "registration": None,
        "related_activities": False,
        "related_agents": False,
        "since": None,
        "until": None,
        "limit": 1,
        "ascending": False,
        "after_seq": 1,
        "through_seq": 3,
        "extra": ["exact", "false"],
        **changes,
    }
    response = xapi2.get_statements(more=unsigned_token(state))
    assert_refused(response, "more")


@pytest.mark.parametrize("edit", ["append", "flip", "truncate", "garbage"])
def test_an_edited_more_token_is_refused(xapi2, edit):
    token = first_more(xapi2)
    edited = {
        "append": token + "A",
        "flip": token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:],
        "truncate": token[: len(token) // 2],
        "garbage": "%%%\x00",
    }[edit]
    assert_refused(xapi2.get_statements(more=edited), "more")


def test_a_more_token_of_another_lrs_is_refused(app, xapi2):
    from lrs.http.paging import MoreLinks

    token = first_more(xapi2)
    other = LearningRecordStore(app.extensions["lrs"].engine, "https://other", secret_key="other")
    query = MoreLinks(app.extensions["lrs"].secret_key).decode(token, None)
    foreign = MoreLinks(other.secret_key).encode(query)
    assert foreign != token
    assert_refused(xapi2.get_statements(more=foreign), "more")


# --- 5. NUL characters and column lengths -----------------------------------------------------


@pytest.mark.parametrize("name", list(RESOURCES))
def test_a_nul_in_a_document_id_is_refused(xapi2, name, database_parameters):
    resource = RESOURCES[name]
    path, params, id_param = resource
    for method in ("PUT", "POST", "GET", "DELETE"):
        response = xapi2.request(
            method,
            path,
            query_string={**params, id_param: "book\x00mark"},
            json={"a": 1},
            headers=CREATE if method == "PUT" else {},
        )
        assert_refused(response, id_param, "NUL")
    assert_no_nul_sent(database_parameters)
    assert fetch(xapi2, resource).status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/activities/state", {**STATE, "activityId": "https://lms.test/\x00"}, "activityId"),
        ("/activities/state", {**STATE, "registration": "\x00"}, "registration"),
        ("/activities/profile", {"activityId": "https://lms.test/a\x00"}, "activityId"),
        ("/activities", {"activityId": "https://lms.test/a\x00"}, "activityId"),
        ("/statements", {"verb": "http://adlnet.gov/expapi/verbs/\x00"}, "verb"),
        ("/statements", {"activity": "\x00"}, "activity"),
        ("/statements", {"registration": "\x00"}, "registration"),
        ("/statements", {"since": "2024-01-01T00:00:00Z\x00"}, "since"),
        ("/statements", {"statementId": "\x00"}, "statementId"),
        ("/statements", {"format": "exact\x00"}, "format"),
        ("/statements", {"unknown\x00": "1"}, "unknown"),
    ],
)
def test_a_nul_in_any_parameter_is_refused_naming_it(
    xapi2, path, params, named, database_parameters
):
    response = xapi2.request("GET", path, query_string=params)
    assert_refused(response, named)
    assert_no_nul_sent(database_parameters)


def test_a_request_check_never_sees_a_nul(app, xapi2):
    seen: list[ResourceRequest] = []
    app.extensions["lrs"].add_request_check(seen.append)
    response = xapi2.request("GET", "/activities/state", query_string={**STATE, "stateId": "\x00"})
    assert_refused(response, "stateId", "NUL")
    assert seen == []


def test_a_nul_in_a_parameter_of_the_alternate_syntax_is_refused(client, credential):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret, "1.0.3")
    form = (
        f"Authorization={xapi.headers['Authorization'].replace(' ', '+')}"
        "&X-Experience-API-Version=1.0.3&stateId=a%00b"
        "&activityId=https%3A%2F%2Flms.test%2Fa"
        "&agent=" + '{"mbox":"mailto:a@example.org"}'
    )
    response = client.post(
        "/xapi/activities/state?method=GET",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_refused(response, "stateId", "NUL")


@pytest.mark.parametrize("header", ["Content-Type", "If-Match", "If-None-Match"])
def test_a_nul_in_a_header_is_refused_naming_it(client, credential, header):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret, "1.0.3")
    form = (
        f"Authorization={xapi.headers['Authorization'].replace(' ', '+')}"
        f"&X-Experience-API-Version=1.0.3&stateId=s&{header}=x%00y&content=%7B%7D"
        "&activityId=https%3A%2F%2Flms.test%2Fa"
        "&agent=" + '{"mbox":"mailto:a@example.org"}'
    )
    response = client.post(
        "/xapi/activities/state?method=PUT",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_refused(response, header, "NUL")


@pytest.mark.parametrize("name", list(RESOURCES))
def test_a_content_type_longer_than_its_column_is_refused(xapi2, name):
    resource = RESOURCES[name]
    path, params, _ = resource
    long_type = "application/json; note=" + "x" * 300
    for method in ("PUT", "POST"):
        response = xapi2.request(
            method,
            path,
            query_string=params,
            data="{}",
            headers={"Content-Type": long_type, **CREATE},
        )
        assert_refused(response, "Content-Type", "255")
    assert fetch(xapi2, resource).status_code == 404


def test_an_attachment_part_with_a_content_type_longer_than_its_column_is_refused(xapi2):
    data = b"the attachment"
    sha2 = hashlib.sha256(data).hexdigest()
    attached = statement(
        attachments=[
            {
                "usageType": "https://lms.test/attachments/note",
                "display": {"en-US": "note"},
                "contentType": "text/plain",
                "length": len(data),
                "sha2": sha2,
            }
        ]
    )
    long_type = "text/plain; note=" + "x" * 300
    body, content_type = multipart(json.dumps(attached).encode(), (long_type, data))
    response = raw_request(xapi2, "POST", "/statements", body, content_type)
    assert_refused(response, "Content-Type", "255")
    assert stored_statements(xapi2) == []


def test_a_nul_in_a_statement_is_refused_naming_where(xapi2):
    text = json.dumps(statement()).replace("A12-345-678", "A12\\u0000")
    response = raw_request(xapi2, "POST", "/statements", text)
    assert_refused(response, "$.actor.account.name", "NUL")
    text = json.dumps(statement(result={"response": "a\x00b"}))
    assert_refused(raw_request(xapi2, "POST", "/statements", text), "$.result.response", "NUL")
    assert stored_statements(xapi2) == []


def test_a_statement_version_longer_than_its_column_is_refused(xapi2):
    response = xapi2.post_statements(statement(version="1.0.12345678"))
    assert_refused(response, "$.version")
    assert stored_statements(xapi2) == []


def test_a_limit_of_thousands_of_digits_asks_for_the_largest_page(xapi2):
    xapi2.post_statements([statement(), statement()])
    response = xapi2.get_statements(limit="1" + "0" * 5000)
    assert response.status_code == 200, response.json
    assert len(response.json["statements"]) == 2


def test_a_huge_number_in_an_extension_is_refused(xapi2):
    text = json.dumps(statement(result={"extensions": {EXTENSION: 1}})).replace(": 1}", ": 1e999}")
    response = raw_request(xapi2, "POST", "/statements", text)
    assert_refused(response, f"$.result.extensions['{EXTENSION}']", "finite")


def test_a_multipart_body_with_no_parts_is_refused(xapi2):
    body = b"--b--\r\n--b\r\n--b--"
    response = raw_request(xapi2, "POST", "/statements", body, "multipart/mixed; boundary=b")
    assert_refused(response, "multipart/mixed")


def test_a_leap_second_timestamp_is_stored(xapi2):
    response = xapi2.post_statements(statement(timestamp="2016-12-31T23:59:60Z"))
    assert response.status_code == 200, response.json
    kept = xapi2.get_statements(statementId=response.json[0]).json
    assert kept["timestamp"] == "2016-12-31T23:59:60Z"


def test_a_line_break_in_a_header_of_the_alternate_syntax_is_refused(client, credential):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret, "1.0.3")
    form = (
        f"Authorization={xapi.headers['Authorization'].replace(' ', '+')}"
        "&X-Experience-API-Version=1.0.3&If-Match=%0D"
    )
    response = client.post(
        "/xapi/statements?method=GET",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_refused(response, "If-Match", "line break")
