"""Public and personal pages: sign-up, sign-in, POST-ID, the dashboard, invitations, access."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from lms.accounts import access_requests, bulletins, invitations, services
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
from lms.accounts.interfaces import InvitationInvalid, Role, SignInAttempt, TooManyFailedSignIns
from lms.accounts.models import Agency
from lms.db import db
from lms.web import INVALID, pdf_response, place_error, post_id_required, submit

bp = Blueprint("accounts", __name__)
THROTTLED = {TooManyFailedSignIns: 429}
# The newest bulletins the dashboard shows; the rest are on /bulletins.
DASHBOARD_BULLETINS = 5


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
    sent = submit(
        form,
        lambda: services.sign_up(
            email=form.email.data,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            password=form.password.data,
            agency_id=form.agency_id.data,
            role=Role(form.role.data),
        ),
    )
    if sent.done:
        login_user(sent.value)
        flash("Your account is ready. Link your POST-ID to start training.", "success")
        return redirect(url_for("accounts.link_post_id"))
    return render_template("accounts/sign_up.html", form=form), sent.status


def _refused(form: SignInForm | ChangePasswordForm, attempt: SignInAttempt) -> int:
    """A wrong password: shown beside its field without discarding the unit of work, which
    keeps the failed attempt counted (services.sign_in returns the refusal, not raises it)."""
    assert attempt.refusal is not None
    place_error(form, attempt.refusal)
    return INVALID


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    form = SignInForm()
    sent = submit(
        form, lambda: services.sign_in(form.email.data, form.password.data), statuses=THROTTLED
    )
    status = sent.status
    if sent.done and sent.value.person is not None:
        login_user(sent.value.person)
        if services.needs_post_id(sent.value.person):
            return redirect(url_for("accounts.link_post_id"))
        return redirect(_safe_next(request.args.get("next")))
    if sent.done:
        status = _refused(form, sent.value)
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
    sent = submit(form, lambda: services.link_post_id(current_user, form.post_id.data))
    if sent.done:
        flash(f"Your POST-ID {current_user.post_id} is linked.", "success")
        return redirect(url_for("accounts.dashboard"))
    return render_template("accounts/post_id.html", form=form), sent.status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """The person's other sessions end with the change; this one goes on, signed in afresh."""
    form = ChangePasswordForm()
    sent = submit(
        form,
        lambda: services.change_password(
            current_user, form.current_password.data, form.password.data
        ),
        statuses=THROTTLED,
    )
    status = sent.status
    if sent.done and sent.value.person is not None:
        login_user(sent.value.person)
        flash("Your password is changed. You are signed out everywhere else.", "success")
        return redirect(url_for("accounts.dashboard"))
    if sent.done:
        status = _refused(form, sent.value)
    return render_template("accounts/change_password.html", form=form), status


@bp.get("/dashboard")
@post_id_required
def dashboard() -> ResponseReturnValue:
    from lms.catalog import services as catalog
    from lms.customization import services as customization
    from lms.player.launch import launch_refusal
    from lms.training import completions

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
        customization_tasks=customization.tasks(current_user),
        # Why a course cannot be started now (its agency has not published, …), said up front.
        not_startable={r.id: launch_refusal(current_user, r) for r in courses.active},
        bulletins=bulletins.list_for(current_user, limit=DASHBOARD_BULLETINS),
        unread_bulletins=bulletins.unread_count(current_user),
    )


@bp.get("/bulletins")
@post_id_required
def bulletin_list() -> ResponseReturnValue:
    return render_template("accounts/bulletins.html", bulletins=bulletins.list_for(current_user))


@bp.get("/bulletins/<int:bulletin_id>")
@post_id_required
def bulletin_page(bulletin_id: int) -> ResponseReturnValue:
    """The bulletin; opening it marks it read (it is no longer shown as new)."""
    was_read = bulletins.get(current_user, bulletin_id).read
    bulletin = bulletins.mark_read(current_user, bulletin_id)
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", bulletin.text) if part.strip()]
    return render_template(
        "accounts/bulletin.html", bulletin=bulletin, paragraphs=paragraphs, was_read=was_read
    )


@bp.get("/bulletins/<int:bulletin_id>/pdf")
@post_id_required
def bulletin_pdf(bulletin_id: int) -> ResponseReturnValue:
    bulletin = bulletins.pdf_of(current_user, bulletin_id)
    return pdf_response(bulletin.pdf_key, bulletin.pdf_filename or "", bulletin.pdf_size)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    try:
        invitation = invitations.find_open_invitation(token)
    except InvitationInvalid as error:
        return render_template("accounts/invitation_invalid.html", message=error.message), 404
    form = AcceptInvitationForm()
    sent = submit(form, lambda: invitations.accept(token, form.password.data))
    if sent.done:
        login_user(sent.value)
        flash("Your password is set and you are signed in.", "success")
        return redirect(url_for("accounts.dashboard"))
    return render_template(
        "accounts/accept_invitation.html", form=form, person=invitation.person
    ), sent.status


@bp.route("/request-access", methods=["GET", "POST"])
def request_access() -> ResponseReturnValue:
    form = AccessRequestForm()
    sent = submit(
        form,
        lambda: access_requests.submit(
            organisation_name=form.organisation_name.data,
            contact_first_name=form.contact_first_name.data,
            contact_last_name=form.contact_last_name.data,
            contact_email=form.contact_email.data,
            contact_phone=form.contact_phone.data,
            reason=form.reason.data,
        ),
    )
    if sent.done:
        return render_template("accounts/access_requested.html")
    return render_template("accounts/request_access.html", form=form), sent.status
