"""Fixtures of the SCORM runtime's tests: the browser tests' small packages, imported and
registered for, and commit bodies as the player sends them."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from lms import unit_of_work
from lms.accounts.models import Person
from lms.catalog.models import Course, Registration
from lms.db import db
from lms.player import launch, records
from lms.player.scorm import sending
from lms.player.scorm.models import ScoAttempt
from lrs.ops.query import StatementQuery
from tests.builders.scorm import PACKAGES, SCORM12, SCORM2004, zip_package
from tests.conftest import CONTENT_BASE_URL
from tests.factories import make_officer, make_published_course, make_registration

ADL = "http://adlnet.gov/expapi/verbs/"


def import_course(app: Flask, name: str, folder: Path) -> Course:
    """One of the test packages imported and published."""
    return import_course_from(app, PACKAGES / name, folder)


def import_course_from(app: Flask, source: Path, folder: Path) -> Course:
    folder.mkdir(parents=True, exist_ok=True)
    return make_published_course(zip_package(source, folder), folder)


@dataclass
class Learner:
    person: Person
    course: Course
    registration: Registration

    def launchable(self) -> launch.Launchable:
        return launch.launchable(self.person, self.registration.id)


def _learner(app: Flask, name: str, folder: Path, email: str) -> Learner:
    course = import_course(app, name, folder)
    person = make_officer(email=email)
    return Learner(person, course, make_registration(person, course))


@pytest.fixture
def learner12(app: Flask, tmp_path: Path) -> Learner:
    return _learner(app, SCORM12, tmp_path / "p12", "pat@example.org")


@pytest.fixture
def learner2004(app: Flask, tmp_path: Path) -> Learner:
    return _learner(app, SCORM2004, tmp_path / "p2004", "sam@example.org")


def commit_12(sequence: int, *, terminate: bool = False, **core: Any) -> str:
    """A SCORM 1.2 commit as scorm-again and the player send it."""
    interactions = core.pop("interactions", {})
    suspend_data = core.pop("suspend_data", "")
    committed_at = core.pop("committed_at", None)
    score = {key: core.pop(key) for key in ("raw", "min", "max") if key in core}
    body: dict[str, Any] = {
        "cmi": {
            "suspend_data": suspend_data,
            "core": {"lesson_status": "incomplete", "exit": "", "score": score, **core},
            "interactions": interactions,
        },
        "commitSequence": sequence,
    }
    if terminate:
        body["terminate"] = True
    if committed_at:
        body["committedAt"] = committed_at
    return json.dumps(body)


def commit_2004(
    sequence: int, *, terminate: bool = False, nav_request: str = "_none_", **cmi: Any
) -> str:
    """A SCORM 2004 commit as scorm-again and the player send it."""
    score = {key: cmi.pop(key) for key in ("scaled", "raw", "min", "max") if key in cmi}
    body: dict[str, Any] = {
        "cmi": {
            "completion_status": "incomplete",
            "success_status": "unknown",
            "exit": "",
            "score": score,
            **cmi,
        },
        "commitSequence": sequence,
        "navRequest": nav_request,
    }
    if terminate:
        body["terminate"] = True
    return json.dumps(body)


def statements_of(registration) -> list[dict]:
    # What the commit endpoint does once the learner has their answer, after the request's
    # unit of work is committed: what the test wrote so far (a test is its own unit) is too.
    unit_of_work.commit()
    sending.statement_sender(registration.id)()
    page = records.store().query(
        StatementQuery(registration=registration.uuid, ascending=True, limit=500)
    )
    return page.statements


def verbs_of(registration, object_suffix: str | None = None) -> list[str]:
    return [
        statement["verb"]["id"].removeprefix(ADL)
        for statement in statements_of(registration)
        if object_suffix is None or statement["object"]["id"].endswith(object_suffix)
    ]


def attempts_of(registration, sco_id: str) -> list[ScoAttempt]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ScoAttempt)
            .where(ScoAttempt.registration_id == registration.id, ScoAttempt.sco_id == sco_id)
            .order_by(ScoAttempt.number)
        )
    )


PLAYER_SETTINGS = re.compile(
    r'<script type="application/json" id="scorm-settings">(.*?)</script>', re.S
)


def player_page(client: FlaskClient, registration_id: int) -> TestResponse:
    """The player page as the browser reaches it: the portal's door (the client's signed-in
    session) sends it on to the content origin with a ticket."""
    door = client.get(f"/registrations/{registration_id}/scorm")
    assert door.status_code == 303, door.get_data(as_text=True)
    assert door.headers["Location"].startswith(f"{CONTENT_BASE_URL}/")
    return client.get(door.headers["Location"])


def player_settings(client: FlaskClient, registration_id: int) -> dict[str, Any]:
    """What the player page gives scorm-again and the glue (its runtime URLs included)."""
    page = player_page(client, registration_id)
    assert page.status_code == 200, page.get_data(as_text=True)
    found = PLAYER_SETTINGS.search(page.get_data(as_text=True))
    return json.loads(html.unescape(found.group(1)))
