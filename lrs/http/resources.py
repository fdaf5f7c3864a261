"""The Activities and Agents resources (xAPI 1.0.3 Communication §2.4, §2.5; 2.0 §4.1.6.3–4)."""

from __future__ import annotations

from flask import Response

from lrs import spec
from lrs.api import LearningRecordStore
from lrs.errors import BadRequest, Forbidden
from lrs.http.context import XapiRequest, agent_param
from lrs.http.documents import check_agent_limit, json_response
from lrs.ops import definitions


def _allowed(request: XapiRequest, name: str, resource: str) -> None:
    credential = request.credential
    # 1.0.3 §2.4.s3.b2: insufficiently privileged requests are refused with 403.
    if credential is None or not credential.can_read_definitions():
        raise Forbidden(f"This credential may not read {resource}.")
    # 1.0.3 §3.2.s3.b7: parameters the LRS does not recognise here are refused with 400.
    extra = set(request.params) - {name}
    if extra:
        raise BadRequest(f"{sorted(extra)[0]}: not a parameter of {resource}.")


def person(lrs: LearningRecordStore, request: XapiRequest) -> Response:
    """A Person object of everything known about the agent's IFI; of the agent as sent when
    nothing is known (1.0.3 §2.4.s3.b3)."""
    _allowed(request, "agent", "/agents")
    # 1.0.3 §2.4.s2: "a normal Agent Object with a single identifier and no arrays".
    agent = agent_param(request.params, request.version)
    check_agent_limit(request, agent)
    found = lrs.with_connection(lambda connection: definitions.person(connection, agent))
    return json_response(found, request)


def activity(lrs: LearningRecordStore, request: XapiRequest) -> Response:
    """The Activity with the LRS's canonical definition; with its id alone when no statement
    defined it (1.0.3 §2.5.s2.b1: still an Activity object, not 404)."""
    _allowed(request, "activityId", "/activities")
    activity_id = request.params.get("activityId")
    if activity_id is None:
        raise BadRequest("activityId: the Activities resource needs the activity's IRI.")
    spec.validate_iri(activity_id, "activityId")
    found = lrs.with_connection(lambda connection: definitions.activity(connection, activity_id))
    return json_response(found, request)
