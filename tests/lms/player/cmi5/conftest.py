"""A cmi5 course imported and published, a learner registered for it, and an AU that speaks
to the portal over HTTP the way a real one does (`packages` builds the course package)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.builders.cmi5 import AUSpec
from tests.builders.cmi5_client import (  # noqa: F401 (the cmi5 tests import them from here)
    ADL_VERB,
    AU,
    CMI5,
    FRAME_SRC,
    MASTERY,
    MOVEON,
    SESSION_ID,
    VERB,
    Learner,
    import_course,
    statements_of,
    verbs,
)
from tests.conftest import sign_in
from tests.factories import PASSWORD, make_officer, make_registration


@pytest.fixture
def enrol(app: Flask, client: FlaskClient, tmp_path):
    """enrol(aus) imports a course of those AUs and signs in a learner registered for it."""

    def make(aus: list[AUSpec] | None = None, **options: Any) -> Learner:
        course = import_course(app, tmp_path, aus, **options)
        email = f"learner-{uuid.uuid4().hex[:6]}@example.org"
        officer = make_officer(email=email)
        registration = make_registration(officer, course)
        sign_in(client, email, PASSWORD)
        return Learner(client, registration, officer)

    return make
