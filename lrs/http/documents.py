"""The document resources over HTTP: State, Activity Profile, Agent Profile."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response

from lrs import spec
from lrs.api import LearningRecordStore
from lrs.errors import BadRequest, Forbidden, NotFound
from lrs.http.context import XapiRequest, agent_param
from lrs.identifiers import activity_key, agent_key
from lrs.ops import documents
from lrs.ops.documents import Preconditions, Scope


@dataclass(frozen=True)
class Resource:
    kind: str
    scope_name: str  # the credential scope: "state" or "profile"
    id_param: str
    needs_activity: bool
    needs_agent: bool
    has_registration: bool


STATE = Resource(documents.STATE, "state", "stateId", True, True, True)
ACTIVITY_PROFILE = Resource(documents.ACTIVITY_PROFILE, "profile", "profileId", True, False, False)
AGENT_PROFILE = Resource(documents.AGENT_PROFILE, "profile", "profileId", False, True, False)


def _allowed(resource: Resource) -> set[str]:
    names = {resource.id_param, "since"}
    if resource.needs_activity:
        names.add("activityId")
    if resource.needs_agent:
        names.add("agent")
    if resource.has_registration:
        names.add("registration")
    return names


def _scope(resource: Resource, request: XapiRequest) -> Scope:
    params = request.params
    unknown = set(params) - _allowed(resource)
    if unknown:
        raise BadRequest(f"{sorted(unknown)[0]}: not a parameter of this resource.")
    activity = agent = registration = ""
    if resource.needs_activity:
        if "activityId" not in params:
            raise BadRequest("activityId: this resource needs the activity's IRI.")
        spec.validate_iri(params["activityId"], "activityId")
        activity = activity_key(params["activityId"])
    if resource.needs_agent:
        agent = agent_key(agent_param(params, request.version)) or ""
    if resource.has_registration and "registration" in params:
        registration = spec.validate_uuid(params["registration"], "registration")
    return Scope(resource.kind, activity, agent, registration)


def _preconditions(request: XapiRequest, resource: Resource) -> Preconditions:
    # 1.0.3 asks for a precondition before a PUT overwrites a profile; 2.0 for every document.
    legacy = request.version == "1.0.3"
    profile = resource.kind != documents.STATE
    return Preconditions(
        if_match=request.headers.get("If-Match"),
        if_none_match=request.headers.get("If-None-Match"),
        required_for_overwrite=profile or not legacy,
        required_always=profile and legacy,
    )


def _content_type(request: XapiRequest) -> str:
    return request.headers.get("Content-Type") or "application/octet-stream"


def handle(lrs: LearningRecordStore, resource: Resource, request: XapiRequest) -> Response:
    credential = request.credential
    write = request.method in ("PUT", "POST", "DELETE")
    if credential is None or not credential.can_use_documents(resource.scope_name, write=write):
        raise Forbidden(f"This credential may not {'change' if write else 'read'} these documents.")
    scope = _scope(resource, request)
    document_id = request.params.get(resource.id_param)
    handlers: dict[str, Callable[[], Response]] = {
        "GET": lambda: _get(lrs, scope, document_id, request),
        "HEAD": lambda: _get(lrs, scope, document_id, request),
        "PUT": lambda: _change(lrs, documents.put, scope, resource, document_id, request),
        "POST": lambda: _change(lrs, documents.post, scope, resource, document_id, request),
        "DELETE": lambda: _delete(lrs, scope, resource, document_id, request),
    }
    if request.method not in handlers:
        return Response(json.dumps({"error": f"{request.method} is not allowed here."}), 405)
    return handlers[request.method]()


def _get(
    lrs: LearningRecordStore, scope: Scope, document_id: str | None, request: XapiRequest
) -> Response:
    if document_id is None:
        since = request.params.get("since")
        moment = spec.parse_timestamp(since, "since", request.version) if since else None
        found = lrs.with_connection(lambda connection: documents.ids(connection, scope, moment))
        return Response(json.dumps(found), mimetype="application/json")
    if "since" in request.params:
        raise BadRequest("since: only a list of documents takes since.")
    document = lrs.with_connection(lambda connection: documents.get(connection, scope, document_id))
    if document is None:
        raise NotFound(f"No document {document_id!r} here.")
    response = Response(document.content, content_type=document.content_type)
    response.headers["ETag"] = f'"{document.etag}"'
    response.last_modified = document.updated
    return response


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
    if "since" in request.params:
        raise BadRequest("since: only a list of documents takes since.")
    preconditions = _preconditions(request, resource)
    lrs.with_connection(
        lambda connection: operation(
            connection, scope, document_id, _content_type(request), request.body, preconditions
        ),
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
    if "since" in request.params:
        raise BadRequest("since: only a list of documents takes since.")
    if document_id is None:
        if resource.kind != documents.STATE:
            raise BadRequest(f"{resource.id_param}: say which document to delete.")
        lrs.with_connection(lambda connection: documents.delete_all(connection, scope), write=True)
    else:
        preconditions = _preconditions(request, resource)
        lrs.with_connection(
            lambda connection: documents.delete_one(connection, scope, document_id, preconditions),
            write=True,
        )
    return Response(status=204)
