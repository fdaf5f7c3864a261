"""Launches and the SCORM 2004 sequencing state: numbered, ordered, the course's rolled-up
status told once; launch tokens made for one person and registration."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from lms.db import db
from lms.player.scorm import attempts, commits, services, tokens
from lms.player.scorm.interfaces import (
    BadCommit,
    BadLaunchToken,
    LaunchTaken,
    Superseded,
    TokenExpired,
)
from lms.player.scorm.models import SequencingState
from tests.lms.player.scorm.conftest import (
    commit_2004,
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
    launch = _opened(learner2004.person, launchable).launch
    person = learner2004.person
    assert services.save_sequencing_state(person, launchable, launch, _sequencing(2))
    assert not services.save_sequencing_state(person, launchable, launch, _sequencing(1))
    newer = _opened(person, launchable).launch
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
    player = _opened(person, launchable)
    assert json.loads(player.sequencing_state)["sequence"] == 2


def test_a_launch_token_names_its_person_registration_and_launch(learner12, learner2004):
    token = tokens.launch_token(learner12.person, learner12.registration.id, 3)
    grant = tokens.read_launch_token(token, learner12.registration.id)
    assert (grant.person_id, grant.launch) == (learner12.person.id, 3)
    with pytest.raises(BadLaunchToken):
        tokens.read_launch_token(token, learner2004.registration.id)
    with pytest.raises(BadLaunchToken):
        tokens.read_launch_token(token + "x", learner12.registration.id)
    with pytest.raises(BadLaunchToken):
        tokens.read_launch_token(None, learner12.registration.id)
    ticket = tokens.player_ticket(learner12.person, learner12.registration.id, 3)
    with pytest.raises(BadLaunchToken):  # a ticket is no launch token, nor the reverse
        tokens.read_launch_token(ticket, learner12.registration.id)
    with pytest.raises(BadLaunchToken):
        tokens.read_player_ticket(token, learner12.registration.id)


def test_an_old_ticket_or_launch_token_has_expired(learner12, monkeypatch):
    registration_id = learner12.registration.id
    ticket = tokens.player_ticket(learner12.person, registration_id, 1)
    token = tokens.launch_token(learner12.person, registration_id, 1)
    assert dt.timedelta(minutes=10) == tokens.TICKET_MAX_AGE
    monkeypatch.setattr(tokens, "TICKET_MAX_AGE", dt.timedelta(seconds=-1))
    monkeypatch.setattr(tokens, "TOKEN_MAX_AGE", dt.timedelta(seconds=-1))
    with pytest.raises(TokenExpired):
        tokens.read_player_ticket(ticket, registration_id)
    with pytest.raises(TokenExpired):
        tokens.read_launch_token(token, registration_id)


def test_a_launch_is_opened_once(learner12):
    launchable = learner12.launchable()
    number = services.next_launch(launchable)
    assert services.next_launch(launchable) == number  # asking opens nothing
    player = services.open_player(learner12.person, launchable, number)
    assert player.launch == number and services.next_launch(launchable) == number + 1
    with pytest.raises(LaunchTaken):  # the same ticket again: the page reloaded
        services.open_player(learner12.person, launchable, number)
    later = services.open_player(learner12.person, launchable, number + 1)
    with pytest.raises(LaunchTaken):  # an older ticket once a newer launch opened
        services.open_player(learner12.person, launchable, number + 1)
    assert later.launch == number + 1


def test_the_player_opens_the_scorm12_sco_left_unfinished(learner12):
    launchable = learner12.launchable()
    player = _opened(learner12.person, launchable)
    assert player.first_sco == "CHECK" and player.activity_tree is None
    assert [sco.id for sco in player.scos] == ["CHECK"]
    again = _opened(learner12.person, launchable)
    assert again.launch == player.launch + 1


def _opened(person, launchable) -> services.Player:
    """The next launch, as the portal's ticket and the player page open it."""
    return services.open_player(person, launchable, services.next_launch(launchable))


def test_a_sequencing_session_ended_by_exit_all_ends_every_scos_attempt(learner2004):
    launchable = learner2004.launchable()
    person = learner2004.person
    launch = _opened(person, launchable).launch
    lesson = attempts.open_session(person, launchable, "LESSON")
    suspended = commit_2004(2, terminate=True, exit="suspend", location="page-2")
    commits.apply_commit(person, launchable, lesson.attempt_id, 1, suspended)
    save = json.loads(_sequencing(1))
    save["attemptEnded"] = "yes"
    with pytest.raises(BadCommit, match="attemptEnded"):
        services.save_sequencing_state(person, launchable, launch, json.dumps(save))
    assert attempts.open_session(person, launchable, "LESSON").entry == "resume"
    save["attemptEnded"] = True
    assert services.save_sequencing_state(person, launchable, launch, json.dumps(save))
    again = attempts.open_session(person, launchable, "LESSON")
    assert (again.attempt_number, again.entry) == (2, "ab-initio")
