"""Whatever a client sends to any resource of the LRS, the answer is never a 500, and every refusal
carries an error message: generated requests with statements, documents, query strings, headers
and `more` tokens of valid shape, with junk in them (deep nesting, lone surrogates, NULs, huge
numbers, values of the wrong type).

Reproducible: the examples are derived from a fixed seed (derandomize) and bounded in number."""

from __future__ import annotations

import base64
import copy
import json
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders.xapi import statement

FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ACTIVITY = "https://lms.test/courses/vehicle-pursuit"
AGENT = {"objectType": "Agent", "account": {"homePage": "https://lms.test", "name": "A12-345-678"}}
RAW = "RAW-JSON-HERE"

# --- Junk -------------------------------------------------------------------------------------

SPECIAL_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff",
    "x\ud83d",
    "\ud83d\ude93",
    "é",
    "%00",
    "\\u0000",
    "1e999",
    "x" * 300,
    "true",
    "null",
    "{}",
    "[]",
    "mailto:a@example.org",
    "https://lms.test/a",
    "2024-01-31T12:00:00Z",
    "2016-12-31T23:59:60Z",
    "PT1H",
    str(uuid.UUID(int=1)),
    RAW,
]
text = st.one_of(st.sampled_from(SPECIAL_TEXT), st.text(max_size=12))
RAW_SNIPPETS = [
    "[" * 70 + "]" * 70,
    "[" * 1200 + "]" * 1200,
    '{"a":' * 80 + "1" + "}" * 80,
    "1e999",
    "-1e999",
    "1" * 400 + ".0",
    "1" * 5000,
    '"\\ud800"',
    '"\\u0000"',
    '{"\\udc00": 1}',
    "NaN",
    '{"a": 1, "a": 2}',
]
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**30, max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
json_value = st.recursive(
    scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(text, children, max_size=3)
    ),
    max_leaves=8,
)

STATEMENT_PATHS = [
    ("id",),
    ("actor",),
    ("actor", "account", "name"),
    ("actor", "account", "homePage"),
    ("actor", "mbox"),
    ("actor", "member"),
    ("verb", "id"),
    ("verb", "display"),
    ("verb", "display", "en-US"),
    ("object",),
    ("object", "id"),
    ("object", "objectType"),
    ("object", "definition", "extensions"),
    ("object", "definition", "name", "en-US"),
    ("result", "score", "raw"),
    ("result", "score", "scaled"),
    ("result", "extensions", "https://lms.test/x"),
    ("result", "response"),
    ("result", "duration"),
    ("context", "registration"),
    ("context", "extensions", "https://lms.test/x"),
    ("context", "contextActivities", "parent"),
    ("timestamp",),
    ("version",),
    ("attachments",),
]


def with_value(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        if not isinstance(document.get(key), dict):
            document[key] = {}
        document = document[key]
    document[path[-1]] = value


@st.composite
def statement_texts(draw: Any) -> str:
    """A statement (or a batch) as JSON text: valid, then with a few properties replaced by junk,
    and perhaps with raw JSON no Python value dumps to (deep nesting, 1e999, repeated keys)."""
    count = draw(st.integers(min_value=1, max_value=2))
    texts = []
    for _ in range(count):
        body = copy.deepcopy(statement())
        for _ in range(few(draw)):
            with_value(body, draw(st.sampled_from(STATEMENT_PATHS)), draw(json_value))
        if not draw(ODDS):
            with_value(body, draw(st.sampled_from(STATEMENT_PATHS)), RAW)
        texts.append(json.dumps(body))
    joined = texts[0] if count == 1 and draw(st.booleans()) else "[" + ",".join(texts) + "]"
    return joined.replace(json.dumps(RAW), draw(st.sampled_from(RAW_SNIPPETS)))


@st.composite
def document_texts(draw: Any) -> str:
    body = draw(st.dictionaries(text, json_value, max_size=4))
    if not draw(ODDS):
        body[draw(text)] = RAW
    rendered = json.dumps(body) if draw(ODDS) else json.dumps(draw(json_value))
    return rendered.replace(json.dumps(RAW), draw(st.sampled_from(RAW_SNIPPETS)))


@st.composite
def agent_texts(draw: Any) -> str:
    agent = copy.deepcopy(AGENT)
    for _ in range(few(draw)):
        path = draw(st.sampled_from([("account", "name"), ("mbox",), ("name",), ("member",)]))
        with_value(agent, path, draw(json_value))
    if not draw(ODDS):
        with_value(agent, draw(st.sampled_from([("account", "name"), ("name",)])), RAW)
    return json.dumps(agent).replace(json.dumps(RAW), draw(st.sampled_from(RAW_SNIPPETS)))


def header_text() -> st.SearchStrategy[str]:
    # What an HTTP header can carry: Latin-1, no line breaks.
    latin = st.characters(min_codepoint=0, max_codepoint=255, exclude_characters="\r\n")
    return st.one_of(
        st.text(latin, max_size=20),
        st.sampled_from(["\x00", "x\x00y", "é", "a" * 300]),
    )


def basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


# Hypothesis favours the ends of integer ranges; sampled choices are closer to even.
ODDS = st.sampled_from([True, True, True, True, True, False])


def usually(draw: Any, valid: st.SearchStrategy, junk: st.SearchStrategy) -> Any:
    """Mostly a valid value, so that most requests get past the first checks; junk 1 in 6."""
    return draw(valid if draw(ODDS) else junk)


def few(draw: Any) -> int:
    return draw(st.sampled_from([0, 0, 1, 1, 2, 3]))


@st.composite
def headers(draw: Any, good_authorization: str, content_types: list[str]) -> dict[str, str]:
    found = {}
    found["Authorization"] = usually(
        draw,
        st.just(good_authorization),
        st.one_of(
            header_text().map(lambda value: "Basic " + value),
            st.binary(max_size=20).map(basic),
            st.text(max_size=10).map(lambda value: basic(value.encode("utf-8", "surrogatepass"))),
            st.just(good_authorization.replace("Basic ", "Basic \x00")),
        ),
    )
    version = usually(draw, st.sampled_from(["2.0.0", "1.0.3", "1.0", "2.0.1"]), header_text())
    if draw(ODDS) or draw(ODDS):
        found["X-Experience-API-Version"] = version
    found["Content-Type"] = usually(draw, st.sampled_from(content_types), header_text())
    for name in ("If-Match", "If-None-Match"):
        if not draw(ODDS):
            found[name] = usually(draw, st.sampled_from(["*", '"abc"', ""]), header_text())
    return found


@st.composite
def query(draw: Any, names: list[str], values: dict[str, st.SearchStrategy[str]]) -> str:
    """A query string, percent-encoded from UTF-8 (lone surrogates too, as a client could)."""
    chosen = draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True))
    if not draw(ODDS):
        chosen.append(draw(text))
    pairs = []
    for name in chosen:
        value = usually(draw, values.get(name, text), text)
        pairs.append(f"{_quoted(name)}={_quoted(value)}")
    return "&".join(pairs)


def _quoted(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


# --- Requests ---------------------------------------------------------------------------------


def assert_answered(response: Any) -> None:
    """No 500; a refusal says why, as JSON (or, from outside the LRS, as text)."""
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body
    if 400 <= response.status_code < 500 and response.request.method != "HEAD":
        if response.mimetype == "application/json":
            error = json.loads(body)
            assert error.get("error") or error.get("message"), body
        else:
            assert body.strip(), response


@pytest.fixture
def good_authorization(credential) -> str:
    created, secret = credential
    return basic(f"{created.key}:{secret}".encode())


def request(client: Any, method: str, path: str, query_string: str, sent: dict, body: Any) -> Any:
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    url = f"/xapi{path}" + (f"?{query_string}" if query_string else "")
    return client.open(url, method=method, headers=sent, data=data)


STATEMENT_TYPES = ["application/json"] * 3 + ["multipart/mixed; boundary=b0", "multipart/mixed"]
DOCUMENT_TYPES = ["application/json"] * 3 + ["text/plain", "application/json; charset=utf-8"]
UUIDS = st.one_of(st.uuids().map(str), text)
STATEMENT_FILTERS = {
    "agent": agent_texts(),
    "verb": st.sampled_from(["http://adlnet.gov/expapi/verbs/completed", "x"]),
    "activity": st.just(ACTIVITY),
    "registration": UUIDS,
    "related_activities": st.sampled_from(["true", "false"]),
    "related_agents": st.sampled_from(["true", "false"]),
    "since": st.sampled_from(["2024-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00"]),
    "until": st.sampled_from(["9999-12-31T23:59:59-01:00", "2024-06-30T23:59:60Z"]),
    "limit": st.sampled_from(["0", "1", "501", "1" + "0" * 5000, "-1", "1.5"]),
    "format": st.sampled_from(["exact", "ids", "canonical"]),
    "attachments": st.sampled_from(["true", "false"]),
    "ascending": st.sampled_from(["true", "false"]),
    "statementId": UUIDS,
    "voidedStatementId": UUIDS,
}


def multipart_body(statement_text: str, part: bytes) -> bytes:
    return (
        b"--b0\r\nContent-Type: application/json\r\n\r\n"
        + statement_text.encode("utf-8", "surrogatepass")
        + b"\r\n--b0\r\nContent-Type: text/plain\r\nX-Experience-API-Hash: "
        + b"0" * 64
        + b"\r\n\r\n"
        + part
        + b"\r\n--b0--\r\n"
    )


@FUZZ
@given(data=st.data())
def test_posting_statements_never_fails(client, good_authorization, data):
    sent = data.draw(headers(good_authorization, STATEMENT_TYPES))
    body: Any = data.draw(statement_texts())
    if sent["Content-Type"].startswith("multipart") and data.draw(ODDS):
        body = multipart_body(body, data.draw(st.binary(max_size=8)))
    assert_answered(request(client, "POST", "/statements", "", sent, body))


@FUZZ
@given(data=st.data())
def test_putting_statements_never_fails(client, good_authorization, data):
    sent = data.draw(headers(good_authorization, STATEMENT_TYPES))
    statement_id = data.draw(UUIDS)
    query_string = data.draw(
        st.sampled_from([f"statementId={_quoted(statement_id)}", "", "statementId=&x=1"])
    )
    body = data.draw(statement_texts())
    assert_answered(request(client, "PUT", "/statements", query_string, sent, body))


@FUZZ
@given(data=st.data())
def test_querying_statements_never_fails(client, good_authorization, data):
    sent = data.draw(headers(good_authorization, STATEMENT_TYPES))
    query_string = data.draw(query(list(STATEMENT_FILTERS), STATEMENT_FILTERS))
    method = data.draw(st.sampled_from(["GET", "HEAD"]))
    assert_answered(request(client, method, "/statements", query_string, sent, b""))


@pytest.fixture
def more_token(client, good_authorization) -> str:
    sent = {"Authorization": good_authorization, "X-Experience-API-Version": "2.0.0"}
    posted = client.post(
        "/xapi/statements", json=[statement(), statement(), statement()], headers=sent
    )
    assert posted.status_code == 200
    more = client.get("/xapi/statements?limit=1", headers=sent).json["more"]
    return more.split("more=", 1)[1]


@FUZZ
@given(data=st.data())
def test_following_edited_more_links_never_fails(client, good_authorization, more_token, data):
    sent = {"Authorization": good_authorization, "X-Experience-API-Version": "2.0.0"}
    position = data.draw(st.integers(min_value=0, max_value=len(more_token) - 1))
    unsigned = {"limit": data.draw(json_value), "agent": data.draw(json_value)}
    token = data.draw(
        st.one_of(
            st.just(more_token),
            text.map(lambda junk: more_token[:position] + junk + more_token[position + 1 :]),
            st.just(more_token[:position]),
            text,
            st.just(base64.urlsafe_b64encode(json.dumps(unsigned).encode()).decode()),
            st.just(more_token.split(".")[0] + "." + base64.urlsafe_b64encode(b"x").decode()),
        )
    )
    extra = data.draw(st.sampled_from(["", "&limit=1", "&more=x"]))
    response = request(client, "GET", "/statements", f"more={_quoted(token)}{extra}", sent, b"")
    assert_answered(response)
    if token != more_token or extra:
        assert response.status_code == 400


DOCUMENT_RESOURCES = {
    "/activities/state": ["activityId", "agent", "stateId", "registration", "since"],
    "/activities/profile": ["activityId", "profileId", "since"],
    "/agents/profile": ["agent", "profileId", "since"],
}
DOCUMENT_VALUES = {
    "activityId": st.sampled_from([ACTIVITY] * 4 + ["not an iri", ACTIVITY + "\x00"]),
    "agent": agent_texts(),
    "stateId": st.sampled_from(["bookmark", "suspend"]),
    "profileId": st.sampled_from(["preferences", "policy"]),
    "registration": UUIDS,
    "since": st.sampled_from(["2024-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00"]),
}


@pytest.mark.parametrize("path", list(DOCUMENT_RESOURCES))
@FUZZ
@given(data=st.data())
def test_the_document_resources_never_fail(client, good_authorization, path, data):
    names = DOCUMENT_RESOURCES[path]
    sent = data.draw(headers(good_authorization, DOCUMENT_TYPES))
    must = [name for name in names if name not in ("registration", "since")]
    optional = [name for name in names if name not in must]
    query_string = "&".join(
        [f"{name}={_quoted(usually(data.draw, DOCUMENT_VALUES[name], text))}" for name in must]
        + [data.draw(query(optional, DOCUMENT_VALUES))]
    ).strip("&")
    method = data.draw(st.sampled_from(["GET", "HEAD", "PUT", "POST", "POST", "DELETE"]))
    body = data.draw(document_texts()) if method in ("PUT", "POST") else b""
    assert_answered(request(client, method, path, query_string, sent, body))


@pytest.mark.parametrize(
    ("path", "names", "values"),
    [
        ("/activities", ["activityId"], {"activityId": st.sampled_from([ACTIVITY, "x"])}),
        ("/agents", ["agent"], {"agent": agent_texts()}),
        ("/about", [], {}),
    ],
)
@FUZZ
@given(data=st.data())
def test_the_other_resources_never_fail(client, good_authorization, path, names, values, data):
    sent = data.draw(headers(good_authorization, DOCUMENT_TYPES))
    query_string = data.draw(query(names, values)) if names else data.draw(query(["x"], {}))
    method = data.draw(st.sampled_from(["GET", "GET", "HEAD", "POST", "DELETE"]))
    assert_answered(request(client, method, path, query_string, sent, b""))


@FUZZ
@given(data=st.data())
def test_the_alternate_request_syntax_never_fails(client, good_authorization, data):
    """1.0.3 §1.3: everything in a form body, which the LRS unpacks itself."""
    path = data.draw(st.sampled_from(["/statements", "/activities/state", "/agents"]))
    method = usually(data.draw, st.sampled_from(["GET", "PUT", "POST", "DELETE"]), text)
    fields = {
        "Authorization": usually(data.draw, st.just(good_authorization), text),
        "X-Experience-API-Version": usually(data.draw, st.just("1.0.3"), text),
        "content": data.draw(st.one_of(statement_texts(), document_texts())),
    }
    for name in data.draw(st.lists(st.sampled_from(list(STATEMENT_FILTERS) + ["stateId"]))):
        fields[name] = data.draw(STATEMENT_FILTERS.get(name, text))
    for name in ("Content-Type", "If-Match", "activityId", "agent"):
        if data.draw(st.booleans()):
            fields[name] = data.draw(text)
    form = "&".join(f"{_quoted(name)}={_quoted(value)}" for name, value in fields.items())
    response = client.post(
        f"/xapi{path}?method={_quoted(method)}",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_answered(response)
