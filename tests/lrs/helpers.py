"""What the LRS tests share: two agents, and the three document resources with their
parameters and requests."""

from __future__ import annotations

import hashlib
import json

OFFICER = {
    "objectType": "Agent",
    "account": {"homePage": "https://lms.test", "name": "A12-345-678"},
}
DISPATCHER = {"objectType": "Agent", "mbox": "mailto:dispatch@example.org"}

ACTIVITY = "https://lms.test/courses/vehicle-pursuit"
AGENT = json.dumps(
    {"objectType": "Agent", "account": {"homePage": "https://lms.test", "name": "A12-345-678"}}
)
OTHER_AGENT = json.dumps({"mbox": "mailto:someone.else@example.org"})
STATE = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark"}
ACTIVITY_PROFILE = {"activityId": ACTIVITY, "profileId": "policy"}
AGENT_PROFILE = {"agent": AGENT, "profileId": "preferences"}
# (path, parameters naming one document, the id parameter) for each document resource.
RESOURCES = {
    "state": ("/activities/state", STATE, "stateId"),
    "activity profile": ("/activities/profile", ACTIVITY_PROFILE, "profileId"),
    "agent profile": ("/agents/profile", AGENT_PROFILE, "profileId"),
}
CREATE = {"If-None-Match": "*"}


def sha1(content: bytes) -> str:
    """1.0.3 Communication §3.1.s4.b2: the ETag is the SHA-1 of the contents, in hex."""
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def send(xapi, method, resource, document=None, params=None, **headers):
    path, one, _ = resource
    kwargs = {"json": document} if document is not None else {}
    return xapi.request(method, path, query_string=params or one, headers=headers, **kwargs)


def fetch(xapi, resource, params=None):
    return send(xapi, "GET", resource, params=params)


def list_params(resource):
    """The parameters of the list of documents where `resource` names one."""
    _, params, id_param = resource
    return {name: value for name, value in params.items() if name != id_param}
