"""The SCORM player: its page, and the runtime endpoints scorm-again's commits (and our glue's
session openings and sequencing saves) reach.

The runtime endpoints take JSON (or text/plain: sendBeacon cannot set a Content-Type) and
answer JSON. They are exempt from the CSRF form check and authorised instead by the signed-in
session plus the launch token in their URL, made for this person, registration and launch.
Every view asks `launch.launchable` first: another person's registration is 404, one the
learner may not launch now (dropped, no longer eligible) is 403 saying why.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.app import csrf
from lms.domain import DomainError
from lms.player import launch
from lms.player.interfaces import LaunchRefused, RegistrationNotFound
from lms.player.scorm import attempts, commits, sending, services, settings, tokens
from lms.player.scorm.interfaces import (
    BadCommit,
    BadLaunchToken,
    NotFound,
    SignedOut,
    Superseded,
)
from lms.player.views import refused_page
from lms.web import post_id_required

bp = Blueprint("scorm", __name__)
SCORM_STANDARDS = ("scorm12", "scorm2004")
# SCORM 2004 RTE error 101, "General Exception": what scorm-again shows the SCO on a refusal.
GENERAL_EXCEPTION = 101
STATUS_OF = {
    BadCommit: 400,
    BadLaunchToken: 403,
    LaunchRefused: 403,
    NotFound: 404,
    RegistrationNotFound: 404,
    Superseded: 409,
    SignedOut: 401,
}


@bp.errorhandler(DomainError)
def _runtime_error(error: DomainError) -> ResponseReturnValue:
    status = next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 400)
    body = {
        "result": False,
        "errorCode": GENERAL_EXCEPTION,
        "message": error.message,
        "field": error.field,
    }
    return jsonify(body), status


def _launchable_page(registration_id: int) -> launch.Launchable | ResponseReturnValue:
    try:
        launchable = launch.launchable(current_user, registration_id)
    except RegistrationNotFound:
        abort(404, "No such registration.")
    except LaunchRefused as error:
        return refused_page(registration_id, error)
    if launchable.version.standard not in SCORM_STANDARDS:
        abort(404, "This course is not a SCORM course.")
    return launchable


def _launchable_runtime(registration_id: int) -> tuple[launch.Launchable, int]:
    """The launchable registration and the launch number of the request's token."""
    if not current_user.is_authenticated:
        raise SignedOut(
            "You are signed out. Sign in again and your saved progress will be sent.", "session"
        )
    launchable = launch.launchable(current_user, registration_id)
    if launchable.version.standard not in SCORM_STANDARDS:
        raise NotFound("This course is not a SCORM course.", "registration_id")
    number = tokens.check_launch_token(current_user, registration_id, request.args.get("token"))
    return launchable, number


@bp.get("/registrations/<int:registration_id>/scorm")
@post_id_required
def player_page(registration_id: int) -> ResponseReturnValue:
    launchable = _launchable_page(registration_id)
    if not isinstance(launchable, launch.Launchable):
        return launchable
    player = services.open_player(current_user, launchable)
    return render_template(
        "player/scorm.html",
        course=launchable.course,
        standard=launchable.version.standard,
        player_settings=_player_settings(launchable, player),
    )


def _player_settings(launchable: launch.Launchable, player: services.Player) -> dict[str, Any]:
    registration_id = launchable.registration.id
    token = player.token
    version_id = launchable.version.id
    return {
        "standard": launchable.version.standard,
        "title": launchable.course.title,
        "launch": player.launch,
        # One queue per person and registration: progress kept on a shared device never goes
        # out under someone else's session.
        "queueKey": f"lms.scorm.{current_user.id}.{registration_id}",
        "urls": {
            "session": url_for(
                "scorm.open_session", registration_id=registration_id, token=token, sco="SCO_ID"
            ),
            "sequencing": url_for(
                "scorm.save_sequencing", registration_id=registration_id, token=token
            ),
            "dashboard": url_for("accounts.dashboard"),
            "attempts": url_for("scorm.attempts_page", registration_id=registration_id),
        },
        "api": settings.api_settings(launchable.version.standard),
        "scos": [
            {
                "id": sco.id,
                "title": sco.title,
                "url": sco.url(version_id),
                "type": sco.scorm_type,
                "hideLmsUi": list(sco.hide_lms_ui),
            }
            for sco in player.scos
        ],
        "toc": player.table_of_contents,
        "statuses": {sco_id: status.as_json() for sco_id, status in player.statuses.items()},
        "firstSco": player.first_sco,
        "activityTree": player.activity_tree,
        "sequencingState": player.sequencing_state,
    }


def _argument(name: str) -> str:
    value = request.args.get(name, "")
    if not value:
        raise BadCommit(f"The URL lacks its {name!r} argument.", name)
    return value


def _whole_number(name: str) -> int:
    value = _argument(name)
    if not value.isdigit() or len(value) > 9:
        raise BadCommit(f"The URL's {name!r} argument must be a whole number.", name)
    return int(value)


@bp.post("/registrations/<int:registration_id>/scorm/sessions")
@csrf.exempt
def open_session(registration_id: int) -> ResponseReturnValue:
    launchable, _ = _launchable_runtime(registration_id)
    sco_id = _argument("sco")
    session = attempts.open_session(current_user, launchable, sco_id)
    commit_url = url_for(
        "scorm.commit",
        registration_id=registration_id,
        attempt=session.attempt_id,
        session=session.number,
        token=request.args["token"],
    )
    return jsonify(
        scoId=sco_id,
        attemptId=session.attempt_id,
        attemptNumber=session.attempt_number,
        session=session.number,
        entry=session.entry,
        cmi=session.data,
        commitUrl=commit_url,
        status=session.status.as_json(),
    )


@bp.post("/registrations/<int:registration_id>/scorm/commit")
@csrf.exempt
def commit(registration_id: int) -> ResponseReturnValue:
    launchable, _ = _launchable_runtime(registration_id)
    attempt_id, session = _whole_number("attempt"), _whole_number("session")
    # sendBeacon's body comes as text/plain: read the body whatever its Content-Type says.
    outcome = commits.apply_commit(
        current_user, launchable, attempt_id, session, request.get_data(as_text=True)
    )
    # scorm-again reads {"result": true, "errorCode": 0} as success.
    response = jsonify(
        result=True, errorCode=0, applied=outcome.applied, status=outcome.status.as_json()
    )
    if outcome.statements:
        response.call_on_close(sending.statement_sender(registration_id))
    return response


@bp.post("/registrations/<int:registration_id>/scorm/sequencing")
@csrf.exempt
def save_sequencing(registration_id: int) -> ResponseReturnValue:
    launchable, number = _launchable_runtime(registration_id)
    applied = services.save_sequencing_state(
        current_user, launchable, number, request.get_data(as_text=True)
    )
    response = jsonify(result=True, errorCode=0, applied=applied)
    if applied:
        response.call_on_close(sending.statement_sender(registration_id))
    return response


@bp.get("/registrations/<int:registration_id>/scorm/attempts")
@post_id_required
def attempts_page(registration_id: int) -> ResponseReturnValue:
    launchable = _launchable_page(registration_id)
    if not isinstance(launchable, launch.Launchable):
        return launchable
    return render_template(
        "player/scorm_attempts.html",
        course=launchable.course,
        registration_id=registration_id,
        history=attempts.attempt_history(launchable),
    )
