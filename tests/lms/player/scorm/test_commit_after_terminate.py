"""A session ends with its Terminate: a later commit to it is refused with nothing written, its
statements are sent once, and nothing is left waiting in the pending queue."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from lms import unit_of_work
from lms.db import db, utcnow
from lms.player import records
from lms.player.scorm import attempts, commits, sending
from lms.player.scorm.interfaces import SessionTerminated
from lms.player.scorm.models import PendingStatement
from lrs.ops.query import StatementQuery
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.lms.player.scorm.conftest import (
    attempts_of,
    commit_12,
    commit_2004,
    player_settings,
    verbs_of,
)


def _open_sco(client: FlaskClient, registration_id: int, sco_id: str) -> dict:
    settings = player_settings(client, registration_id)
    response = client.post(settings["urls"]["session"].replace("SCO_ID", sco_id), data="{}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _commit(client: FlaskClient, session: dict, body: str):
    response = client.post(session["commitUrl"], data=body, content_type="text/plain")
    response.close()  # the server sends the commit's statements once the answer is out
    return response


def _pending() -> list[PendingStatement]:
    return list(db.session.scalars(select(PendingStatement)))


def test_a_second_terminate_commit_is_refused_with_409_and_nothing_is_written(
    client, learner12, caplog
):
    sign_in(client, "pat@example.org", PASSWORD)
    session = _open_sco(client, learner12.registration.id, "CHECK")
    first = commit_12(1, terminate=True, lesson_location="q-3", session_time="0000:01:00.00")
    assert _commit(client, session, first).status_code == 200
    [saved] = attempts_of(learner12.registration, "CHECK")
    before = (saved.cmi, saved.commit_sequence, saved.total_seconds, saved.terminated_at)

    again = commit_12(
        2,
        terminate=True,
        lesson_location="q-9",
        lesson_status="completed",
        session_time="0000:05:00.00",
    )
    with caplog.at_level(logging.ERROR):
        refused = _commit(client, session, again)
        later = _commit(client, session, commit_12(3, lesson_location="q-10"))

    assert refused.status_code == 409
    body = refused.get_json()
    assert body["result"] is False and body["errorCode"] == 101
    assert body["field"] == "session" and "after Terminate" in body["message"]
    assert later.status_code == 409
    [attempt] = attempts_of(learner12.registration, "CHECK")
    after = (attempt.cmi, attempt.commit_sequence, attempt.total_seconds, attempt.terminated_at)
    assert after == before
    assert verbs_of(learner12.registration, "/scos/CHECK") == ["initialized", "terminated"]
    assert _pending() == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_beacon_copy_of_the_terminate_commit_is_still_acknowledged(client, learner12):
    sign_in(client, "pat@example.org", PASSWORD)
    session = _open_sco(client, learner12.registration.id, "CHECK")
    terminate = commit_12(4, terminate=True, lesson_location="q-3")
    assert _commit(client, session, terminate).status_code == 200
    copy = _commit(client, session, terminate)
    assert copy.status_code == 200 and copy.get_json()["applied"] is False


def test_after_terminate_the_next_session_of_the_attempt_takes_commits(learner2004):
    launchable = learner2004.launchable()
    first = attempts.open_session(learner2004.person, launchable, "LESSON")
    suspend = commit_2004(2, terminate=True, exit="suspend", location="page-2")
    commits.apply_commit(learner2004.person, launchable, first.attempt_id, 1, suspend)
    with pytest.raises(SessionTerminated):
        commits.apply_commit(
            learner2004.person, launchable, first.attempt_id, 1, commit_2004(3, location="x")
        )
    second = attempts.open_session(learner2004.person, launchable, "LESSON")
    assert (second.attempt_id, second.number, second.entry) == (first.attempt_id, 2, "resume")
    finish = commit_2004(1, terminate=True, exit="normal", completion_status="completed")
    outcome = commits.apply_commit(learner2004.person, launchable, first.attempt_id, 2, finish)
    assert outcome.applied and outcome.status.ended
    unit_of_work.commit()  # as after the commit's request
    sending.statement_sender(learner2004.registration.id)()
    assert _pending() == []


def _stored(registration) -> list[dict]:
    page = records.store().query(
        StatementQuery(registration=registration.uuid, ascending=True, limit=500)
    )
    return page.statements


def _as_sent(statement: dict) -> dict:
    """A stored statement as the portal sent it, without what the LRS added."""
    return {k: v for k, v in statement.items() if k not in ("stored", "authority", "version")}


def test_a_statement_the_lrs_refuses_for_good_leaves_the_queue_and_the_others_go(learner12, caplog):
    launchable = learner12.launchable()
    session = attempts.open_session(learner12.person, launchable, "CHECK")
    commits.apply_commit(
        learner12.person, launchable, session.attempt_id, 1, commit_12(1, terminate=True)
    )
    unit_of_work.commit()  # as after the commit's request
    sending.statement_sender(learner12.registration.id)()
    [terminated] = [
        _as_sent(s)
        for s in _stored(learner12.registration)
        if s["verb"]["id"].endswith("/terminated")
    ]
    # What a second Terminate queued before commits after Terminate were refused: the same
    # id as a stored statement, with other content.
    conflicting = {**terminated, "timestamp": "2030-01-01T00:00:00Z"}
    good = {**terminated, "id": "8e3a1b5c-2f44-4c1e-9a4e-6f1d2c3b4a50"}
    now = utcnow()
    for position, statement in enumerate((conflicting, good)):
        db.session.add(
            PendingStatement(
                id=statement["id"],
                registration_id=learner12.registration.id,
                statement=json.dumps(statement),
                created_at=now + dt.timedelta(microseconds=position),
            )
        )
    db.session.commit()

    with caplog.at_level(logging.ERROR):
        sending.record_pending([learner12.registration.id])
        sending.record_pending([learner12.registration.id])

    assert _pending() == []
    assert good["id"] in {s["id"] for s in _stored(learner12.registration)}
    dropped = [r for r in caplog.records if "for good" in r.getMessage()]
    assert len(dropped) == 1 and conflicting["id"] in dropped[0].getMessage()
