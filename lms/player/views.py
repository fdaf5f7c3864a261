"""Where a learner's launch starts: the one door to every standard's player."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts.models import Person
from lms.player import launch
from lms.player.interfaces import LaunchRefused, RegistrationNotFound
from lms.web import post_id_required

bp = Blueprint("player", __name__)
REFUSED = 403

# The page that plays each standard, given the registration id.
PLAYER_PAGES = {
    "scorm12": "scorm.player_page",
    "scorm2004": "scorm.player_page",
    "cmi5": "cmi5.course_page",
    "tincan": "tincan.launch_page",
}


def refused_page(
    registration_id: int, error: LaunchRefused, person: Person | None = None
) -> ResponseReturnValue:
    """The page every standard's player shows when a launch is refused: the reason, for the
    learner (403). `person` when the learner is not the signed-in user (SCORM's player page,
    on the content origin, knows them by its ticket)."""
    registration = launch.registration_of(person or current_user, registration_id)
    return render_template(
        "player/refused.html", course=registration.course, reason=error.message
    ), REFUSED


def register_errors(standard: Blueprint) -> None:
    """What each standard's player blueprint answers a refused launch with, the same for all:
    the refused page for the registration in the URL. Not-found errors (lms.domain.NotFound)
    are the app's 404 (lms.errors)."""
    standard.register_error_handler(LaunchRefused, _refused)


def _refused(error: LaunchRefused) -> ResponseReturnValue:
    return refused_page(request.view_args["registration_id"], error)


@bp.get("/registrations/<int:registration_id>/launch")
@post_id_required
def launch_registration(registration_id: int) -> ResponseReturnValue:
    try:
        launchable = launch.launchable(current_user, registration_id)
    except RegistrationNotFound:
        abort(404, "No such registration.")
    except LaunchRefused as error:
        return refused_page(registration_id, error)
    page = PLAYER_PAGES[launchable.version.standard]
    return redirect(url_for(page, registration_id=registration_id))
