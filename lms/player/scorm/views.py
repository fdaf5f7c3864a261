"""The SCORM player: the portal's door to it, its page on the content origin, and the runtime
endpoints scorm-again's commits (and our glue's session openings and sequencing saves) reach.

The portal's `/registrations/<id>/scorm` checks the signed-in person may launch and sends the
browser, with a player ticket, to the player page on the content origin (lms.content_origin),
where the SCO runs beside scorm-again's API and finds it in `window.parent`. The content origin
has no session: the page and the runtime endpoints authorise by their signed tokens alone
(lms.player.scorm.tokens) and ask `launch.launchable` for the token's person on every request:
another person's registration is 404, one the learner may not launch now (dropped, no longer
eligible) is 403 saying why. The runtime endpoints take JSON (or text/plain: sendBeacon cannot
set a Content-Type) and answer JSON.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts.models import Person
from lms.accounts.services import get_person
from lms.content_origin import content_only, content_url, portal_url
from lms.domain import DomainError
from lms.extensions import csrf
from lms.packages.access import files_url
from lms.player import launch
from lms.player.interfaces import LaunchRefused, RegistrationNotFound
from lms.player.scorm import (
    attempts,
    commits,
    error_codes,
    sending,
    services,
    settings,
    tokens,
)
from lms.player.scorm.interfaces import (
    BadCommit,
    BadLaunchToken,
    LaunchTaken,
    NotFound,
    Superseded,
    TokenExpired,
)
from lms.player.views import refused_page
from lms.web import post_id_required

bp = Blueprint("scorm", __name__)
SCORM_STANDARDS = ("scorm12", "scorm2004")
# How long after a SCO's page has loaded the player waits for it to call Initialize before it
# tells the learner the content did not start (slow phones take several seconds; a SCO that
# starts later is still taken). The setting SCORM_INITIALIZE_TIMEOUT_S changes it.
INITIALIZE_TIMEOUT_S = 20
STATUS_OF = {
    BadCommit: 400,
    BadLaunchToken: 403,
    LaunchRefused: 403,
    NotFound: 404,
    RegistrationNotFound: 404,
    Superseded: 409,
}


@bp.errorhandler(DomainError)
def _runtime_error(error: DomainError) -> ResponseReturnValue:
    """A refusal as scorm-again reads it: result false and the edition's error code for the
    rule broken (lms.player.scorm.error_codes), which the glue hands the SCO's GetLastError."""
    status = next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 400)
    body = {
        "result": False,
        "errorCode": error_codes.error_code(g.get("scorm_standard"), error),
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


def _person(grant: tokens.LaunchGrant) -> Person:
    person = get_person(grant.person_id)
    if person is None:
        raise BadLaunchToken("The launch token was made for nobody known.", "token")
    return person


def _launchable_runtime(registration_id: int) -> tuple[Person, launch.Launchable, int]:
    """The person of the request's launch token, the registration if they may launch it, and
    the token's launch number."""
    grant = tokens.read_launch_token(request.args.get("token"), registration_id)
    person = _person(grant)
    # The edition whose error codes a refusal from here on answers with (_runtime_error),
    # a launch refused (the course dropped) included.
    g.scorm_standard = launch.pinned_standard(person, registration_id)
    launchable = launch.launchable(person, registration_id)
    if launchable.version.standard not in SCORM_STANDARDS:
        raise NotFound("This course is not a SCORM course.", "registration_id")
    return person, launchable, grant.launch


@bp.get("/registrations/<int:registration_id>/scorm")
@post_id_required
def player_page(registration_id: int) -> ResponseReturnValue:
    """The portal's door to the player: on to the content origin with a ticket for the next
    launch, once the signed-in person may launch the registration."""
    launchable = _launchable_page(registration_id)
    if not isinstance(launchable, launch.Launchable):
        return launchable
    ticket = tokens.player_ticket(current_user, registration_id, services.next_launch(launchable))
    return redirect(
        content_url("scorm.player", registration_id=registration_id, ticket=ticket), code=303
    )


@bp.get("/registrations/<int:registration_id>/scorm/play")
@content_only
def player(registration_id: int) -> ResponseReturnValue:
    """The player page, on the content origin: opens the ticket's launch. A ticket used already
    (the page was reloaded) or too old goes back to the portal for a new one."""
    again = redirect(portal_url("scorm.player_page", registration_id=registration_id), code=303)
    try:
        grant = tokens.read_player_ticket(request.args.get("ticket"), registration_id)
        person = _person(grant)
    except TokenExpired:
        return again
    except BadLaunchToken:
        abort(404, "No such launch.")
    try:
        launchable = launch.launchable(person, registration_id)
    except RegistrationNotFound:
        abort(404, "No such registration.")
    except LaunchRefused as error:
        return refused_page(registration_id, error, person)
    if launchable.version.standard not in SCORM_STANDARDS:
        abort(404, "This course is not a SCORM course.")
    try:
        player = services.open_player(person, launchable, grant.launch)
    except LaunchTaken:
        return again
    return render_template(
        "player/scorm.html",
        course=launchable.course,
        standard=launchable.version.standard,
        player_settings=_player_settings(person, launchable, player),
    )


def _player_settings(
    person: Person, launchable: launch.Launchable, player: services.Player
) -> dict[str, Any]:
    registration_id = launchable.registration.id
    token = player.token
    folder = files_url(person, launchable.version.id)
    return {
        "standard": launchable.version.standard,
        "title": launchable.course.title,
        "launch": player.launch,
        # One queue per person and registration: progress kept on a shared device never goes
        # out under someone else's launch.
        "queueKey": f"lms.scorm.{person.id}.{registration_id}",
        "urls": {
            "session": content_url(
                "scorm.open_session", registration_id=registration_id, token=token, sco="SCO_ID"
            ),
            "sequencing": content_url(
                "scorm.save_sequencing", registration_id=registration_id, token=token
            ),
            "dashboard": portal_url("accounts.dashboard"),
            "attempts": portal_url("scorm.attempts_page", registration_id=registration_id),
        },
        "api": settings.api_settings(launchable.version.standard),
        "initializeTimeoutSeconds": current_app.config.get(
            "SCORM_INITIALIZE_TIMEOUT_S", INITIALIZE_TIMEOUT_S
        ),
        "scos": [
            {
                "id": sco.id,
                "title": sco.title,
                "url": sco.url(folder),
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
@content_only
def open_session(registration_id: int) -> ResponseReturnValue:
    person, launchable, _ = _launchable_runtime(registration_id)
    sco_id = _argument("sco")
    session = attempts.open_session(person, launchable, sco_id)
    commit_url = content_url(
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
@content_only
def commit(registration_id: int) -> ResponseReturnValue:
    person, launchable, _ = _launchable_runtime(registration_id)
    attempt_id, session = _whole_number("attempt"), _whole_number("session")
    # sendBeacon's body comes as text/plain: read the body whatever its Content-Type says.
    outcome = commits.apply_commit(
        person, launchable, attempt_id, session, request.get_data(as_text=True)
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
@content_only
def save_sequencing(registration_id: int) -> ResponseReturnValue:
    person, launchable, number = _launchable_runtime(registration_id)
    applied = services.save_sequencing_state(
        person, launchable, number, request.get_data(as_text=True)
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
