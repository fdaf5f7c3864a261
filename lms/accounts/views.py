"""Public and personal pages: sign-up, sign-in, POST-ID, the dashboard, invitations, access."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from lms.accounts import access_requests, invitations, services
from lms.accounts.agencies import sub_affiliation_tree
from lms.accounts.forms import (
    AcceptInvitationForm,
    AccessRequestForm,
    ChangePasswordForm,
    ConfirmForm,
    PostIdForm,
    SignInForm,
    SignUpForm,
)
from lms.accounts.interfaces import AccountsError, InvitationInvalid, Role, TooManyFailedSignIns
from lms.accounts.models import Agency
from lms.db import db
from lms.web import place_error, post_id_required

bp = Blueprint("accounts", __name__)

INVALID = 422


# A path on this site: a slash not followed by another, then printable ASCII but the
# backslash (browsers read "/\host" as "//host"). No control character (CR and LF would split
# the Location header), no space, so no "//host" and no absolute URL.
SAME_SITE_PATH = re.compile(r"/(?!/)[!-\[\]-~]*")


def _safe_next(target: str | None) -> str:
    """Only a path on this site may follow sign-in: never another host, never a malformed
    header; anything else goes to the dashboard."""
    if target and SAME_SITE_PATH.fullmatch(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("accounts.dashboard")


@bp.get("/")
def home() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/home.html")


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up() -> ResponseReturnValue:
    form = SignUpForm()
    form.agency_id.choices = [(0, "Choose your agency")] + [
        (agency.id, agency.name)
        for agency in db.session.scalars(
            select(Agency).where(Agency.in_post_program.is_(True)).order_by(Agency.name)
        )
    ]
    if form.validate_on_submit():
        try:
            person = services.sign_up(
                email=form.email.data,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                password=form.password.data,
                agency_id=form.agency_id.data,
                role=Role(form.role.data),
            )
        except AccountsError as error:
            db.session.rollback()
            place_error(form, error)
        else:
            login_user(person)
            flash("Your account is ready. Link your POST-ID to start training.", "success")
            return redirect(url_for("accounts.link_post_id"))
    status = INVALID if form.is_submitted() else 200
    return render_template("accounts/sign_up.html", form=form), status


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        try:
            person = services.authenticate(form.email.data, form.password.data)
        except TooManyFailedSignIns as error:
            place_error(form, error)
            status = 429
        except AccountsError as error:
            place_error(form, error)
            status = INVALID
        else:
            login_user(person)
            if services.needs_post_id(person):
                return redirect(url_for("accounts.link_post_id"))
            return redirect(_safe_next(request.args.get("next")))
    elif form.is_submitted():
        status = INVALID
    headers = {"Retry-After": "60"} if status == 429 else {}
    return render_template("accounts/sign_in.html", form=form), status, headers


@bp.post("/sign-out")
@login_required
def sign_out() -> ResponseReturnValue:
    services.sign_out(current_user)
    logout_user()
    flash("You are signed out.", "success")
    return redirect(url_for("accounts.home"))


@bp.route("/post-id", methods=["GET", "POST"])
@login_required
def link_post_id() -> ResponseReturnValue:
    if current_user.post_id is not None:
        return redirect(url_for("accounts.dashboard"))
    form = PostIdForm()
    if form.validate_on_submit():
        try:
            services.link_post_id(current_user, form.post_id.data)
        except AccountsError as error:
            db.session.rollback()
            place_error(form, error)
        else:
            flash(f"Your POST-ID {current_user.post_id} is linked.", "success")
            return redirect(url_for("accounts.dashboard"))
    status = INVALID if form.is_submitted() else 200
    return render_template("accounts/post_id.html", form=form), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """The person's other sessions end with the change; this one goes on, signed in afresh."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            person = services.change_password(
                current_user, form.current_password.data, form.password.data
            )
        except TooManyFailedSignIns as error:
            place_error(form, error)
            status = 429
        except AccountsError as error:
            db.session.rollback()
            place_error(form, error)
            status = INVALID
        else:
            login_user(person)
            flash("Your password is changed. You are signed out everywhere else.", "success")
            return redirect(url_for("accounts.dashboard"))
    elif form.is_submitted():
        status = INVALID
    return render_template("accounts/change_password.html", form=form), status


@bp.get("/dashboard")
@post_id_required
def dashboard() -> ResponseReturnValue:
    from lms.catalog import completions
    from lms.catalog import services as catalog

    agency = current_user.agency
    courses = completions.learner_courses(
        catalog.registrations(current_user, catalog.ACTIVE),
        catalog.registrations(current_user, catalog.COMPLETED),
    )
    return render_template(
        "accounts/dashboard.html",
        active=courses.active,
        completed=courses.completed,
        drop_form=ConfirmForm(),
        agency=agency,
        sub_affiliation=current_user.sub_affiliation,
        sub_affiliation_count=len(sub_affiliation_tree(agency)) if agency else 0,
    )


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    try:
        invitation = invitations.find_open_invitation(token)
    except InvitationInvalid as error:
        return render_template("accounts/invitation_invalid.html", message=error.message), 404
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            person = invitations.accept(token, form.password.data)
        except AccountsError as error:
            place_error(form, error)
        else:
            login_user(person)
            flash("Your password is set and you are signed in.", "success")
            return redirect(url_for("accounts.dashboard"))
    status = INVALID if form.is_submitted() else 200
    return render_template(
        "accounts/accept_invitation.html", form=form, person=invitation.person
    ), status


@bp.route("/request-access", methods=["GET", "POST"])
def request_access() -> ResponseReturnValue:
    form = AccessRequestForm()
    if form.validate_on_submit():
        access_requests.submit(
            organisation_name=form.organisation_name.data,
            contact_first_name=form.contact_first_name.data,
            contact_last_name=form.contact_last_name.data,
            contact_email=form.contact_email.data,
            contact_phone=form.contact_phone.data,
            reason=form.reason.data,
        )
        return render_template("accounts/access_requested.html")
    status = INVALID if form.is_submitted() else 200
    return render_template("accounts/request_access.html", form=form), status
