"""The Tin Can pages: the course with where the learner stands, and its launch."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.packages.access import files_url
from lms.player import launch
from lms.player.tincan import services
from lms.player.views import register_errors
from lms.web import post_id_required

bp = Blueprint("tincan", __name__)
register_errors(bp)


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
