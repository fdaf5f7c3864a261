"""POST staff: deciding access requests from agencies outside the POST program."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts import access_requests
from lms.accounts.forms import DecisionForm
from lms.accounts.interfaces import AccountsError, NotFound, Role
from lms.accounts.models import AccessRequest
from lms.db import db
from lms.web import role_required

bp = Blueprint("staff", __name__, url_prefix="/staff")

INVALID = 422


def _request(request_id: int) -> AccessRequest:
    try:
        return access_requests.get_request(request_id)
    except NotFound as error:
        abort(404, error.message)


def _request_page(
    access_request: AccessRequest,
    status: int = 200,
    form: DecisionForm | None = None,
    invitation_link: str | None = None,
    problem: str | None = None,
) -> ResponseReturnValue:
    return render_template(
        "staff/access_request.html",
        access_request=access_request,
        form=form or DecisionForm(formdata=None),
        invitation_link=invitation_link,
        problem=problem,
    ), status


@bp.get("/access-requests")
@role_required(Role.POST_STAFF)
def access_request_list() -> ResponseReturnValue:
    return render_template("staff/access_requests.html", requests=access_requests.all_requests())


@bp.get("/access-requests/<int:request_id>")
@role_required(Role.POST_STAFF)
def access_request_page(request_id: int) -> ResponseReturnValue:
    return _request_page(_request(request_id))


@bp.post("/access-requests/<int:request_id>/approve")
@role_required(Role.POST_STAFF)
def approve(request_id: int) -> ResponseReturnValue:
    access_request = _request(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _request_page(access_request, INVALID, form)
    try:
        agency, token = access_requests.approve(access_request.id, current_user, form.note.data)
    except AccountsError as error:
        db.session.rollback()
        return _request_page(_request(request_id), 409, form, problem=error.message)
    link = url_for("accounts.accept_invitation", token=token, _external=True)
    flash(
        f"Approved: {agency.name} ({agency.agency_number}) was created. Send its first LP "
        "administrator the one-time link below; it is shown only now.",
        "success",
    )
    return _request_page(_request(request_id), invitation_link=link)


@bp.post("/access-requests/<int:request_id>/deny")
@role_required(Role.POST_STAFF)
def deny(request_id: int) -> ResponseReturnValue:
    access_request = _request(request_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _request_page(access_request, INVALID, form)
    try:
        access_requests.deny(access_request.id, current_user, form.note.data)
    except AccountsError as error:
        db.session.rollback()
        return _request_page(_request(request_id), 409, form, problem=error.message)
    flash(f"Denied the request from {access_request.organisation_name}.", "success")
    return redirect(url_for("staff.access_request_list"))
