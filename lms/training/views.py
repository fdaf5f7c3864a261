"""The Training Profile (each person's own), agency compliance (training managers, LP
administrators, POST staff), and the exports of both."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts import agencies
from lms.accounts.interfaces import Role
from lms.accounts.models import Agency
from lms.catalog.interfaces import Mandate, PspCategory
from lms.training import exports, services
from lms.training.cycles import PSP_HOURS_REQUIRED, cycle_of, today
from lms.training.mandates import Standing
from lms.web import post_id_required, role_required

bp = Blueprint("training", __name__)
MANAGERS = (Role.LP_ADMINISTRATOR, Role.TRAINING_MANAGER, Role.POST_STAFF)
SHOW = {
    "all": "Everyone",
    "short": "Short of hours or a PSP category",
    "overdue": "A mandate overdue",
    "due-soon": "A mandate due soon",
    "compliant": "On track",
}
SORTS = {
    "name": lambda row: (row.person.last_name.lower(), row.person.first_name.lower()),
    "hours": lambda row: (row.profile.cpt_hours, row.person.last_name.lower()),
    "short": lambda row: (-row.profile.cpt_short_by, row.person.last_name.lower()),
    "sub-affiliation": lambda row: (
        row.person.sub_affiliation.name.lower() if row.person.sub_affiliation else "",
        row.person.last_name.lower(),
    ),
}
COMPLIANCE_COLUMNS = (
    "post_id",
    "last_name",
    "first_name",
    "sub_affiliation",
    "cycle",
    "cpt_hours",
    "cpt_required",
    "cpt_short_by",
    "psp_categories_short",
    "mandates_overdue",
    "mandates_due_soon",
)


@bp.get("/profile")
@post_id_required
def training_profile() -> ResponseReturnValue:
    return render_template(
        "training/profile.html",
        profile=services.profile(current_user, today()),
        psp_required=PSP_HOURS_REQUIRED,
        Standing=Standing,
    )


@bp.get("/profile/entries.<any(csv, json):kind>")
@post_id_required
def profile_export(kind: str) -> ResponseReturnValue:
    entries = services.entries_of([current_user.id]).get(current_user.id, [])
    rows = [exports.row(entry, current_user) for entry in entries]
    return _download(rows, kind, "training-profile")


def _filtered(agency: Agency) -> tuple[list[services.ComplianceRow], dict[str, object]]:
    """The compliance rows the query string asks for: sub_affiliation, show, sort, order."""
    sub_id = request.args.get("sub_affiliation", type=int)
    if sub_id is not None and not services.sub_affiliation_ids_under(agency, sub_id):
        abort(404, "No such sub-affiliation in this agency.")
    show = request.args.get("show", "all")
    if show not in SHOW:
        abort(400, f"The field 'show' must be one of {', '.join(SHOW)}.")
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        abort(400, f"The field 'sort' must be one of {', '.join(SORTS)}.")
    descending = request.args.get("order") == "desc"
    rows = services.compliance(agency, today(), sub_id)
    everyone = rows
    keep = {
        "all": lambda row: True,
        "short": lambda row: bool(row.profile.cpt_short_by or row.profile.psp_short),
        "overdue": lambda row: bool(row.overdue),
        "due-soon": lambda row: bool(row.due_soon),
        "compliant": lambda row: row.compliant,
    }[show]
    rows = sorted((row for row in rows if keep(row)), key=SORTS[sort], reverse=descending)
    return rows, {
        "sub_affiliation": sub_id,
        "show": show,
        "sort": sort,
        "order": "desc" if descending else "asc",
        "everyone": everyone,
    }


@bp.get("/agencies/<int:agency_id>/compliance")
@role_required(*MANAGERS)
def agency_compliance(agency_id: int) -> ResponseReturnValue:
    agency = services.agency_for_compliance(current_user, agency_id)
    rows, chosen = _filtered(agency)
    cycle = cycle_of(today())
    tree = agencies.sub_affiliation_tree(agency)
    everyone = services.compliance(agency, today())
    return render_template(
        "training/compliance.html",
        agency=agency,
        rows=rows,
        chosen=chosen,
        shows=SHOW,
        tree=tree,
        summary=services.summary_by_sub_affiliation(agency, everyone, tree),
        cycle=cycle,
        chart=services.progress_by_month(chosen["everyone"], cycle, today()),  # type: ignore[arg-type]
        Mandate=Mandate,
        PspCategory=PspCategory,
    )


@bp.get("/agencies/<int:agency_id>/compliance.csv")
@role_required(*MANAGERS)
def agency_compliance_export(agency_id: int) -> ResponseReturnValue:
    agency = services.agency_for_compliance(current_user, agency_id)
    rows, _ = _filtered(agency)
    table = [
        {
            "post_id": row.person.post_id or "",
            "last_name": row.person.last_name,
            "first_name": row.person.first_name,
            "sub_affiliation": row.person.sub_affiliation.name
            if row.person.sub_affiliation
            else "",
            "cycle": row.profile.cycle.label.replace("–", "-"),
            "cpt_hours": str(row.profile.cpt_hours),
            "cpt_required": str(row.profile.cpt_required or Decimal(0)),
            "cpt_short_by": str(row.profile.cpt_short_by),
            "psp_categories_short": " ".join(c.value for c in row.profile.psp_short),
            "mandates_overdue": " ".join(m.value for m in row.overdue),
            "mandates_due_soon": " ".join(m.value for m in row.due_soon),
        }
        for row in rows
    ]
    return _download(table, "csv", f"compliance-{agency.agency_number}", COMPLIANCE_COLUMNS)


@bp.get("/agencies/<int:agency_id>/entries.<any(csv, json):kind>")
@role_required(*MANAGERS)
def agency_entries_export(agency_id: int, kind: str) -> ResponseReturnValue:
    agency = services.agency_for_compliance(current_user, agency_id)
    people = {p.id: p for p in agencies.people_of(agency)}
    entries = services.entries_of(people)
    rows = [exports.row(e, people[pid]) for pid, listed in entries.items() for e in listed]
    return _download(rows, kind, f"cpt-entries-{agency.agency_number}")


def _download(
    rows: list[dict[str, object]],
    kind: str,
    name: str,
    columns: tuple[str, ...] = exports.COLUMNS,
) -> Response:
    if kind == "json":
        body, mimetype = exports.as_json(rows), "application/json"
    else:
        body, mimetype = exports.as_csv(rows, columns), "text/csv"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )
