"""POST staff: deciding access requests from agencies outside the POST program, LRS
credentials, publishing bulletins to every account."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts import access_requests, bulletins, services
from lms.accounts.forms import BulletinForm, CredentialForm, DecisionForm
from lms.accounts.interfaces import AccountsError, BulletinFields, Role
from lms.accounts.models import AccessRequest
from lms.web import act, role_required, submit
from lrs.api import CREDENTIAL_SCOPES

bp = Blueprint("staff", __name__, url_prefix="/staff")
# A request decided meanwhile, or a contact who has an account: the decision conflicts.
CONFLICT = {AccountsError: 409}


def _request_page(
    access_request: AccessRequest,
    status: int = 200,
    form: DecisionForm | None = None,
    invitation_link: str | None = None,
) -> ResponseReturnValue:
    return render_template(
        "staff/access_request.html",
        access_request=access_request,
        form=form or DecisionForm(formdata=None),
        invitation_link=invitation_link,
    ), status


@bp.get("/access-requests")
@role_required(Role.POST_STAFF)
def access_request_list() -> ResponseReturnValue:
    return render_template("staff/access_requests.html", requests=access_requests.all_requests())


@bp.get("/access-requests/<int:request_id>")
@role_required(Role.POST_STAFF)
def access_request_page(request_id: int) -> ResponseReturnValue:
    return _request_page(access_requests.get_request(request_id))


@bp.post("/access-requests/<int:request_id>/approve")
@role_required(Role.POST_STAFF)
def approve(request_id: int) -> ResponseReturnValue:
    access_request = access_requests.get_request(request_id)
    form = DecisionForm()
    sent = submit(
        form,
        lambda: access_requests.approve(access_request.id, current_user, form.note.data),
        statuses=CONFLICT,
    )
    if not sent.done:
        return _request_page(access_request, sent.status, form)
    agency, token = sent.value
    link = url_for("accounts.accept_invitation", token=token, _external=True)
    flash(
        f"Approved: {agency.name} ({agency.agency_number}) was created. Send its first LP "
        "administrator the one-time link below; it is shown only now.",
        "success",
    )
    return _request_page(access_request, invitation_link=link)


@bp.post("/access-requests/<int:request_id>/deny")
@role_required(Role.POST_STAFF)
def deny(request_id: int) -> ResponseReturnValue:
    access_request = access_requests.get_request(request_id)
    form = DecisionForm()
    sent = submit(
        form,
        lambda: access_requests.deny(access_request.id, current_user, form.note.data),
        statuses=CONFLICT,
    )
    if not sent.done:
        return _request_page(access_request, sent.status, form)
    flash(f"Denied the request from {access_request.organisation_name}.", "success")
    return redirect(url_for("staff.access_request_list"))


def _credential_form(formdata: object = None) -> CredentialForm:
    form = CredentialForm(formdata=formdata) if formdata is not None else CredentialForm()
    form.scopes.choices = [(scope, scope) for scope in CREDENTIAL_SCOPES]
    return form


def _credentials_page(
    form: CredentialForm, status: int = 200, created: dict | None = None
) -> ResponseReturnValue:
    return render_template(
        "staff/credentials.html",
        form=form,
        credentials=current_app.extensions["lrs"].list_credentials(),
        created=created,
        endpoint=url_for("xapi.about", _external=True).removesuffix("/about"),
    ), status


@bp.get("/lrs-credentials")
@role_required(Role.POST_STAFF)
def credential_list() -> ResponseReturnValue:
    return _credentials_page(_credential_form())


@bp.post("/lrs-credentials")
@role_required(Role.POST_STAFF)
def create_credential() -> ResponseReturnValue:
    """A key and secret for the LRS; the secret is shown this once and never again."""
    form = _credential_form()
    sent = submit(
        form, lambda: services.issue_lrs_credential(form.name.data, list(form.scopes.data))
    )
    if not sent.done:
        return _credentials_page(form, sent.status)
    credential, secret = sent.value
    created = {"name": credential.name, "key": credential.key, "secret": secret}
    return _credentials_page(_credential_form(), created=created)


@bp.post("/lrs-credentials/<key>/revoke")
@role_required(Role.POST_STAFF)
def revoke_credential(key: str) -> ResponseReturnValue:
    act(lambda: services.revoke_lrs_credential(key), back=url_for("staff.credential_list"))
    flash(f"Credential {key} revoked: it stops working at once.", "success")
    return redirect(url_for("staff.credential_list"))


def _bulletins_page(form: BulletinForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "staff/bulletins.html", form=form, bulletins=bulletins.list_for(current_user)
    ), status


@bp.get("/bulletins")
@role_required(Role.POST_STAFF)
def bulletin_list() -> ResponseReturnValue:
    return _bulletins_page(BulletinForm(formdata=None, data={"published_on": dt.date.today()}))


def _publish(form: BulletinForm):
    upload = form.pdf.data
    pdf = upload.read() if upload and getattr(upload, "filename", "") else None
    fields = BulletinFields(form.title.data, form.published_on.data, form.text.data)
    return bulletins.publish(current_user, fields, pdf, upload.filename if pdf is not None else "")


@bp.post("/bulletins")
@role_required(Role.POST_STAFF)
def publish_bulletin() -> ResponseReturnValue:
    form = BulletinForm()
    sent = submit(form, lambda: _publish(form))
    if not sent.done:
        return _bulletins_page(form, sent.status)
    flash(f"Bulletin “{sent.value.title}” published to every account.", "success")
    return redirect(url_for("staff.bulletin_list"), 303)
