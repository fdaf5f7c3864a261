"""Agency administration: NPO users, sub-affiliations and learners, scoped to the agency.

An LP administrator reaches only their own agency (any other answers 404); POST staff reach all.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts import agencies
from lms.accounts.forms import (
    AgencyForm,
    MoveLearnerForm,
    MoveSubAffiliationForm,
    NpoForm,
    RenameSubAffiliationForm,
    RolesForm,
    SubAffiliationForm,
)
from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person, SubAffiliation
from lms.web import role_required, submit

bp = Blueprint("admin", __name__, url_prefix="/agencies")

ADMINISTRATORS = (Role.LP_ADMINISTRATOR, Role.POST_STAFF)


def _agency(agency_id: int) -> Agency:
    return agencies.agency_for(current_user, agency_id)  # NotFound answers 404


def _tree_choices(agency: Agency, *, top_label: str, exclude_id: int | None = None) -> list:
    choices: list[tuple[str, str]] = [("", top_label)]
    for sub, depth in agencies.sub_affiliation_tree(agency):
        if sub.id != exclude_id:
            choices.append((sub.id, "\u2014 " * depth + sub.name))
    return choices


def _overview(agency: Agency, status: int = 200, **forms: object) -> ResponseReturnValue:
    sub_form = forms.get("sub_form") or SubAffiliationForm(formdata=None)
    sub_form.parent_id.choices = _tree_choices(agency, top_label="(top level)")
    npo_form = forms.get("npo_form") or NpoForm(formdata=None)
    return render_template(
        "admin/agency.html",
        agency=agency,
        tree=agencies.sub_affiliation_tree(agency),
        people=agencies.people_of(agency),
        sub_form=sub_form,
        npo_form=npo_form,
        invitation_link=forms.get("invitation_link"),
    ), status


@bp.get("/")
@role_required(*ADMINISTRATORS)
def agency_list() -> ResponseReturnValue:
    visible = agencies.agencies_visible_to(current_user)
    if len(visible) == 1 and not current_user.is_post_staff:
        return redirect(url_for("admin.agency_overview", agency_id=visible[0].id))
    return render_template("admin/agencies.html", agencies=visible)


@bp.get("/<int:agency_id>/")
@role_required(*ADMINISTRATORS)
def agency_overview(agency_id: int) -> ResponseReturnValue:
    return _overview(_agency(agency_id))


@bp.post("/<int:agency_id>/npo")
@role_required(*ADMINISTRATORS)
def add_npo(agency_id: int) -> ResponseReturnValue:
    agency = _agency(agency_id)
    form = NpoForm()
    sent = submit(
        form,
        lambda: agencies.add_npo(
            agency,
            email=form.email.data,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
        ),
    )
    if sent.done:
        person, token = sent.value
        link = url_for("accounts.accept_invitation", token=token, _external=True)
        flash(
            f"{person.full_name} was added. Send them this one-time link to set a password.",
            "success",
        )
        return _overview(agency, invitation_link=link)
    return _overview(agency, sent.status, npo_form=form)


@bp.post("/<int:agency_id>/sub-affiliations")
@role_required(*ADMINISTRATORS)
def create_sub_affiliation(agency_id: int) -> ResponseReturnValue:
    agency = _agency(agency_id)
    form = SubAffiliationForm()
    form.parent_id.choices = _tree_choices(agency, top_label="(top level)")
    sent = submit(
        form, lambda: agencies.create_sub_affiliation(agency, form.name.data, form.parent_id.data)
    )
    if sent.done:
        flash(f"Sub-affiliation “{sent.value.name}” created.", "success")
        return redirect(url_for("admin.agency_overview", agency_id=agency.id))
    return _overview(agency, sent.status, sub_form=form)


def _sub_affiliation_page(
    agency: Agency,
    sub: SubAffiliation,
    status: int = 200,
    rename_form: RenameSubAffiliationForm | None = None,
    move_form: MoveSubAffiliationForm | None = None,
) -> ResponseReturnValue:
    rename_form = rename_form or RenameSubAffiliationForm(formdata=None, data={"name": sub.name})
    move_form = move_form or MoveSubAffiliationForm(
        formdata=None, data={"parent_id": sub.parent_id or ""}
    )
    move_form.parent_id.choices = _tree_choices(agency, top_label="(top level)", exclude_id=sub.id)
    return render_template(
        "admin/sub_affiliation.html",
        agency=agency,
        sub=sub,
        rename_form=rename_form,
        move_form=move_form,
    ), status


@bp.get("/<int:agency_id>/sub-affiliations/<int:sub_id>")
@role_required(*ADMINISTRATORS)
def sub_affiliation_page(agency_id: int, sub_id: int) -> ResponseReturnValue:
    agency = _agency(agency_id)
    return _sub_affiliation_page(agency, agencies.get_sub_affiliation(agency, sub_id))


@bp.post("/<int:agency_id>/sub-affiliations/<int:sub_id>/rename")
@role_required(*ADMINISTRATORS)
def rename_sub_affiliation(agency_id: int, sub_id: int) -> ResponseReturnValue:
    agency = _agency(agency_id)
    sub = agencies.get_sub_affiliation(agency, sub_id)
    form = RenameSubAffiliationForm()
    sent = submit(form, lambda: agencies.rename_sub_affiliation(agency, sub.id, form.name.data))
    if sent.done:
        flash(f"Sub-affiliation renamed to “{sub.name}”.", "success")
        return redirect(url_for("admin.agency_overview", agency_id=agency.id))
    return _sub_affiliation_page(agency, sub, sent.status, rename_form=form)


@bp.post("/<int:agency_id>/sub-affiliations/<int:sub_id>/move")
@role_required(*ADMINISTRATORS)
def move_sub_affiliation(agency_id: int, sub_id: int) -> ResponseReturnValue:
    agency = _agency(agency_id)
    sub = agencies.get_sub_affiliation(agency, sub_id)
    form = MoveSubAffiliationForm()
    form.parent_id.choices = _tree_choices(agency, top_label="(top level)", exclude_id=sub.id)
    sent = submit(form, lambda: agencies.move_sub_affiliation(agency, sub.id, form.parent_id.data))
    if sent.done:
        flash(f"Sub-affiliation “{sub.name}” moved.", "success")
        return redirect(url_for("admin.agency_overview", agency_id=agency.id))
    return _sub_affiliation_page(agency, sub, sent.status, move_form=form)


def _roles_form(person: Person, formdata: object = None) -> RolesForm:
    assignable = agencies.assignable_roles(current_user, person)
    form = RolesForm(
        formdata=formdata, data={"roles": [str(r) for r in person.roles if r in assignable]}
    )
    form.roles.choices = [(str(role), role.label) for role in assignable]
    return form


def _person_page(
    agency: Agency,
    person: Person,
    status: int = 200,
    move_form: MoveLearnerForm | None = None,
    roles_form: RolesForm | None = None,
) -> ResponseReturnValue:
    move_form = move_form or MoveLearnerForm(
        formdata=None, data={"sub_affiliation_id": person.sub_affiliation_id or ""}
    )
    move_form.sub_affiliation_id.choices = _tree_choices(agency, top_label="(none)")
    return render_template(
        "admin/person.html",
        agency=agency,
        person=person,
        form=move_form,
        roles_form=roles_form or _roles_form(person),
    ), status


@bp.get("/<int:agency_id>/people/<int:person_id>")
@role_required(*ADMINISTRATORS)
def person_page(agency_id: int, person_id: int) -> ResponseReturnValue:
    agency = _agency(agency_id)
    return _person_page(agency, agencies.person_of(agency, person_id))


@bp.post("/<int:agency_id>/people/<int:person_id>")
@role_required(*ADMINISTRATORS)
def move_person(agency_id: int, person_id: int) -> ResponseReturnValue:
    """Move a learner into another sub-affiliation of the agency, or out of all of them."""
    agency = _agency(agency_id)
    person = agencies.person_of(agency, person_id)
    form = MoveLearnerForm()
    form.sub_affiliation_id.choices = _tree_choices(agency, top_label="(none)")
    sent = submit(
        form, lambda: agencies.move_learner(agency, person.id, form.sub_affiliation_id.data)
    )
    if sent.done:
        flash(f"{person.full_name} moved.", "success")
        return redirect(url_for("admin.agency_overview", agency_id=agency.id))
    return _person_page(agency, person, sent.status, move_form=form)


@bp.post("/<int:agency_id>/people/<int:person_id>/roles")
@role_required(*ADMINISTRATORS)
def set_roles(agency_id: int, person_id: int) -> ResponseReturnValue:
    agency = _agency(agency_id)
    person = agencies.person_of(agency, person_id)
    form = _roles_form(person, formdata=request.form)
    sent = submit(
        form,
        lambda: agencies.set_roles(
            current_user, agency, person.id, {Role(r) for r in form.roles.data}
        ),
    )
    if sent.done:
        flash(f"Roles of {person.full_name} saved.", "success")
        return redirect(url_for("admin.person_page", agency_id=agency.id, person_id=person.id))
    return _person_page(agency, person, sent.status, roles_form=form)


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.POST_STAFF)
def new_agency() -> ResponseReturnValue:
    """POST staff add an agency of the POST program (or another) by hand."""
    form = AgencyForm()
    sent = submit(
        form,
        lambda: agencies.create_agency(
            name=form.name.data,
            agency_number=form.agency_number.data,
            in_post_program=form.in_post_program.data,
        ),
    )
    if sent.done:
        agency = sent.value
        flash(f"Agency {agency.name} ({agency.agency_number}) created.", "success")
        return redirect(url_for("admin.agency_overview", agency_id=agency.id))
    return render_template("admin/new_agency.html", form=form), sent.status
