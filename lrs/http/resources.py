"""The Activities and Agents resources (xAPI 1.0.3 Communication §2.4, §2.5; 2.0 §4.1.6.3–4)."""

from __future__ import annotations

import json

from flask import Response

from lrs import spec
from lrs.api import LearningRecordStore
from lrs.errors import BadRequest
from lrs.http.context import XapiRequest, agent_param
from lrs.ops import definitions


def _only(request: XapiRequest, name: str, resource: str) -> None:
    extra = set(request.params) - {name}
    if extra:
        raise BadRequest(f"{sorted(extra)[0]}: not a parameter of {resource}.")


def person(lrs: LearningRecordStore, request: XapiRequest) -> Response:
    """A Person object of everything known about the agent's IFI."""
    _only(request, "agent", "/agents")
    agent = agent_param(request.params, request.version)
    found = lrs.with_connection(lambda connection: definitions.person(connection, agent))
    return Response(json.dumps(found), mimetype="application/json")


def activity(lrs: LearningRecordStore, request: XapiRequest) -> Response:
    """The Activity with the LRS's canonical definition."""
    _only(request, "activityId", "/activities")
    activity_id = request.params.get("activityId")
    if activity_id is None:
        raise BadRequest("activityId: the Activities resource needs the activity's IRI.")
    spec.validate_iri(activity_id, "activityId")
    found = lrs.with_connection(lambda connection: definitions.activity(connection, activity_id))
    return Response(json.dumps(found), mimetype="application/json")
