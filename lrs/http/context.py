"""One xAPI request as the resources see it, whichever syntax it came in.

The alternate request syntax (xAPI 1.0.3 Communication §1.3) carries the method in `?method=`
and the headers, parameters and content in a form body; it is unpacked here, once.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from flask import Request
from werkzeug.datastructures import Headers

from lrs.credentials import Credential
from lrs.errors import BadRequest
from lrs.spec.shapes import text_flaw

SUPPORTED_VERSIONS = ("1.0.3", "2.0.0")
VERSION_HEADER = "X-Experience-API-Version"
ALTERNATE_HEADERS = {
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
}
ALTERNATE_METHODS = {"GET", "PUT", "POST", "DELETE", "HEAD"}
# A GET parameter that only defeats browser caches (@xapi/xapi's `useCacheBuster`); ignored.
CACHE_BUSTER = "cachebuster"
# The headers the resources read, besides Authorization and the version (checked on their own).
READ_HEADERS = ("Content-Type", "If-Match", "If-None-Match", "Accept-Language")


@dataclass
class XapiRequest:
    method: str
    params: dict[str, str]
    headers: Headers
    body: bytes
    # Until the request names its version, the LRS's reply to unversioned requests.
    version: str = "2.0.0"
    credential: Credential | None = None
    alternate: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        raw = self.headers.get("Content-Type") or ""
        params: dict[str, str] = {}
        for part in raw.split(";")[1:]:
            name, _, value = part.strip().partition("=")
            params[name.strip().lower()] = value.strip().strip('"')
        return params


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def negotiate_version(raw: str | None) -> str:
    """The version this request speaks: 1.0.x is answered as 1.0.3, 2.0.x as 2.0.0."""
    if raw is None:
        raise BadRequest(f"The {VERSION_HEADER} header is missing.")
    value = raw.strip()
    if value.startswith("1.0.") and _ascii_digits(value[4:]) or value == "1.0":
        return "1.0.3"
    if value in ("2.0", "2.0.0") or (value.startswith("2.0.") and _ascii_digits(value[4:])):
        return "2.0.0"
    raise BadRequest(f"{VERSION_HEADER} {value!r} is not supported: send 1.0.3 or 2.0.0.")


def single_params(request: Request) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, values in request.args.lists():
        if len(values) > 1:
            raise BadRequest(f"The parameter {name} is given {len(values)} times.")
        params[name] = values[0]
    return params


def from_flask(request: Request) -> XapiRequest:
    params = single_params(request)
    if request.method == "POST" and "method" in params:
        return _alternate(request, params)
    if request.method in ("GET", "HEAD"):
        # @xapi/xapi's `useCacheBuster` adds `cachebuster=<time>` to a GET so that no browser
        # cache answers it. 1.0.3 §3.2.s3.b7 lets an LRS recognise parameters of its own: this
        # one is recognised, and means nothing.
        params.pop(CACHE_BUSTER, None)
    return XapiRequest(
        method=request.method,
        params=params,
        headers=Headers(request.headers),
        body=request.get_data(cache=False),
    )


def _alternate(request: Request, params: dict[str, str]) -> XapiRequest:
    method = params.pop("method").upper()
    if method not in ALTERNATE_METHODS:
        raise BadRequest(f"method: {method!r} is not an HTTP method of the xAPI.")
    if len(params) > 0:
        raise BadRequest("With method= the other parameters go in the form body, not the URL.")
    content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise BadRequest(
            "Content-Type: the alternate request syntax sends application/x-www-form-urlencoded."
        )
    text = request.get_data(cache=False).decode("utf-8", "replace").strip()
    if len(text) > 1 and text[0] == text[-1] == '"':
        # Some clients (the ADL conformance suite among them) send the form as a JSON string.
        text = text[1:-1]
    form = parse_qs(text, keep_blank_values=True)
    headers = Headers()
    body = b""
    fields: dict[str, str] = {}
    for name, values in form.items():
        value = values[-1]
        if name.lower() in ALTERNATE_HEADERS:
            if "\r" in value or "\n" in value:
                # No HTTP header can hold a line break, so no client means one.
                raise BadRequest(f"{name}: a header value holds a line break.")
            headers[name] = value
        elif name == "content":
            body = value.encode()
        else:
            fields[name] = value
    for passed in ("Authorization", VERSION_HEADER):
        if passed not in headers and request.headers.get(passed):
            headers[passed] = request.headers[passed]
    if body and "Content-Type" not in headers:
        headers["Content-Type"] = "application/json"
    return XapiRequest(method=method, params=fields, headers=headers, body=body, alternate=True)


def basic_credentials(headers: Headers) -> tuple[str, str] | None:
    raw = headers.get("Authorization") or ""
    scheme, _, encoded = raw.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except ValueError:  # not base64 (binascii.Error), not ASCII, or not UTF-8 underneath
        return None
    key, sep, secret = decoded.partition(":")
    return (key, secret) if sep else None


def agent_param(params: dict[str, str], version: str, *, groups: bool = False) -> dict[str, Any]:
    """The `agent` parameter: JSON, an Agent (or, where `groups`, an identified Group)."""
    from lrs import spec

    if "agent" not in params:
        raise BadRequest("agent: this resource needs the agent, as JSON.")
    try:
        agent = spec.parse_json(params["agent"])
    except spec.ValidationError as error:
        raise BadRequest(f"agent: {error}.") from None
    if groups:
        spec.validate_actor(agent, version, "agent")
        if not any(name in agent for name in ("mbox", "mbox_sha1sum", "openid", "account")):
            raise BadRequest("agent: must be an Agent or an identified Group.")
    else:
        spec.validate_agent(agent, version, "agent")
    return agent


def refuse_unstorable(request: XapiRequest) -> None:
    """No parameter, and no header a resource reads, holds a character no database can keep or
    compare: every one of them is stored, looked up or passed to the portal's checks."""
    for name, value in request.params.items():
        flaw = text_flaw(name)
        if flaw:
            raise BadRequest(f"{name!r}: a parameter name {flaw}.")
        flaw = text_flaw(value)
        if flaw:
            raise BadRequest(f"{name}: the parameter {flaw}.")
    for name in READ_HEADERS:
        flaw = text_flaw(request.headers.get(name) or "")
        if flaw:
            raise BadRequest(f"{name}: the header {flaw}.")
