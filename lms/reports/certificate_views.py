"""Completion certificates: the learner's own, a learner's for their training manager, a
course's for a date range as one zip, and the public verification page."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts.interfaces import Role
from lms.reports import certificates
from lms.reports.interfaces import BadReportFilter, ReportNotFound
from lms.reports.models import Certificate
from lms.training.cycles import cycle_of, today
from lms.training.services import agency_for_compliance
from lms.web import INVALID, post_id_required, role_required

bp = Blueprint("certificates", __name__)
MANAGERS = (Role.LP_ADMINISTRATOR, Role.TRAINING_MANAGER, Role.POST_STAFF)


@bp.get("/profile/certificates/<int:entry_id>.pdf")
@post_id_required
def own_certificate(entry_id: int) -> ResponseReturnValue:
    entry = certificates.own_entry(current_user, entry_id)
    return _pdf(certificates.issue(entry))


@bp.get("/agencies/<int:agency_id>/certificates/<int:entry_id>.pdf")
@role_required(*MANAGERS)
def learner_certificate(agency_id: int, entry_id: int) -> ResponseReturnValue:
    entry = certificates.learner_entry(current_user, agency_id, entry_id)
    return _pdf(certificates.issue(entry))


@bp.get("/agencies/<int:agency_id>/certificates")
@role_required(*MANAGERS)
def course_certificates(agency_id: int) -> ResponseReturnValue:
    agency = agency_for_compliance(current_user, agency_id)
    cycle = cycle_of(today())
    chosen = {"course": "", "since": cycle.starts.isoformat(), "until": today().isoformat()}
    return _course_page(agency, chosen)


@bp.get("/agencies/<int:agency_id>/certificates.zip")
@role_required(*MANAGERS)
def course_certificates_zip(agency_id: int) -> ResponseReturnValue:
    agency = agency_for_compliance(current_user, agency_id)
    chosen = {name: request.args.get(name, "") for name in ("course", "since", "until")}
    try:
        found = certificates.course_range(
            current_user, agency_id, chosen["course"], chosen["since"], chosen["until"]
        )
        entries = certificates.entries_in(found)
    except BadReportFilter as error:
        return _course_page(agency, chosen, errors={error.field or "": error.message}), INVALID
    if not entries:
        message = (
            f"No certificates: nobody of {agency.name} completed {found.course.title} between "
            f"{found.since:%-m/%-d/%Y} and {found.until:%-m/%-d/%Y}."
        )
        return _course_page(agency, chosen, empty=message)
    archive = certificates.write_zip(entries)
    response = send_file(
        archive,
        mimetype="application/zip",
        as_attachment=True,
        download_name=certificates.zip_name(found),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _course_page(
    agency: object,
    chosen: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    empty: str | None = None,
) -> str:
    return render_template(
        "reports/certificates/course.html",
        agency=agency,
        courses=sorted(certificates.courses_completed_in(agency), key=lambda c: c.title.lower()),
        chosen=chosen,
        errors=errors or {},
        empty=empty,
        limit=certificates.ZIP_LIMIT,
    )


@bp.get("/verify")
def verify_form() -> ResponseReturnValue:
    typed = request.args.get("code", "").strip()
    if typed:
        code = certificates.normalise_code(typed)
        return redirect(url_for(".verify", code=code or typed[:60]), 303)
    return render_template("reports/certificates/verify_form.html")


@bp.get("/verify/<code>")
def verify(code: str) -> ResponseReturnValue:
    try:
        found = certificates.verification(code)
    except ReportNotFound as error:
        return render_template(
            "reports/certificates/verify_form.html", unknown=error.message, typed=code[:60]
        ), 404
    return render_template(
        "reports/certificates/verify.html",
        certificate=found.certificate,
        standing=found.standing,
        Standing=certificates.Standing,
    )


def _pdf(certificate: Certificate) -> Response:
    response = Response(certificates.render_pdf(certificate), mimetype="application/pdf")
    name = certificates.pdf_name(certificate)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
