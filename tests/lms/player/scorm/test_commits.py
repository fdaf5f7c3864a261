"""Commits: ordered, saved once, never overwriting newer data, and told to the LRS as the
xAPI SCORM Profile asks."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from lms import unit_of_work
from lms.db import db
from lms.player import records
from lms.player.scorm import attempts, commits, sending
from lms.player.scorm.interfaces import NotFound, Superseded
from lms.player.scorm.models import PendingStatement
from tests.lms.player.scorm.conftest import (
    ADL,
    attempts_of,
    commit_12,
    commit_2004,
    statements_of,
    verbs_of,
)


def test_the_same_commit_twice_is_saved_once_and_told_to_the_lrs_once(learner12):
    launchable = learner12.launchable()
    session = attempts.open_session(learner12.person, launchable, "CHECK")
    body = commit_12(1, lesson_status="completed", raw="90", min="0", max="100")
    first = commits.apply_commit(learner12.person, launchable, session.attempt_id, 1, body)
    again = commits.apply_commit(learner12.person, launchable, session.attempt_id, 1, body)
    assert (first.applied, again.applied) == (True, False)
    assert verbs_of(learner12.registration, "/scos/CHECK") == ["initialized", "completed"]


def test_an_older_commit_arriving_late_does_not_overwrite_newer_data(learner12):
    launchable = learner12.launchable()
    session = attempts.open_session(learner12.person, launchable, "CHECK")
    newer = commit_12(5, lesson_location="question-5")
    older = commit_12(4, lesson_location="question-4")
    commits.apply_commit(learner12.person, launchable, session.attempt_id, 1, newer)
    outcome = commits.apply_commit(learner12.person, launchable, session.attempt_id, 1, older)
    assert outcome.applied is False
    [attempt] = attempts_of(learner12.registration, "CHECK")
    assert json.loads(attempt.cmi)["cmi"]["core"]["lesson_location"] == "question-5"
    assert (attempt.commit_session, attempt.commit_sequence) == (1, 5)


def test_a_commit_from_a_session_older_than_the_saved_data_is_refused(learner12):
    launchable = learner12.launchable()
    first = attempts.open_session(learner12.person, launchable, "CHECK")
    attempts.open_session(learner12.person, launchable, "CHECK")
    commits.apply_commit(
        learner12.person, launchable, first.attempt_id, 2, commit_12(1, lesson_location="new")
    )
    with pytest.raises(Superseded):
        commits.apply_commit(
            learner12.person,
            launchable,
            first.attempt_id,
            1,
            commit_12(9, lesson_location="old"),
        )
    [attempt] = attempts_of(learner12.registration, "CHECK")
    assert json.loads(attempt.cmi)["cmi"]["core"]["lesson_location"] == "new"


def test_commits_to_sessions_never_opened_or_other_attempts_are_not_found(learner12, learner2004):
    launchable = learner12.launchable()
    session = attempts.open_session(learner12.person, launchable, "CHECK")
    with pytest.raises(NotFound):
        commits.apply_commit(learner12.person, launchable, session.attempt_id, 2, commit_12(1))
    other = attempts.open_session(learner2004.person, learner2004.launchable(), "INTRO")
    with pytest.raises(NotFound):
        commits.apply_commit(learner12.person, launchable, other.attempt_id, 1, commit_12(1))
    with pytest.raises(NotFound):
        attempts.open_session(learner12.person, launchable, "NO-SUCH-SCO")


def test_a_scorm12_course_that_passes_is_told_as_the_profile_asks(learner12):
    launchable = learner12.launchable()
    session = attempts.open_session(learner12.person, launchable, "CHECK")
    attempt_id = session.attempt_id
    interaction = {
        "0": {
            "id": "reasonable-force",
            "type": "true-false",
            "student_response": "t",
            "result": "correct",
            "correct_responses": {"0": {"pattern": "t"}},
        }
    }
    answered = commit_12(
        2, lesson_status="completed", raw="90", min="0", max="100", interactions=interaction
    )
    commits.apply_commit(learner12.person, launchable, attempt_id, 1, answered)
    finished = commit_12(
        3,
        terminate=True,
        lesson_status="completed",
        raw="90",
        min="0",
        max="100",
        session_time="0000:02:00.00",
        interactions=interaction,
    )
    commits.apply_commit(learner12.person, launchable, attempt_id, 1, finished)

    [attempt] = attempts_of(learner12.registration, "CHECK")
    assert (attempt.completion_status, attempt.success_status) == ("completed", "passed")
    assert attempt.score_scaled == 0.9 and attempt.total_seconds == 120 and attempt.ended
    statements = statements_of(learner12.registration)
    verbs = [s["verb"]["id"].removeprefix(ADL) for s in statements]
    assert verbs == [
        "initialized",
        "responded",
        "completed",
        "completed",  # the course
        "passed",
        "terminated",
        "passed",  # the course, once the SCO's result is in
    ]
    course_iri = f"{records.base_url()}/courses/{learner12.course.id}"
    sco_iri = f"{course_iri}/scos/CHECK"
    for statement in statements:
        assert statement["actor"]["account"]["name"] == learner12.person.post_id
        assert statement["context"]["registration"] == learner12.registration.uuid
        category = statement["context"]["contextActivities"]["category"]
        assert category[0]["id"] == "https://w3id.org/xapi/scorm"
    initialized, responded = statements[0], statements[1]
    grouping = [a["id"] for a in initialized["context"]["contextActivities"]["grouping"]]
    assert grouping == [course_iri, f"{sco_iri}?attemptId={attempt.uuid}"]
    assert initialized["object"]["definition"]["type"].endswith("/lesson")
    assert responded["object"]["id"] == f"{sco_iri}/interactions/reasonable-force"
    assert responded["object"]["definition"]["interactionType"] == "true-false"
    assert responded["object"]["definition"]["correctResponsesPattern"] == ["true"]
    assert responded["result"] == {"response": "true", "success": True}
    assert responded["context"]["contextActivities"]["parent"][0]["id"] == sco_iri
    course_passed = statements[6]
    assert course_passed["object"]["id"] == course_iri
    assert course_passed["result"]["success"] is True
    terminated = statements[5]
    assert terminated["result"]["duration"] == "PT02M00S"
    assert terminated["result"]["score"] == {"scaled": 0.9, "raw": 90, "min": 0, "max": 100}
    assert not db.session.scalars(select(PendingStatement)).all()


def test_a_score_below_the_mastery_score_fails(learner12):
    launchable = learner12.launchable()
    session = attempts.open_session(learner12.person, launchable, "CHECK")
    body = commit_12(1, terminate=True, lesson_status="completed", raw="60")
    commits.apply_commit(learner12.person, launchable, session.attempt_id, 1, body)
    [attempt] = attempts_of(learner12.registration, "CHECK")
    assert attempt.success_status == "failed"
    assert "failed" in verbs_of(learner12.registration, f"/courses/{learner12.course.id}")


def test_statements_the_lrs_could_not_take_go_with_the_next_commit(learner12, monkeypatch):
    launchable = learner12.launchable()
    session = attempts.open_session(learner12.person, launchable, "CHECK")
    real_record = records.record

    def failing(statements, **kwargs):
        raise RuntimeError("the LRS is down")

    monkeypatch.setattr(records, "record", failing)
    outcome = commits.apply_commit(
        learner12.person, launchable, session.attempt_id, 1, commit_12(1)
    )
    assert outcome.applied and outcome.statements == 1  # saved and acknowledged all the same
    unit_of_work.commit()  # as after the commit's request
    sending.statement_sender(learner12.registration.id)()
    assert len(db.session.scalars(select(PendingStatement)).all()) == 1
    monkeypatch.setattr(records, "record", real_record)
    commits.apply_commit(
        learner12.person, launchable, session.attempt_id, 1, commit_12(2, terminate=True)
    )
    assert verbs_of(learner12.registration, "/scos/CHECK") == ["initialized", "terminated"]
    assert not db.session.scalars(select(PendingStatement)).all()


def test_a_suspended_session_is_resumed_in_the_lrs_too(learner2004):
    launchable = learner2004.launchable()
    first = attempts.open_session(learner2004.person, launchable, "LESSON")
    suspend = commit_2004(
        2, terminate=True, exit="suspend", location="page-2", nav_request="suspendAll"
    )
    commits.apply_commit(learner2004.person, launchable, first.attempt_id, 1, suspend)
    again = attempts.open_session(learner2004.person, launchable, "LESSON")
    assert again.entry == "resume" and again.data["cmi"]["location"] == "page-2"
    finish = commit_2004(2, terminate=True, exit="normal", completion_status="completed")
    commits.apply_commit(learner2004.person, launchable, first.attempt_id, 2, finish)
    assert verbs_of(learner2004.registration, "/scos/LESSON") == [
        "initialized",
        "suspended",
        "resumed",
        "completed",
        "terminated",
    ]


def test_a_sco_commit_honours_the_posttests_scaled_passing_score(learner2004):
    launchable = learner2004.launchable()
    session = attempts.open_session(learner2004.person, launchable, "POSTTEST")
    assert session.data["cmi"]["scaled_passing_score"] == "0.8"
    body = commit_2004(
        3, terminate=True, completion_status="completed", scaled="0.75", exit="normal"
    )
    commits.apply_commit(learner2004.person, launchable, session.attempt_id, 1, body)
    [attempt] = attempts_of(learner2004.registration, "POSTTEST")
    assert attempt.success_status == "failed"


def test_a_sender_already_running_takes_the_statements_that_wait_meanwhile(learner12, learner2004):
    commits.apply_commit(
        learner12.person,
        learner12.launchable(),
        attempts.open_session(learner12.person, learner12.launchable(), "CHECK").attempt_id,
        1,
        commit_12(1),
    )
    launchable = learner2004.launchable()
    session = attempts.open_session(learner2004.person, launchable, "INTRO")
    commits.apply_commit(learner2004.person, launchable, session.attempt_id, 1, commit_2004(1))
    with sending._SENDING:  # another request's sender is at work
        unit_of_work.commit()  # as after the commit's request
        sending.statement_sender(learner12.registration.id)()
        assert records.store().newest_seq() == 0
    unit_of_work.commit()  # as after the commit's request
    sending.statement_sender(learner2004.registration.id)()
    assert verbs_of(learner12.registration) == ["initialized"]
    assert verbs_of(learner2004.registration) == ["initialized"]
    assert not db.session.scalars(select(PendingStatement)).all()
