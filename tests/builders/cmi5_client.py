"""A cmi5 AU as a browser runs it, against the portal, over HTTP (through a Flask test client):
the learner registered for a course, the AU's launch URL, its fetch, LaunchData and statements.
The cmi5 player's tests and the customization's share it."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from lms.accounts.models import Person
from lms.catalog.models import Course, Registration
from lms.db import db
from lms.player.models import LaunchSession, NodeStatus
from tests.builders.cmi5 import AUSpec, cmi5_zip
from tests.conftest import csrf_token
from tests.factories import make_published_course

CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
VERB = "http://adlnet.gov/expapi/verbs/"
ADL_VERB = "https://w3id.org/xapi/adl/verbs/"
FRAME_SRC = re.compile(r'<iframe id="au-frame"[^>]*src="([^"]+)"')


def import_course(app: Flask, folder, aus: list[AUSpec] | None = None, **options: Any) -> Course:
    return make_published_course(cmi5_zip(folder, aus, **options), folder)


@dataclass
class Learner:
    """A signed-in learner registered for a course."""

    client: FlaskClient
    registration: Registration
    person: Person

    @property
    def course_page(self) -> str:
        return f"/cmi5/registrations/{self.registration.id}"

    def launch(self, au_index: int = 0, launch_mode: str = "Normal") -> AU:
        response = self.launch_response(au_index, launch_mode)
        assert response.status_code in (200, 303), response.get_data(as_text=True)
        if response.status_code == 303:
            url = response.headers["Location"]
        else:
            url = html.unescape(FRAME_SRC.search(response.get_data(as_text=True)).group(1))
        return AU(self.client, url)

    def launch_response(self, au_index: int = 0, launch_mode: str = "Normal") -> Any:
        token = csrf_token(self.client, self.course_page)
        return self.client.post(
            f"{self.course_page}/launch",
            data={"csrf_token": token, "au_index": au_index, "launch_mode": launch_mode},
        )

    def sessions(self) -> list[LaunchSession]:
        db.session.expire_all()
        return list(
            db.session.query(LaunchSession)
            .filter_by(registration_id=self.registration.id)
            .order_by(LaunchSession.id)
        )

    def node(self, node_id: str) -> NodeStatus | None:
        db.session.expire_all()
        return (
            db.session.query(NodeStatus)
            .filter_by(registration_id=self.registration.id, node_id=node_id)
            .one_or_none()
        )


@dataclass
class AU:
    """An AU in a browser: its launch URL's parameters, its token, its statements."""

    client: FlaskClient
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    launch_data: dict[str, Any] = field(default_factory=dict)
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def params(self) -> dict[str, str]:
        return {name: values[0] for name, values in parse_qs(urlsplit(self.url).query).items()}

    @property
    def actor(self) -> dict[str, Any]:
        return json.loads(self.params["actor"])

    def fetch(self) -> Any:
        return self.client.post(self.params["fetch"])

    def xapi(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"X-Experience-API-Version": "1.0.3", **self.headers, **kwargs.pop("headers", {})}
        if "json" in kwargs:
            kwargs["data"] = json.dumps(kwargs.pop("json"))
            headers.setdefault("Content-Type", "application/json")
        return self.client.open(
            f"{self.params['endpoint']}{path}", method=method, headers=headers, **kwargs
        )

    def state_params(self, state_id: str = "LMS.LaunchData") -> dict[str, str]:
        return {
            "stateId": state_id,
            "activityId": self.params["activityId"],
            "agent": json.dumps(self.actor),
            "registration": self.params["registration"],
        }

    def start(self, *, preferences: bool = True) -> AU:
        """What cmi5.js does before its first statement: fetch, LaunchData, preferences."""
        token = self.fetch().get_json()["auth-token"]
        self.headers["Authorization"] = f"Basic {token}"
        response = self.xapi("GET", "/activities/state", query_string=self.state_params())
        assert response.status_code == 200, response.get_data(as_text=True)
        self.launch_data = response.get_json()
        if preferences:
            self.read_preferences()
        return self

    def read_preferences(self) -> Any:
        return self.xapi(
            "GET",
            "/agents/profile",
            query_string={"profileId": "cmi5LearnerPreferences", "agent": json.dumps(self.actor)},
        )

    def statement(self, verb: str, *, defined: bool = True, **result: Any) -> dict[str, Any]:
        """A statement as cmi5.js builds it from the contextTemplate: cmi5 defined (with the
        cmi5 category, and moveOn where the result judges) or, if not `defined`, allowed."""
        context = json.loads(json.dumps(self.launch_data["contextTemplate"]))
        context["registration"] = self.params["registration"]
        if verb in ("completed", "passed", "failed", "terminated"):
            result.setdefault("duration", "PT1.5S")
        if verb == "completed":
            result.setdefault("completion", True)
        if verb in ("passed", "failed"):
            result.setdefault("success", verb == "passed")
        if defined:
            categories = [{"id": CMI5}]
            if "success" in result or "completion" in result:
                categories.append({"id": MOVEON})
            context["contextActivities"]["category"] = categories
        statement = {
            "id": str(uuid.uuid4()),
            "timestamp": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
            "actor": self.actor,
            "verb": {"id": VERB + verb},
            "object": {"id": self.params["activityId"]},
            "context": context,
        }
        if result:
            statement["result"] = result
        return statement

    def send(self, statement: dict[str, Any]) -> Any:
        return self.xapi(
            "PUT", "/statements", query_string={"statementId": statement["id"]}, json=statement
        )

    def say(self, *verbs: str) -> list[int]:
        """Send cmi5 defined statements with these verbs, one by one; their status codes."""
        return [self.send(self.statement(verb)).status_code for verb in verbs]


def statements_of(app: Flask, registration: Registration) -> list[dict[str, Any]]:
    """Every statement of the registration, in stored order."""
    return [
        statement
        for _, statement in app.extensions["lrs"].read_from(0)
        if (statement.get("context") or {}).get("registration") == registration.uuid
    ]


def verbs(statements: list[dict[str, Any]]) -> list[str]:
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]
