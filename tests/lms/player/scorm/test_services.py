"""Attempts, sessions and commits: resumed where the learner left off, ordered, saved once,
and told to the LRS as the xAPI SCORM Profile asks."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from lms.db import db
from lms.player import records
from lms.player.scorm import sending, services, tokens
from lms.player.scorm.interfaces import BadLaunchToken, NotFound, Superseded
from lms.player.scorm.models import PendingStatement, ScoAttempt, SequencingState
from lrs.ops.query import StatementQuery
from tests.factories import make_officer
from tests.lms.player.scorm.conftest import commit_12, commit_2004

ADL = "http://adlnet.gov/expapi/verbs/"


def _statements(registration) -> list[dict]:
    # What the commit endpoint does once the learner has their answer.
    sending.statement_sender(registration.id)()
    page = records.store().query(
        StatementQuery(registration=registration.uuid, ascending=True, limit=500)
    )
    return page.statements


def _verbs(registration, object_suffix: str | None = None) -> list[str]:
    return [
        statement["verb"]["id"].removeprefix(ADL)
        for statement in _statements(registration)
        if object_suffix is None or statement["object"]["id"].endswith(object_suffix)
    ]


def _attempts(registration, sco_id: str) -> list[ScoAttempt]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ScoAttempt)
            .where(ScoAttempt.registration_id == registration.id, ScoAttempt.sco_id == sco_id)
            .order_by(ScoAttempt.number)
        )
    )


def test_a_first_delivery_starts_attempt_one_from_the_beginning(learner12):
    session = services.open_session(learner12.person, learner12.launchable(), "CHECK")
    assert (session.attempt_number, session.number, session.entry) == (1, 1, "ab-initio")
    core = session.data["cmi"]["core"]
    assert core["entry"] == "ab-initio" and core["credit"] == "credit"
    assert session.data["cmi"]["student_data"]["mastery_score"] == "80"


def test_a_suspended_attempt_resumes_where_the_learner_left_off(learner12):
    launchable = learner12.launchable()
    first = services.open_session(learner12.person, launchable, "CHECK")
    body = commit_12(
        3,
        terminate=True,
        exit="suspend",
        lesson_location="question-4",
        suspend_data="answered=1,2,3",
        session_time="0000:05:00.00",
    )
    services.apply_commit(learner12.person, launchable, first.attempt_id, 1, body)
    again = services.open_session(learner12.person, launchable, "CHECK")
    assert (again.attempt_id, again.number, again.entry) == (first.attempt_id, 2, "resume")
    core = again.data["cmi"]["core"]
    assert core["lesson_location"] == "question-4"
    assert again.data["cmi"]["suspend_data"] == "answered=1,2,3"
    assert core["total_time"] == "0000:05:00.00"
    assert _verbs(learner12.registration, "/scos/CHECK") == ["initialized", "suspended"]


def test_after_a_normal_exit_a_scorm2004_sco_starts_a_new_attempt(learner2004):
    launchable = learner2004.launchable()
    first = services.open_session(learner2004.person, launchable, "INTRO")
    body = commit_2004(2, terminate=True, exit="normal", completion_status="completed")
    services.apply_commit(learner2004.person, launchable, first.attempt_id, 1, body)
    again = services.open_session(learner2004.person, launchable, "INTRO")
    assert (again.attempt_number, again.entry) == (2, "ab-initio")
    assert again.attempt_id != first.attempt_id
    assert [a.ended for a in _attempts(learner2004.registration, "INTRO")] == [True, False]


def test_a_scorm12_sco_left_unfinished_keeps_its_attempt_and_data(learner12):
    launchable = learner12.launchable()
    first = services.open_session(learner12.person, launchable, "CHECK")
    body = commit_12(2, terminate=True, lesson_location="question-2")
    services.apply_commit(learner12.person, launchable, first.attempt_id, 1, body)
    again = services.open_session(learner12.person, launchable, "CHECK")
    # SCORM 1.2 RTE 3.4.4: neither a first launch nor a resume, so entry is "".
    assert (again.attempt_id, again.entry) == (first.attempt_id, "")
    assert again.data["cmi"]["core"]["lesson_location"] == "question-2"
    finished = commit_12(2, terminate=True, lesson_status="completed")
    services.apply_commit(learner12.person, launchable, first.attempt_id, 2, finished)
    third = services.open_session(learner12.person, launchable, "CHECK")
    assert (third.attempt_number, third.entry) == (2, "ab-initio")


def test_the_same_commit_twice_is_saved_once_and_told_to_the_lrs_once(learner12):
    launchable = learner12.launchable()
    session = services.open_session(learner12.person, launchable, "CHECK")
    body = commit_12(1, lesson_status="completed", raw="90", min="0", max="100")
    first = services.apply_commit(learner12.person, launchable, session.attempt_id, 1, body)
    again = services.apply_commit(learner12.person, launchable, session.attempt_id, 1, body)
    assert (first.applied, again.applied) == (True, False)
    assert _verbs(learner12.registration, "/scos/CHECK") == ["initialized", "completed"]


def test_an_older_commit_arriving_late_does_not_overwrite_newer_data(learner12):
    launchable = learner12.launchable()
    session = services.open_session(learner12.person, launchable, "CHECK")
    newer = commit_12(5, lesson_location="question-5")
    older = commit_12(4, lesson_location="question-4")
    services.apply_commit(learner12.person, launchable, session.attempt_id, 1, newer)
    outcome = services.apply_commit(learner12.person, launchable, session.attempt_id, 1, older)
    assert outcome.applied is False
    [attempt] = _attempts(learner12.registration, "CHECK")
    assert json.loads(attempt.cmi)["cmi"]["core"]["lesson_location"] == "question-5"
    assert (attempt.commit_session, attempt.commit_sequence) == (1, 5)


def test_a_commit_from_a_session_older_than_the_saved_data_is_refused(learner12):
    launchable = learner12.launchable()
    first = services.open_session(learner12.person, launchable, "CHECK")
    services.open_session(learner12.person, launchable, "CHECK")
    services.apply_commit(
        learner12.person, launchable, first.attempt_id, 2, commit_12(1, lesson_location="new")
    )
    with pytest.raises(Superseded):
        services.apply_commit(
            learner12.person,
            launchable,
            first.attempt_id,
            1,
            commit_12(9, lesson_location="old"),
        )
    [attempt] = _attempts(learner12.registration, "CHECK")
    assert json.loads(attempt.cmi)["cmi"]["core"]["lesson_location"] == "new"


def test_commits_to_sessions_never_opened_or_other_attempts_are_not_found(learner12, learner2004):
    launchable = learner12.launchable()
    session = services.open_session(learner12.person, launchable, "CHECK")
    with pytest.raises(NotFound):
        services.apply_commit(learner12.person, launchable, session.attempt_id, 2, commit_12(1))
    other = services.open_session(learner2004.person, learner2004.launchable(), "INTRO")
    with pytest.raises(NotFound):
        services.apply_commit(learner12.person, launchable, other.attempt_id, 1, commit_12(1))
    with pytest.raises(NotFound):
        services.open_session(learner12.person, launchable, "NO-SUCH-SCO")


def test_a_scorm12_course_that_passes_is_told_as_the_profile_asks(learner12):
    launchable = learner12.launchable()
    session = services.open_session(learner12.person, launchable, "CHECK")
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
    services.apply_commit(learner12.person, launchable, attempt_id, 1, answered)
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
    services.apply_commit(learner12.person, launchable, attempt_id, 1, finished)

    [attempt] = _attempts(learner12.registration, "CHECK")
    assert (attempt.completion_status, attempt.success_status) == ("completed", "passed")
    assert attempt.score_scaled == 0.9 and attempt.total_seconds == 120 and attempt.ended
    statements = _statements(learner12.registration)
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
    session = services.open_session(learner12.person, launchable, "CHECK")
    body = commit_12(1, terminate=True, lesson_status="completed", raw="60")
    services.apply_commit(learner12.person, launchable, session.attempt_id, 1, body)
    [attempt] = _attempts(learner12.registration, "CHECK")
    assert attempt.success_status == "failed"
    assert "failed" in _verbs(learner12.registration, f"/courses/{learner12.course.id}")


def test_statements_the_lrs_could_not_take_go_with_the_next_commit(learner12, monkeypatch):
    launchable = learner12.launchable()
    session = services.open_session(learner12.person, launchable, "CHECK")
    real_record = records.record

    def failing(statements, **kwargs):
        raise RuntimeError("the LRS is down")

    monkeypatch.setattr(records, "record", failing)
    outcome = services.apply_commit(
        learner12.person, launchable, session.attempt_id, 1, commit_12(1)
    )
    assert outcome.applied and outcome.statements == 1  # saved and acknowledged all the same
    sending.statement_sender(learner12.registration.id)()
    assert len(db.session.scalars(select(PendingStatement)).all()) == 1
    monkeypatch.setattr(records, "record", real_record)
    services.apply_commit(
        learner12.person, launchable, session.attempt_id, 1, commit_12(2, terminate=True)
    )
    assert _verbs(learner12.registration, "/scos/CHECK") == ["initialized", "terminated"]
    assert not db.session.scalars(select(PendingStatement)).all()


def test_a_suspended_session_is_resumed_in_the_lrs_too(learner2004):
    launchable = learner2004.launchable()
    first = services.open_session(learner2004.person, launchable, "LESSON")
    suspend = commit_2004(
        2, terminate=True, exit="suspend", location="page-2", nav_request="suspendAll"
    )
    services.apply_commit(learner2004.person, launchable, first.attempt_id, 1, suspend)
    again = services.open_session(learner2004.person, launchable, "LESSON")
    assert again.entry == "resume" and again.data["cmi"]["location"] == "page-2"
    finish = commit_2004(2, terminate=True, exit="normal", completion_status="completed")
    services.apply_commit(learner2004.person, launchable, first.attempt_id, 2, finish)
    assert _verbs(learner2004.registration, "/scos/LESSON") == [
        "initialized",
        "suspended",
        "resumed",
        "completed",
        "terminated",
    ]


def test_a_sco_commit_honours_the_posttests_scaled_passing_score(learner2004):
    launchable = learner2004.launchable()
    session = services.open_session(learner2004.person, launchable, "POSTTEST")
    assert session.data["cmi"]["scaled_passing_score"] == "0.8"
    body = commit_2004(
        3, terminate=True, completion_status="completed", scaled="0.75", exit="normal"
    )
    services.apply_commit(learner2004.person, launchable, session.attempt_id, 1, body)
    [attempt] = _attempts(learner2004.registration, "POSTTEST")
    assert attempt.success_status == "failed"


def _sequencing(sequence: int, completion="unknown", success="unknown", score=None) -> str:
    return json.dumps(
        {
            "sequence": sequence,
            "state": json.dumps({"version": "1.0", "sequence": sequence}),
            "course": {"completion": completion, "success": success, "scoreScaled": score},
        }
    )


def test_sequencing_saves_are_ordered_and_the_root_status_is_the_courses(learner2004):
    launchable = learner2004.launchable()
    launch = services.open_player(learner2004.person, launchable).launch
    person = learner2004.person
    assert services.save_sequencing_state(person, launchable, launch, _sequencing(2))
    assert not services.save_sequencing_state(person, launchable, launch, _sequencing(1))
    newer = services.open_player(person, launchable).launch
    done = _sequencing(1, "completed", "passed", 0.9)
    assert services.save_sequencing_state(person, launchable, newer, done)
    with pytest.raises(Superseded):
        services.save_sequencing_state(person, launchable, launch, _sequencing(3))
    state = db.session.get(SequencingState, learner2004.registration.id)
    assert json.loads(state.state) == {"version": "1.0", "sequence": 1}
    assert (state.course_completion, state.course_success) == ("completed", "passed")
    course_verbs = _verbs(learner2004.registration, f"/courses/{learner2004.course.id}")
    assert course_verbs == ["completed", "passed"]
    # Saying it again tells the LRS nothing new.
    services.save_sequencing_state(
        person, launchable, newer, _sequencing(2, "completed", "passed", 0.9)
    )
    assert _verbs(learner2004.registration, f"/courses/{learner2004.course.id}") == course_verbs
    player = services.open_player(person, launchable)
    assert json.loads(player.sequencing_state)["sequence"] == 2


def test_a_launch_token_is_for_one_person_and_registration(learner12, learner2004):
    token = tokens.launch_token(learner12.person, learner12.registration.id, 3)
    assert tokens.check_launch_token(learner12.person, learner12.registration.id, token) == 3
    with pytest.raises(BadLaunchToken):
        tokens.check_launch_token(learner2004.person, learner12.registration.id, token)
    with pytest.raises(BadLaunchToken):
        tokens.check_launch_token(learner12.person, learner2004.registration.id, token)
    with pytest.raises(BadLaunchToken):
        tokens.check_launch_token(learner12.person, learner12.registration.id, token + "x")
    with pytest.raises(BadLaunchToken):
        tokens.check_launch_token(make_officer(), learner12.registration.id, None)


def test_the_player_opens_the_scorm12_sco_left_unfinished(learner12):
    launchable = learner12.launchable()
    player = services.open_player(learner12.person, launchable)
    assert player.first_sco == "CHECK" and player.activity_tree is None
    assert [sco.id for sco in player.scos] == ["CHECK"]
    again = services.open_player(learner12.person, launchable)
    assert again.launch == player.launch + 1


def test_attempt_history_lists_every_attempt_newest_first(learner2004):
    launchable = learner2004.launchable()
    person = learner2004.person
    first = services.open_session(person, launchable, "INTRO")
    finish = commit_2004(1, terminate=True, exit="normal", completion_status="completed")
    services.apply_commit(person, launchable, first.attempt_id, 1, finish)
    services.open_session(person, launchable, "INTRO")
    history = dict((sco.id, attempts) for sco, attempts in services.attempt_history(launchable))
    assert [attempt.number for attempt in history["INTRO"]] == [2, 1]
    assert history["POSTTEST"] == []


def test_a_sender_already_running_takes_the_statements_that_wait_meanwhile(learner12, learner2004):
    services.apply_commit(
        learner12.person,
        learner12.launchable(),
        services.open_session(learner12.person, learner12.launchable(), "CHECK").attempt_id,
        1,
        commit_12(1),
    )
    launchable = learner2004.launchable()
    session = services.open_session(learner2004.person, launchable, "INTRO")
    services.apply_commit(learner2004.person, launchable, session.attempt_id, 1, commit_2004(1))
    with sending._SENDING:  # another request's sender is at work
        sending.statement_sender(learner12.registration.id)()
        assert records.store().newest_seq() == 0
    sending.statement_sender(learner2004.registration.id)()
    assert _verbs(learner12.registration) == ["initialized"]
    assert _verbs(learner2004.registration) == ["initialized"]
    assert not db.session.scalars(select(PendingStatement)).all()
