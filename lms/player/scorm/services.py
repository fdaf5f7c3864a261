"""The SCORM runtime's launches and SCORM 2004 sequencing state: opening the player (a new,
numbered launch, with what the page starts from) and keeping the state sequencing saves.

The runtime's rules live in this package's service modules: here, `attempts` (sessions and
the new-attempt rule), `commits` and `course_status`. Each takes a `Launchable`
(lms.player.launch decided the person may launch the registration) and never reads the
request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import Person
from lms.db import db, utcnow
from lms.player.launch import Launchable
from lms.player.scorm import cmi, course_status, sending
from lms.player.scorm.attempts import (
    CONFLICT_RETRIES,
    ScoStatus,
    end_course_attempt,
    latest_attempts,
    one_try,
    status_of,
)
from lms.player.scorm.interfaces import BadCommit, LaunchTaken, NotFound, Superseded
from lms.player.scorm.models import ScoAttempt, SequencingState
from lms.player.scorm.settings import Sco, activity_tree, scos, table_of_contents
from lms.player.scorm.tokens import launch_token

# The largest sequencing state accepted (scorm-again's serialised tree; a big course is ~200 KB).
SEQUENCING_STATE_LIMIT = 2 * 1024 * 1024


@dataclass(frozen=True)
class Player:
    """What the player page starts from."""

    launch: int
    token: str
    scos: list[Sco]
    table_of_contents: list[dict[str, Any]]
    statuses: dict[str, ScoStatus]
    # SCORM 1.2: the SCO to open first. SCORM 2004: sequencing decides (start / resumeAll).
    first_sco: str
    activity_tree: dict[str, Any] | None
    sequencing_state: str | None


def next_launch(launchable: Launchable) -> int:
    """The number the registration's next launch will have: the portal signs it into the
    player ticket, and `open_player` opens it."""
    state = db.session.get(SequencingState, launchable.registration.id)
    return (state.launches if state is not None else 0) + 1


def open_player(person: Person, launchable: Launchable, launch: int) -> Player:
    """Launch number `launch` of the registration, opened once: numbered, so that saves from
    an older window of the same course never overwrite this one's. LaunchTaken if it is open
    already (the player page was reloaded) or a later launch has opened."""
    registration = launchable.registration
    with sending.writing():
        _state_for_update(registration.id)
        opened = db.session.execute(
            update(SequencingState)
            .where(
                SequencingState.registration_id == registration.id,
                SequencingState.launches == launch - 1,
            )
            .values(launches=launch, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        saved_state = db.session.scalar(
            select(SequencingState.state).where(SequencingState.registration_id == registration.id)
        )
    if opened != 1:
        # Nothing of this launch was written (the update matched no row), so the view may
        # catch this and answer without discarding the unit of work.
        raise LaunchTaken("This launch of the course is open already.", "launch")
    sending.record_pending([registration.id])
    package = launchable.package
    items = scos(package)
    attempts = latest_attempts(registration.id)
    is_2004 = package.standard == "scorm2004"
    return Player(
        launch=launch,
        token=launch_token(person, registration.id, launch),
        scos=items,
        table_of_contents=table_of_contents(package),
        statuses={sco_id: status_of(attempt) for sco_id, attempt in attempts.items()},
        first_sco=_first_sco(items, attempts),
        activity_tree=activity_tree(package) if is_2004 else None,
        sequencing_state=(saved_state or None) if is_2004 else None,
    )


def _state_for_update(registration_id: int) -> SequencingState:
    state = db.session.get(SequencingState, registration_id, with_for_update=True)
    if state is not None:
        return state
    try:
        with db.session.begin_nested():
            db.session.add(SequencingState(registration_id=registration_id))
    except IntegrityError:  # another request made it first
        pass
    return db.session.get(SequencingState, registration_id, with_for_update=True)


def _first_sco(items: list[Sco], attempts: dict[str, ScoAttempt]) -> str:
    """SCORM 1.2 has no sequencing: open the SCO left suspended or unfinished most recently,
    else the first one not yet completed, else the first."""
    unfinished = [attempt for attempt in attempts.values() if not attempt.ended]
    if unfinished:
        return max(unfinished, key=lambda attempt: attempt.updated_at).sco_id
    for sco in items:
        attempt = attempts.get(sco.id)
        if attempt is None or attempt.completion_status != "completed":
            return sco.id
    return items[0].id


# --- SCORM 2004 sequencing state ---------------------------------------------------------


def save_sequencing_state(person: Person, launchable: Launchable, launch: int, body: str) -> bool:
    """Keep the sequencing state scorm-again serialised, and the course status its rollup
    reached (SN RB.1: the root activity's status is the course's). Saves are ordered by
    (launch, sequence): an older one is ignored (False), one from an older launch than the
    state saved is refused as Superseded. Statements about the course are left pending, for
    `sending.statement_sender`."""
    if launchable.package.standard != "scorm2004":
        raise NotFound("Only SCORM 2004 courses have a sequencing state.", "registration_id")
    data = cmi.parse_json_object(body)
    cmi.refuse_nul(data, "")
    sequence = data.get("sequence")
    if (
        isinstance(sequence, bool)
        or not isinstance(sequence, int)
        or not 1 <= sequence <= cmi.MAX_SEQUENCE
    ):
        raise BadCommit("sequence must be a whole number from 1.", "sequence")
    state_text = data.get("state")
    if not isinstance(state_text, str) or len(state_text) > SEQUENCING_STATE_LIMIT:
        raise BadCommit(
            f"state must be the serialised sequencing state, at most "
            f"{SEQUENCING_STATE_LIMIT} characters.",
            "state",
        )
    try:
        json.loads(state_text)
    except ValueError:
        raise BadCommit("state is not scorm-again's serialised (JSON) state.", "state") from None
    rolled_up = course_status.reported(data.get("course"))
    # The sequencing session ended with Exit All or Abandon All (SN TB.2.3): the attempt on
    # the root ended, and with it every SCO's attempt, whatever their cmi.exit said.
    attempt_ended = data.get("attemptEnded", False)
    if not isinstance(attempt_ended, bool):
        raise BadCommit("attemptEnded must be true or false.", "attemptEnded")
    registration_id = launchable.registration.id
    for _ in range(CONFLICT_RETRIES):
        state = db.session.get(SequencingState, registration_id, populate_existing=True)
        if state is None:
            with sending.writing():
                state = _state_for_update(registration_id)
        if (launch, sequence) <= (state.state_launch, state.state_sequence):
            if launch < state.state_launch:
                raise Superseded(
                    "This window's course state is older than one saved from another "
                    "window, so it was not saved; use the newest window.",
                    "launch",
                )
            return False
        with sending.writing():
            saved = one_try(
                partial(
                    _write_state,
                    person,
                    launchable,
                    state,
                    launch,
                    sequence,
                    state_text,
                    rolled_up,
                    attempt_ended,
                )
            )
        if saved:
            return True
    raise Superseded("The course state is being saved from elsewhere; try again.", "launch")


def _write_state(
    person: Person,
    launchable: Launchable,
    state: SequencingState,
    launch: int,
    sequence: int,
    state_text: str,
    rolled_up: course_status.CourseStatus | None,
    attempt_ended: bool,
) -> bool | None:
    """Write the state if nobody saved one since `state` was read; None if somebody did (the
    caller's `one_try` then undoes what this try wrote: it is in a SAVEPOINT of the unit)."""
    registration_id = launchable.registration.id
    changed = db.session.execute(
        update(SequencingState)
        .where(
            SequencingState.registration_id == registration_id,
            SequencingState.state_launch == state.state_launch,
            SequencingState.state_sequence == state.state_sequence,
        )
        .values(state=state_text, state_launch=launch, state_sequence=sequence, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        return None
    if attempt_ended:
        end_course_attempt(registration_id)
    statements = (
        []
        if rolled_up is None
        else course_status.record_change(person, launchable, rolled_up, utcnow())
    )
    if statements is None:
        return None
    sending.keep(registration_id, statements)
    db.session.flush()  # a statement kept twice (a simultaneous save) fails here
    return True
