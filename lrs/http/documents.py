"""The document resources over HTTP: State, Activity Profile, Agent Profile
(xAPI 1.0.3 Communication §2.2–2.3, §2.6–2.7, §3.1; 2.0 §4.1.4, §4.1.6.2, §4.1.6.5–6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response

from lrs import spec
from lrs.api import LearningRecordStore
from lrs.backend import schema
from lrs.errors import BadRequest, Forbidden, NotFound
from lrs.http.context import XapiRequest, agent_param
from lrs.identifiers import activity_key, agent_key, ifi_of
from lrs.ops import documents
from lrs.ops.documents import Preconditions, Scope, etag_of

CONTENT_TYPE_LENGTH = schema.document.c.content_type.type.length


@dataclass(frozen=True)
class Resource:
    kind: str
    scope_name: str  # the credential scope: "state" or "profile"
    id_param: str
    needs_activity: bool
    needs_agent: bool
    has_registration: bool

    @property
    def params(self) -> set[str]:
        names = {self.id_param, "since"}
        if self.needs_activity:
            names.add("activityId")
        if self.needs_agent:
            names.add("agent")
        if self.has_registration:
            names.add("registration")
        return names


STATE = Resource(documents.STATE, "state", "stateId", True, True, True)
ACTIVITY_PROFILE = Resource(documents.ACTIVITY_PROFILE, "profile", "profileId", True, False, False)
AGENT_PROFILE = Resource(documents.AGENT_PROFILE, "profile", "profileId", False, True, False)


def json_response(value: Any, request: XapiRequest) -> Response:
    """JSON with the ETag every GET answer carries (1.0.3 §3.1.s4.b1), no body for HEAD."""
    body = json.dumps(value).encode()
    response = Response(body, mimetype="application/json")
    response.headers["ETag"] = f'"{etag_of(body)}"'
    return _headless(response, request)


def _headless(response: Response, request: XapiRequest) -> Response:
    # 1.0.3 §1.1: HEAD answers as GET would, without the body. Werkzeug drops it for a real HEAD;
    # this is for a HEAD sent with the alternate request syntax (1.0.3 §1.3).
    if request.method == "HEAD":
        length = response.calculate_content_length()
        response.set_data(b"")
        if length is not None:
            response.content_length = length
    return response


def check_agent_limit(request: XapiRequest, agent: dict[str, Any]) -> None:
    """A credential issued for one agent (launched content) reaches only that agent's data."""
    credential = request.credential
    limit = credential.agent if credential is not None else None
    if limit is not None and ifi_of(agent) != ifi_of(limit):
        raise Forbidden("agent: this credential reaches only its own agent.")


def _scope(resource: Resource, request: XapiRequest) -> Scope:
    params = request.params
    unknown = set(params) - resource.params
    if unknown:
        # 1.0.3 §3.2.s3.b7: parameters the LRS does not recognise here are refused with 400.
        raise BadRequest(f"{sorted(unknown)[0]}: not a parameter of this resource.")
    activity = agent = registration = ""
    if resource.needs_activity:
        if "activityId" not in params:
            raise BadRequest("activityId: this resource needs the activity's IRI.")
        spec.validate_iri(params["activityId"], "activityId")
        activity = activity_key(params["activityId"])
    if resource.needs_agent:
        # 1.0.3 §2.3.s3, §2.6.s3: an Agent object as JSON (not a Group).
        named = agent_param(params, request.version)
        check_agent_limit(request, named)
        agent = agent_key(named) or ""
    if resource.has_registration:
        if "registration" in params:
            registration = spec.validate_uuid(params["registration"], "registration")
        limit = request.credential.registration if request.credential else None
        if limit is not None and registration != limit:
            raise Forbidden(f"registration: this credential reaches only registration {limit}.")
    return Scope(resource.kind, activity, agent, registration)


def _preconditions(request: XapiRequest, resource: Resource) -> Preconditions:
    # 1.0.3 §3.1.s3 lets State be overwritten without a header and asks it of the profiles;
    # the 2.0 suite (4.1.4 Concurrency) wants 409 for all three resources.
    legacy = request.version == "1.0.3"
    profile = resource.kind != documents.STATE
    return Preconditions(
        if_match=request.headers.get("If-Match"),
        if_none_match=request.headers.get("If-None-Match"),
        conflict_without_header=profile or not legacy,
        bad_request_without_header=profile and legacy,
    )


def _content_type(request: XapiRequest) -> str:
    content_type = request.headers.get("Content-Type") or "application/octet-stream"
    if len(content_type) > CONTENT_TYPE_LENGTH:
        raise BadRequest(
            f"Content-Type: at most {CONTENT_TYPE_LENGTH} characters are kept with a document, "
            f"not {len(content_type)}."
        )
    return content_type


def handle(lrs: LearningRecordStore, resource: Resource, request: XapiRequest) -> Response:
    credential = request.credential
    write = request.method in ("PUT", "POST", "DELETE")
    if credential is None or not credential.can_use_documents(resource.scope_name, write=write):
        raise Forbidden(f"This credential may not {'change' if write else 'read'} these documents.")
    if request.method not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
        return Response(
            json.dumps({"error": f"{request.method} is not allowed here."}),
            status=405,
            mimetype="application/json",
        )
    scope = _scope(resource, request)
    document_id = request.params.get(resource.id_param)
    if document_id == "":
        raise BadRequest(f"{resource.id_param}: must not be empty.")
    if document_id is not None and "since" in request.params:
        raise BadRequest("since: only a list of documents takes since.")
    handlers: dict[str, Callable[[], Response]] = {
        "GET": lambda: _get(lrs, scope, document_id, request),
        "HEAD": lambda: _get(lrs, scope, document_id, request),
        "PUT": lambda: _change(lrs, documents.put, scope, resource, document_id, request),
        "POST": lambda: _change(lrs, documents.post, scope, resource, document_id, request),
        "DELETE": lambda: _delete(lrs, scope, resource, document_id, request),
    }
    return handlers[request.method]()


def _get(
    lrs: LearningRecordStore, scope: Scope, document_id: str | None, request: XapiRequest
) -> Response:
    if document_id is None:
        # 1.0.3 §2.3.s4, §2.6.s4, §2.7.s4: the ids, changed after `since` (exclusive) if given.
        since = request.params.get("since")
        moment = spec.parse_timestamp(since, "since", request.version) if since else None
        found = lrs.with_connection(lambda c: documents.listing(c, scope, moment))
        response = json_response(found.ids, request)
        if found.last_modified is not None:
            response.last_modified = found.last_modified  # 1.0.3 §2.2.s6.b2
        return response
    document = lrs.with_connection(lambda c: documents.get(c, scope, document_id))
    if document is None:
        raise NotFound(f"No document {document_id!r} here.")
    response = Response(document.content, content_type=document.content_type)
    response.headers["ETag"] = f'"{document.etag}"'  # 1.0.3 §3.1.s4.b1–b4: quoted SHA-1
    response.last_modified = document.updated  # 1.0.3 §2.2.s6.b1
    return _headless(response, request)


def _change(
    lrs: LearningRecordStore,
    operation: Callable[..., None],
    scope: Scope,
    resource: Resource,
    document_id: str | None,
    request: XapiRequest,
) -> Response:
    if document_id is None:
        raise BadRequest(f"{resource.id_param}: say which document.")
    preconditions = _preconditions(request, resource)
    content_type = _content_type(request)
    lrs.with_connection(
        lambda c: operation(c, scope, document_id, content_type, request.body, preconditions),
        write=True,
    )
    return Response(status=204)


def _delete(
    lrs: LearningRecordStore,
    scope: Scope,
    resource: Resource,
    document_id: str | None,
    request: XapiRequest,
) -> Response:
    if document_id is None:
        # Only State deletes many at once (1.0.3 §2.3.s5); the profiles name one document.
        if resource.kind != documents.STATE:
            raise BadRequest(f"{resource.id_param}: say which document to delete.")
        lrs.with_connection(lambda c: documents.delete_all(c, scope), write=True)
    else:
        preconditions = _preconditions(request, resource)
        lrs.with_connection(
            lambda c: documents.delete_one(c, scope, document_id, preconditions), write=True
        )
    return Response(status=204)
