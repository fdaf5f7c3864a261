"""Launches and the SCORM 2004 sequencing state: numbered, ordered, the course's rolled-up
status told once; launch tokens made for one person and registration."""

from __future__ import annotations

import json

import pytest

from lms.db import db
from lms.player.scorm import services, tokens
from lms.player.scorm.interfaces import BadLaunchToken, Superseded
from lms.player.scorm.models import SequencingState
from tests.factories import make_officer
from tests.lms.player.scorm.conftest import (
    verbs_of,
)


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
    course_verbs = verbs_of(learner2004.registration, f"/courses/{learner2004.course.id}")
    assert course_verbs == ["completed", "passed"]
    # Saying it again tells the LRS nothing new.
    services.save_sequencing_state(
        person, launchable, newer, _sequencing(2, "completed", "passed", 0.9)
    )
    assert verbs_of(learner2004.registration, f"/courses/{learner2004.course.id}") == course_verbs
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
