"""The Tin Can pages: the course with where the learner stands, and its launch."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.errors import error_response
from lms.packages.access import files_url
from lms.player import launch
from lms.player.interfaces import LaunchRefused, RegistrationNotFound
from lms.player.tincan import services
from lms.player.tincan.services import NotATinCanCourse
from lms.player.views import refused_page
from lms.web import post_id_required

bp = Blueprint("tincan", __name__)


@bp.errorhandler(RegistrationNotFound)
@bp.errorhandler(NotATinCanCourse)
def _not_found(error: RegistrationNotFound | NotATinCanCourse) -> ResponseReturnValue:
    return error_response(404, error.message)


@bp.errorhandler(LaunchRefused)
def _refused(error: LaunchRefused) -> ResponseReturnValue:
    return refused_page(request.view_args["registration_id"], error)


@bp.get("/tincan/registrations/<int:registration_id>")
@post_id_required
def launch_page(registration_id: int) -> ResponseReturnValue:
    found = launch.launchable(current_user, registration_id)
    return render_template(
        "player/tincan_course.html",
        course=found.course,
        registration=found.registration,
        progress=services.progress(found),
        left=request.args.get("left") == "1",
    )


@bp.get("/tincan/registrations/<int:registration_id>/status")
@post_id_required
def status(registration_id: int) -> ResponseReturnValue:
    """Whether the launch `session` has ended (the course said the learner left it), polled by
    the player page so that it can take the learner back to the course page."""
    found = launch.launchable(current_user, registration_id)
    state = services.session_state(found, request.args.get("session", ""))
    return jsonify(state.as_json()), 200, {"Cache-Control": "no-store"}


@bp.post("/tincan/registrations/<int:registration_id>/launch")
@post_id_required
def launch_activity(registration_id: int) -> ResponseReturnValue:
    found = launch.launchable(current_user, registration_id)
    started = services.launch(
        found,
        # TinCanJS adds the slash itself; the launch guidelines' example ends with one.
        endpoint=url_for("xapi.about", _external=True).rsplit("/", 1)[0] + "/",
        content_url=lambda path: files_url(current_user, found.version.id, path),
        languages=[language for language, _ in request.accept_languages],
    )
    return render_template(
        "player/tincan_player.html",
        course=found.course,
        registration=found.registration,
        launch=started,
    )
