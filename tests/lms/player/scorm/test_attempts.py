"""Which attempt a delivery belongs to: new, resumed where the learner left off, or
continued; and the history of them all."""

from __future__ import annotations

import json

from lms.player.scorm import attempts, commits
from tests.lms.player.scorm.conftest import (
    attempts_of,
    commit_12,
    commit_2004,
    verbs_of,
)


def test_a_first_delivery_starts_attempt_one_from_the_beginning(learner12):
    session = attempts.open_session(learner12.person, learner12.launchable(), "CHECK")
    assert (session.attempt_number, session.number, session.entry) == (1, 1, "ab-initio")
    core = session.data["cmi"]["core"]
    assert core["entry"] == "ab-initio" and core["credit"] == "credit"
    assert session.data["cmi"]["student_data"]["mastery_score"] == "80"


def test_a_suspended_attempt_resumes_where_the_learner_left_off(learner12):
    launchable = learner12.launchable()
    first = attempts.open_session(learner12.person, launchable, "CHECK")
    body = commit_12(
        3,
        terminate=True,
        exit="suspend",
        lesson_location="question-4",
        suspend_data="answered=1,2,3",
        session_time="0000:05:00.00",
    )
    commits.apply_commit(learner12.person, launchable, first.attempt_id, 1, body)
    again = attempts.open_session(learner12.person, launchable, "CHECK")
    assert (again.attempt_id, again.number, again.entry) == (first.attempt_id, 2, "resume")
    core = again.data["cmi"]["core"]
    assert core["lesson_location"] == "question-4"
    assert again.data["cmi"]["suspend_data"] == "answered=1,2,3"
    assert core["total_time"] == "0000:05:00.00"
    assert verbs_of(learner12.registration, "/scos/CHECK") == ["initialized", "suspended"]


def test_after_a_normal_exit_a_scorm2004_sco_starts_a_new_attempt(learner2004):
    launchable = learner2004.launchable()
    first = attempts.open_session(learner2004.person, launchable, "INTRO")
    body = commit_2004(2, terminate=True, exit="normal", completion_status="completed")
    commits.apply_commit(learner2004.person, launchable, first.attempt_id, 1, body)
    again = attempts.open_session(learner2004.person, launchable, "INTRO")
    assert (again.attempt_number, again.entry) == (2, "ab-initio")
    assert again.attempt_id != first.attempt_id
    assert [a.ended for a in attempts_of(learner2004.registration, "INTRO")] == [True, False]


def test_a_scorm12_sco_left_unfinished_keeps_its_attempt_and_data(learner12):
    launchable = learner12.launchable()
    first = attempts.open_session(learner12.person, launchable, "CHECK")
    body = commit_12(2, terminate=True, lesson_location="question-2")
    commits.apply_commit(learner12.person, launchable, first.attempt_id, 1, body)
    again = attempts.open_session(learner12.person, launchable, "CHECK")
    # SCORM 1.2 RTE 3.4.4: neither a first launch nor a resume, so entry is "".
    assert (again.attempt_id, again.entry) == (first.attempt_id, "")
    assert again.data["cmi"]["core"]["lesson_location"] == "question-2"
    finished = commit_12(2, terminate=True, lesson_status="completed")
    commits.apply_commit(learner12.person, launchable, first.attempt_id, 2, finished)
    third = attempts.open_session(learner12.person, launchable, "CHECK")
    assert (third.attempt_number, third.entry) == (2, "ab-initio")


def test_attempt_history_lists_every_attempt_newest_first(learner2004):
    launchable = learner2004.launchable()
    person = learner2004.person
    first = attempts.open_session(person, launchable, "INTRO")
    finish = commit_2004(1, terminate=True, exit="normal", completion_status="completed")
    commits.apply_commit(person, launchable, first.attempt_id, 1, finish)
    attempts.open_session(person, launchable, "INTRO")
    history = dict((sco.id, attempts) for sco, attempts in attempts.attempt_history(launchable))
    assert [attempt.number for attempt in history["INTRO"]] == [2, 1]
    assert history["POSTTEST"] == []


def test_exit_all_ends_a_scorm2004_attempt_the_sco_left_suspended(learner2004):
    launchable = learner2004.launchable()
    person = learner2004.person
    intro = attempts.open_session(person, launchable, "INTRO")
    suspended = commit_2004(2, terminate=True, exit="suspend", location="intro-2")
    commits.apply_commit(person, launchable, intro.attempt_id, 1, suspended)
    lesson = attempts.open_session(person, launchable, "LESSON")
    # SN TB.2.3: Exit All ends the attempt on the root, whatever cmi.exit the SCO set.
    exit_all = commit_2004(
        3, terminate=True, nav_request="exitAll", exit="suspend", location="page-2"
    )
    outcome = commits.apply_commit(person, launchable, lesson.attempt_id, 1, exit_all)
    assert outcome.status.ended and not outcome.status.suspended
    assert verbs_of(learner2004.registration, "/scos/LESSON") == ["initialized", "terminated"]
    for sco_id in ("INTRO", "LESSON"):
        again = attempts.open_session(person, launchable, sco_id)
        assert (again.attempt_number, again.entry) == (2, "ab-initio")
        assert again.data["cmi"].get("location", "") == ""
    # The ended attempts keep their data.
    [first_lesson, _] = attempts_of(learner2004.registration, "LESSON")
    assert first_lesson.ended and not first_lesson.suspended and first_lesson.exit == "suspend"
    assert '"location":"page-2"' in first_lesson.cmi
    [first_intro, _] = attempts_of(learner2004.registration, "INTRO")
    assert first_intro.ended and not first_intro.suspended


def test_the_players_exit_ends_a_scorm12_attempt_the_sco_left_suspended(learner12):
    launchable = learner12.launchable()
    first = attempts.open_session(learner12.person, launchable, "CHECK")
    body = json.loads(commit_12(2, terminate=True, exit="suspend", lesson_location="q-2"))
    body["navRequest"] = "exitAll"
    commits.apply_commit(learner12.person, launchable, first.attempt_id, 1, json.dumps(body))
    again = attempts.open_session(learner12.person, launchable, "CHECK")
    assert (again.attempt_number, again.entry) == (2, "ab-initio")
    assert again.data["cmi"]["core"].get("lesson_location", "") == ""
    assert verbs_of(learner12.registration, "/scos/CHECK") == ["initialized", "terminated"]


def test_the_players_suspend_of_a_scorm12_sco_resumes_it(learner12):
    launchable = learner12.launchable()
    first = attempts.open_session(learner12.person, launchable, "CHECK")
    body = json.loads(commit_12(2, terminate=True, exit="suspend", lesson_location="q-2"))
    body["navRequest"] = "suspendAll"
    commits.apply_commit(learner12.person, launchable, first.attempt_id, 1, json.dumps(body))
    again = attempts.open_session(learner12.person, launchable, "CHECK")
    assert (again.attempt_id, again.entry) == (first.attempt_id, "resume")
    assert again.data["cmi"]["core"]["lesson_location"] == "q-2"


def test_an_attempt_whose_sco_never_started_is_opened_again_from_the_beginning(learner2004):
    launchable = learner2004.launchable()
    person = learner2004.person
    first = attempts.open_session(person, launchable, "INTRO")
    # The SCO never called Initialize, so the player never committed: nothing was recorded.
    [opened] = attempts_of(learner2004.registration, "INTRO")
    assert opened.commit_session == 0 and opened.completion_status == "not attempted"
    again = attempts.open_session(person, launchable, "INTRO")
    assert (again.attempt_id, again.number, again.entry) == (first.attempt_id, 2, "ab-initio")
    assert again.data["cmi"]["entry"] == "ab-initio"
    assert verbs_of(learner2004.registration) == []
