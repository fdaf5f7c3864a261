"""A commit's body is read strictly, whatever it came as, and the LMS applies SCORM's rules."""

from __future__ import annotations

import json

import pytest

from lms.player.scorm import cmi
from lms.player.scorm.interfaces import BadCommit
from lms.player.scorm.settings import Sco
from tests.lms.player.scorm.conftest import commit_12, commit_2004


def _sco(**values) -> Sco:
    fields = {
        "id": "SCO",
        "title": "A SCO",
        "launch": "index.html",
        "scorm_type": "sco",
        "mastery_score": None,
        "data_from_lms": None,
        "max_time_allowed": None,
        "time_limit_action": None,
        "completion_threshold": None,
        "scaled_passing_score": None,
        "hide_lms_ui": (),
    }
    return Sco(**{**fields, **values})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("not json", "body"),
        ("[1, 2]", "body"),
        ('{"commitSequence": 1}', "cmi"),
        ('{"cmi": {}, "commitSequence": "1"}', "commitSequence"),
        ('{"cmi": {}, "commitSequence": 0}', "commitSequence"),
        ('{"cmi": {}, "commitSequence": true}', "commitSequence"),
        ('{"cmi": {}, "commitSequence": 1, "terminate": "yes"}', "terminate"),
        ('{"cmi": {}, "commitSequence": 1, "navRequest": "jump"}', "navRequest"),
        ('{"cmi": {}, "commitSequence": 1, "committedAt": "yesterday"}', "committedAt"),
        (
            '{"cmi": {"core": {"lesson_status": "done"}}, "commitSequence": 1}',
            "cmi.core.lesson_status",
        ),
        (
            '{"cmi": {"core": {"score": {"raw": "lots"}}}, "commitSequence": 1}',
            "cmi.core.score.raw",
        ),
        (
            '{"cmi": {"core": {"session_time": "90s"}}, "commitSequence": 1}',
            "cmi.core.session_time",
        ),
        ('{"cmi": {"core": {"exit": "quit"}}, "commitSequence": 1}', "cmi.core.exit"),
        ('{"cmi": {"suspend_data": "a\\u0000b"}, "commitSequence": 1}', "cmi.suspend_data"),
        ('{"cmi": {"interactions": {"x": {}}}, "commitSequence": 1}', "cmi.interactions.x"),
    ],
)
def test_a_bad_scorm12_commit_is_refused_naming_the_field(body, field):
    with pytest.raises(BadCommit) as refused:
        cmi.read_commit("scorm12", body)
    assert refused.value.field == field


def test_suspend_data_longer_than_scorm_allows_is_refused():
    with pytest.raises(BadCommit) as refused:
        cmi.read_commit("scorm12", commit_12(1, suspend_data="x" * 4097))
    assert "4096" in refused.value.message
    assert cmi.read_commit("scorm2004", commit_2004(1, suspend_data="x" * 64000))


@pytest.mark.parametrize(
    ("cmi_data", "field"),
    [
        ({"completion_status": "finished"}, "cmi.completion_status"),
        ({"success_status": "ok"}, "cmi.success_status"),
        ({"score": {"scaled": "1.5"}}, "cmi.score.scaled"),
        ({"progress_measure": "2"}, "cmi.progress_measure"),
        ({"session_time": "01:00:00"}, "cmi.session_time"),
        ({"exit": "time-out"}, "cmi.exit"),
    ],
)
def test_a_bad_scorm2004_commit_is_refused_naming_the_element(cmi_data, field):
    body = json.dumps({"cmi": cmi_data, "commitSequence": 1})
    with pytest.raises(BadCommit) as refused:
        cmi.read_commit("scorm2004", body)
    assert refused.value.field == field


def test_scorm12_status_maps_onto_completion_and_success():
    facts = cmi.read_commit("scorm12", commit_12(1, lesson_status="passed")).facts
    assert (facts.completion, facts.success) == ("completed", "passed")
    facts = cmi.read_commit("scorm12", commit_12(1, lesson_status="browsed")).facts
    assert (facts.completion, facts.success) == ("incomplete", "unknown")


def test_a_scorm12_raw_score_is_scaled_by_its_range():
    facts = cmi.read_commit("scorm12", commit_12(1, raw="45", min="0", max="50")).facts
    assert facts.score.scaled == 0.9
    facts = cmi.read_commit("scorm12", commit_12(1, raw="85")).facts
    assert facts.score.scaled == 0.85


def test_times_are_read_in_each_standards_format():
    assert cmi.timespan_seconds("0001:02:03.50", "t") == 3723.5
    assert cmi.duration_seconds("PT1H2M3.5S", "t") == 3723.5
    assert cmi.duration_seconds("P1DT1S", "t") == 86401
    assert cmi.timespan_12(3723.5) == "0001:02:03.50"
    assert cmi.duration_2004(3723.5) == "PT1H2M3.50S"
    with pytest.raises(BadCommit):
        cmi.duration_seconds("PT", "t")


def test_the_mastery_score_decides_passed_or_failed_when_the_sco_finishes():
    sco = _sco(mastery_score=80)
    finished = cmi.read_commit(
        "scorm12", commit_12(2, terminate=True, lesson_status="completed", raw="75")
    )
    assert cmi.evaluate("scorm12", sco, finished) == cmi.Evaluated("completed", "failed")
    passed = cmi.read_commit("scorm12", commit_12(2, terminate=True, raw="80"))
    assert cmi.evaluate("scorm12", sco, passed) == cmi.Evaluated("completed", "passed")
    # Mid-session the SCO's own status stands: a running score is not yet a result.
    running = cmi.read_commit("scorm12", commit_12(1, raw="10"))
    assert cmi.evaluate("scorm12", sco, running) == cmi.Evaluated("incomplete", "unknown")


def test_completion_threshold_and_scaled_passing_score_decide_for_scorm2004():
    sco = _sco(completion_threshold=0.8, scaled_passing_score=0.7)
    commit = cmi.read_commit(
        "scorm2004",
        commit_2004(1, completion_status="completed", progress_measure="0.5", scaled="0.75"),
    )
    assert cmi.evaluate("scorm2004", sco, commit) == cmi.Evaluated("incomplete", "passed")
    commit = cmi.read_commit(
        "scorm2004",
        commit_2004(1, progress_measure="0.8", scaled="0.2", success_status="passed"),
    )
    assert cmi.evaluate("scorm2004", sco, commit) == cmi.Evaluated("completed", "failed")
    # Without a threshold or passing score the SCO's statuses stand.
    commit = cmi.read_commit("scorm2004", commit_2004(1, completion_status="completed"))
    assert cmi.evaluate("scorm2004", _sco(), commit) == cmi.Evaluated("completed", "unknown")


def test_a_resumed_scorm12_session_starts_from_the_saved_data_with_the_lms_values():
    sco = _sco(mastery_score=80, data_from_lms="lang=en", max_time_allowed="0000:30:00")
    stored = json.loads(
        commit_12(
            4,
            lesson_location="page-3",
            suspend_data="seen=1,2",
            exit="suspend",
            session_time="0000:10:00",
            interactions={"0": {"id": "q1"}},
        )
    )
    learner = cmi.Learner(id="A01-001-001", name="Rivera, Alex")
    data = cmi.session_data("scorm12", sco, stored, "resume", 600, learner)["cmi"]
    core = data["core"]
    assert core["lesson_location"] == "page-3" and data["suspend_data"] == "seen=1,2"
    assert (core["entry"], core["credit"], core["lesson_mode"]) == ("resume", "credit", "normal")
    assert core["student_id"] == "A01-001-001" and core["student_name"] == "Rivera, Alex"
    assert core["total_time"] == "0000:10:00.00"
    assert "exit" not in core and "session_time" not in core
    # cmi.interactions are write-only in SCORM 1.2: not given back to the SCO.
    assert "interactions" not in data
    assert data["launch_data"] == "lang=en"
    assert data["student_data"]["mastery_score"] == "80"
    assert data["student_data"]["max_time_allowed"] == "0000:30:00"


def test_a_new_scorm2004_attempt_starts_empty_with_threshold_and_passing_score():
    sco = _sco(completion_threshold=0.9, scaled_passing_score=0.8)
    learner = cmi.Learner(id="account-12", name="Okafor, Sam")
    data = cmi.session_data("scorm2004", sco, {}, "ab-initio", 0, learner)["cmi"]
    assert data["entry"] == "ab-initio" and data["learner_id"] == "account-12"
    assert data["completion_threshold"] == "0.9" and data["scaled_passing_score"] == "0.8"
    assert data["total_time"] == "PT0H0M0.00S"
    assert "location" not in data
