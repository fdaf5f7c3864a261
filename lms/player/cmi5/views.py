"""The cmi5 pages: the course (its blocks and AUs, each with where the learner stands), an
AU's launch, the page an AU returns the learner to, and the fetch URL the AU calls."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.errors import error_response
from lms.extensions import csrf
from lms.packages.access import files_url
from lms.player import launch
from lms.player.cmi5 import registrations, services
from lms.player.cmi5.interfaces import (
    FETCH_CORS,
    FetchUrlNotFound,
    InvalidLaunchMode,
    NotACmi5Course,
)
from lms.player.interfaces import PlayerError
from lms.player.views import register_errors
from lms.web import post_id_required

bp = Blueprint("cmi5", __name__)
register_errors(bp)


def _launchable(registration_id: int) -> launch.Launchable:
    found = launch.launchable(current_user, registration_id)
    if found.package.standard != "cmi5":
        raise NotACmi5Course("This course is not a cmi5 course.", "registration_id")
    return found


@bp.errorhandler(InvalidLaunchMode)
def _bad_request(error: PlayerError) -> ResponseReturnValue:
    return error_response(400, error.message)


@bp.get("/cmi5/registrations/<int:registration_id>")
@post_id_required
def course_page(registration_id: int) -> ResponseReturnValue:
    found = _launchable(registration_id)
    registrations.evaluate_registration(found.registration)
    return render_template(
        "player/cmi5_course.html",
        registration=found.registration,
        course=found.course,
        progress=registrations.progress(found),
    )


@bp.post("/cmi5/registrations/<int:registration_id>/launch")
@post_id_required
def launch_au(registration_id: int) -> ResponseReturnValue:
    found = _launchable(registration_id)
    au_index = request.form.get("au_index", "")
    if not (au_index.isascii() and au_index.isdigit()) or len(au_index) > 9:
        return error_response(
            400, f"au_index: the AU's number in the course, not {au_index[:20]!r}."
        )
    urls = services.LaunchUrls(
        endpoint=url_for("xapi.about", _external=True).rsplit("/", 1)[0],
        return_url=url_for(".returned", registration_id=registration_id, _external=True),
        fetch_url=lambda token: url_for(".fetch", token=token, _external=True),
        content_url=lambda path: files_url(current_user, found.version.id, path),
    )
    launch_mode = request.form.get("launch_mode", "Normal")
    started = services.launch_au(found, int(au_index), launch_mode, urls)
    if started.au.launch_method == "OwnWindow":
        # §8.1: OwnWindow takes the whole window: the browser goes to the AU itself.
        return redirect(started.url, code=303)
    # AnyWindow: the LMS chooses; the AU opens in a frame of the portal's page.
    return render_template(
        "player/cmi5_au.html", course=found.course, registration=found.registration, launch=started
    )


@bp.get("/cmi5/registrations/<int:registration_id>/return")
def returned(registration_id: int) -> ResponseReturnValue:
    """The returnURL (§10.2.6): the AU sends its window or frame here when it ends; the page
    takes the whole window back to the course. It needs no sign-in (it shows nothing but the
    course page's address; that page checks): the AU's frame, on the content origin, may
    navigate here without the portal's cookie, which a cross-site frame does not carry."""
    return render_template(
        "player/cmi5_return.html",
        course_url=url_for(".course_page", registration_id=registration_id),
    )


@bp.route("/cmi5/fetch/<token>", methods=["POST", "OPTIONS"])
@csrf.exempt  # the AU calls it (cmi5 §8.2), not a form
def fetch(token: str) -> ResponseReturnValue:
    """§8.2.1: the AU POSTs here (a GET is refused: 405) for its auth token; 200 with JSON,
    an error object included (§8.2.3); 404 for a URL the portal never gave. No sign-in: the
    token in the URL is the key."""
    if request.method == "OPTIONS":
        return Response(status=204, headers=FETCH_CORS)
    try:
        response = jsonify(services.fetch_auth_token(token))
    except FetchUrlNotFound as error:
        # The error object still, for an AU that reads it (§8.2.3.2: a security error).
        response = jsonify({"error-code": "2", "error-text": error.message})
        response.status_code = 404
    response.headers.update(FETCH_CORS)
    return response
