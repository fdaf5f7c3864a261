"""Credit integrity, attacked through HTTP as a learner would: a Tin Can launch credential can
neither give its learner another course's CPT nor erase anyone's, and the bridge credits only
what the statement's authority is entitled to (docs/training.md, "Who may give credit")."""

from __future__ import annotations

import base64
import json
import uuid
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from lms.bridge import services as bridge
from lms.db import db
from lms.player import records
from lms.player.identity import actor, course_iri
from lms.training.models import CptEntry
from lrs.errors import NotFound
from tests.factories import (
    certify,
    make_course,
    make_imported_course,
    make_launch_session,
    make_officer,
    make_registration,
)

ACTIVITY = "https://lms.example.org/tincan/radio-procedure"  # the test package's activity
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


@pytest.fixture
def radio(app, tmp_path):
    """A certified Tin Can course."""
    return certify(make_imported_course(tmp_path, "tincan"), number="1850-40000", hours="1")


@pytest.fixture
def pursuit(app):
    """A certified course the attacker never registered on."""
    return make_course("1850-21796", title="Vehicle Pursuit Policy Update")


class Launched:
    """A learner's Tin Can launch, as the launch URL hands it to the content."""

    def __init__(self, client, person, registration) -> None:
        self.client, self.person, self.registration = client, person, registration
        started = make_launch_session(person, registration)
        params = {k: v[0] for k, v in parse_qs(urlsplit(started.url).query).items()}
        self.auth = params["auth"]
        self.actor = json.loads(params["actor"])
        self.key = base64.b64decode(self.auth.split()[1]).decode().split(":")[0]

    def statement(self, verb: str, activity_id: str, **extra: object) -> dict:
        return {
            "id": str(uuid.uuid4()),
            "actor": self.actor,
            "verb": {"id": verb},
            "object": {"objectType": "Activity", "id": activity_id},
            "context": {"registration": self.registration.uuid},
            **extra,
        }

    def post(self, *statements: dict):
        return self.client.post(
            "/xapi/statements",
            json=list(statements),
            headers={"Authorization": self.auth, "X-Experience-API-Version": "2.0.0"},
        )


@pytest.fixture
def attacker(app, client, radio):
    officer = make_officer()
    registration = make_registration(officer, radio)
    return Launched(client, officer, registration)


def entries(person) -> list[CptEntry]:
    db.session.expire_all()
    return db.session.query(CptEntry).filter_by(person_id=person.id).all()


def test_a_launch_credential_cannot_complete_a_course_it_was_not_launched_for(
    app, attacker, pursuit
):
    forged = attacker.statement(COMPLETED, course_iri(pursuit, records.base_url()))
    response = attacker.post(forged)
    assert response.status_code == 403
    assert "object.id" in response.get_json()["error"]
    assert "own course package" in response.get_json()["error"]
    bridge.catch_up()
    assert entries(attacker.person) == []


def test_a_launch_credential_cannot_record_attendance_of_another_course(app, attacker, pursuit):
    forged = attacker.statement(
        ATTENDED, course_iri(pursuit, records.base_url()), result={"duration": "PT2H"}
    )
    assert attacker.post(forged).status_code == 403
    bridge.catch_up()
    assert entries(attacker.person) == []


def test_one_forged_statement_refuses_the_whole_batch(app, attacker, pursuit):
    honest = attacker.statement("http://adlnet.gov/expapi/verbs/experienced", ACTIVITY)
    forged = attacker.statement(COMPLETED, course_iri(pursuit, records.base_url()))
    assert attacker.post(honest, forged).status_code == 403
    with pytest.raises(NotFound):
        records.store().get(honest["id"])


def test_the_launched_course_and_its_own_activities_are_still_written_and_credited(
    app, attacker, radio
):
    question = attacker.statement(
        "http://adlnet.gov/expapi/verbs/answered", f"{ACTIVITY}/questions/1"
    )
    completion = attacker.statement(COMPLETED, ACTIVITY)
    assert attacker.post(question, completion).status_code == 200
    bridge.catch_up()
    (entry,) = entries(attacker.person)
    assert (entry.course_id, entry.statement_id, entry.credited_hours) == (
        radio.id,
        completion["id"],
        Decimal(1),
    )
    assert entry.authority == attacker.key


def test_an_activity_id_that_only_starts_like_the_packages_is_not_its_own(app, attacker):
    lookalike = attacker.statement(COMPLETED, f"{ACTIVITY}-advanced")
    assert attacker.post(lookalike).status_code == 403


def test_completions_from_an_ordinary_credential_give_no_credit(app, client, pursuit):
    """Even scope "all" (a reporting tool POST staff set up) cannot post CPT."""
    officer = make_officer()
    credential, secret = records.store().create_credential("reporting tool", ["all"])
    token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
    statement = {
        "actor": actor(officer, records.base_url()),
        "verb": {"id": COMPLETED},
        "object": {"objectType": "Activity", "id": course_iri(pursuit, records.base_url())},
    }
    response = client.post(
        "/xapi/statements",
        json=statement,
        headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"},
    )
    assert response.status_code == 200  # the LRS stores it: it is a valid statement
    bridge.catch_up()
    assert entries(officer) == []
    assert bridge.cursor_state().skipped_unentitled == 1


@pytest.fixture
def victim_entry(app, pursuit):
    """Another officer's CPT entry, from a completion the portal recorded."""
    victim = make_officer()
    completion = {
        "id": str(uuid.uuid4()),
        "actor": actor(victim, records.base_url()),
        "verb": {"id": COMPLETED},
        "object": {"objectType": "Activity", "id": course_iri(pursuit, records.base_url())},
    }
    records.record([completion])
    bridge.catch_up()
    assert len(entries(victim)) == 1
    return victim, completion["id"]


def test_a_launch_credential_cannot_void_someone_elses_statement(app, attacker, victim_entry):
    victim, statement_id = victim_entry
    voiding = {
        **attacker.statement(VOIDED, ACTIVITY),
        "object": {"objectType": "StatementRef", "id": statement_id},
    }
    response = attacker.post(voiding)
    assert response.status_code == 403
    assert "void only statements it stored itself" in response.get_json()["error"]
    assert records.store().get(statement_id)["id"] == statement_id  # not voided
    bridge.catch_up()
    assert len(entries(victim)) == 1


def test_a_launch_credential_cannot_void_a_statement_before_it_is_stored(app, attacker):
    voiding = {
        **attacker.statement(VOIDED, ACTIVITY),
        "object": {"objectType": "StatementRef", "id": str(uuid.uuid4())},
    }
    assert attacker.post(voiding).status_code == 403


def test_a_launch_credential_may_void_its_own_statement_and_its_credit_goes(app, attacker):
    completion = attacker.statement(COMPLETED, ACTIVITY)
    assert attacker.post(completion).status_code == 200
    bridge.catch_up()
    assert len(entries(attacker.person)) == 1
    voiding = {
        **attacker.statement(VOIDED, ACTIVITY),
        "object": {"objectType": "StatementRef", "id": completion["id"]},
    }
    assert attacker.post(voiding).status_code == 200
    bridge.catch_up()
    assert entries(attacker.person) == []


def test_the_bridge_honours_a_voiding_only_from_the_original_authority_or_the_portal(
    app, client, victim_entry
):
    victim, statement_id = victim_entry
    credential, secret = records.store().create_credential("reporting tool", ["all"])
    token = base64.b64encode(f"{credential.key}:{secret}".encode()).decode()
    voiding = {
        "actor": actor(victim, records.base_url()),
        "verb": {"id": VOIDED},
        "object": {"objectType": "StatementRef", "id": statement_id},
    }
    response = client.post(
        "/xapi/statements",
        json=voiding,
        headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"},
    )
    assert response.status_code == 200  # xAPI lets a full credential void; the CPT stays
    bridge.catch_up()
    assert bridge.cursor_state().skipped_unentitled == 1
    assert len(entries(victim)) == 1


def test_a_voiding_by_the_portal_removes_the_entry(app, victim_entry):
    victim, statement_id = victim_entry
    records.record(
        [
            {
                "actor": actor(victim, records.base_url()),
                "verb": {"id": VOIDED},
                "object": {"objectType": "StatementRef", "id": statement_id},
            }
        ]
    )
    bridge.catch_up()
    assert entries(victim) == []
