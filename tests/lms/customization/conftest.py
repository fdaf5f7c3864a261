"""A customizable cmi5 course ("Radio Procedure", made customizable by a feedback.json and a
questions file in a content_packages/ folder of the test's own), agencies with a sworn LP
administrator, and learners who launch its AU over HTTP as a browser does."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms import unit_of_work
from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person
from lms.catalog.models import Course
from lms.customization import services
from lms.customization.models import CustomizationVersion
from lms.db import db
from lms.packages import bundled
from tests.builders.cmi5 import AUSpec
from tests.builders.cmi5_client import Learner, import_course
from tests.builders.policy import policy_pdf
from tests.conftest import sign_in
from tests.factories import (
    PASSWORD,
    make_administrator,
    make_agency,
    make_officer,
    make_person,
    make_registration,
)

QUESTIONS = {
    "title": "Radio check",
    "topics": [
        {
            "id": "calls",
            "title": "Calling in",
            "questions": [
                {
                    "id": "q01",
                    "prompt": "What do you say first?",
                    "choices": [
                        {"id": "a", "text": "Your unit number"},
                        {"id": "b", "text": "Hello"},
                    ],
                    "answer": "a",
                },
                {
                    "id": "q02",
                    "prompt": "When do you give your location?",
                    "choices": [{"id": "a", "text": "Always"}, {"id": "b", "text": "Never"}],
                    "answer": "a",
                },
            ],
        },
        {
            "id": "ending",
            "title": "Ending a pursuit",
            "questions": [
                {
                    "id": "q03",
                    "prompt": "Who may end a pursuit?",
                    "choices": [{"id": "a", "text": "Anyone in it"}, {"id": "b", "text": "Nobody"}],
                    "answer": "a",
                }
            ],
        },
    ],
}
DEFAULTS = {
    "version": "POST default 2026-12",
    "questions": {
        "q01": {"correct": "Right: the unit first.", "incorrect": "The unit number comes first."},
        "q02": {"correct": "Right: always.", "incorrect": "Always give your location."},
        "q03": {"correct": "Right: anyone.", "incorrect": "Anyone in the pursuit may end it."},
    },
}
SLUG = "radio-procedure"


@pytest.fixture
def sources(tmp_path, monkeypatch):
    """content_packages/ of the test: the Radio Procedure course, customizable."""
    root = tmp_path / "content_packages"
    folder = root / SLUG
    (folder / "package").mkdir(parents=True)
    (folder / "feedback.json").write_text(json.dumps(DEFAULTS))
    (folder / "package" / "questions.json").write_text(json.dumps(QUESTIONS))
    (folder / "course.toml").write_text(
        'title = "Radio Procedure"\nstandard = "cmi5"\n\n'
        '[customization]\nquestions = "package/questions.json"\n'
    )
    monkeypatch.setattr(bundled, "SOURCES", root)
    return root


@dataclass
class World:
    course: Course
    agency: Agency
    admin: Person
    other_agency: Agency
    other_admin: Person


@pytest.fixture
def world(app: Flask, sources, tmp_path) -> World:
    folder = tmp_path / "course"
    folder.mkdir()
    course = import_course(app, folder, [AUSpec(mastery_score="0.8")])
    assert course.slug == SLUG
    agency, other = make_agency("Capitol City PD"), make_agency("Valley County SO")
    return World(
        course=course,
        agency=agency,
        admin=make_administrator(agency, first_name="Morgan"),
        other_agency=other,
        other_admin=make_administrator(other, first_name="Casey"),
    )


def save(person: Person, course: Course, question_id: str, correct: str, incorrect: str) -> None:
    """Save a question's feedback as the editor does, from the revision it holds."""
    with unit_of_work.job():
        place = services.workspace(person, course.id)
        draft = place.draft(question_id)
        services.save_feedback(
            person,
            course.id,
            question_id,
            {"correct": correct, "incorrect": incorrect},
            draft.revision if draft else 0,
        )


def publish(
    person: Person,
    course: Course,
    texts: dict[str, tuple[str, str]] | None = None,
    policy: bytes | None = None,
) -> CustomizationVersion:
    """Customize the questions in `texts`, upload a policy and publish; the new version."""
    for question_id, (correct, incorrect) in (texts or {}).items():
        save(person, course, question_id, correct, incorrect)
    with unit_of_work.job():
        customization = services.workspace(person, course.id).customization
        revision = customization.policy_revision if customization else 0
        data = policy or policy_pdf(f"Policy {uuid.uuid4().hex[:6]}")
        services.upload_policy(person, course.id, data, "pursuit-policy.pdf", revision)
        version = services.publish(person, course.id)
        version_id = version.id
    return db.session.get(CustomizationVersion, version_id)


@pytest.fixture
def learner_of(app: Flask, client: FlaskClient, world: World):
    """learner_of(agency) registers a new officer of the agency for the course, signed in."""

    def make(agency: Agency, client_: FlaskClient | None = None) -> Learner:
        email = f"learner-{uuid.uuid4().hex[:6]}@example.org"
        officer = make_officer(agency, email=email)
        registration = make_registration(officer, world.course)
        browser = client_ or client
        sign_in(browser, email, PASSWORD)
        return Learner(browser, registration, officer)

    return make


def non_sworn_admin(agency: Agency) -> Person:
    return make_person(Role.LP_ADMINISTRATOR, Role.DISPATCHER, agency=agency, post_id="D99-000-099")


def launch_parameters(au: Any) -> dict[str, Any]:
    return json.loads(au.launch_data["launchParameters"])
