"""The training manager's dashboard: an agency's (or a sub-affiliation's) training this cycle
at a glance, and the role's actions one click away."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts.interfaces import Role
from lms.facilitation.services import manages
from lms.reports import dashboard as dashboards
from lms.reports.learner_activity import integer_arg
from lms.training.cycles import today
from lms.training.services import agency_for_compliance
from lms.web import role_required

bp = Blueprint("dashboard", __name__)
MANAGERS = (Role.LP_ADMINISTRATOR, Role.TRAINING_MANAGER, Role.POST_STAFF)


@bp.get("/agencies/<int:agency_id>/dashboard")
@role_required(*MANAGERS)
def agency_dashboard(agency_id: int) -> ResponseReturnValue:
    agency = agency_for_compliance(current_user, agency_id)
    sub_affiliation_id = integer_arg(request.args, "sub_affiliation")
    with dashboards.collector_paused():
        found = dashboards.dashboard(agency, today(), sub_affiliation_id)
        return render_template(
            "reports/dashboard.html",
            agency=agency,
            found=found,
            charts=dashboards.charts(found),
            # The facilitation pages are those of the manager's own agency; the agency's page
            # (NPO users, sub-affiliations) is its LP administrators' and POST staff's.
            facilitates=manages(current_user) and current_user.agency_id == agency.id,
            administers=current_user.has_role(Role.LP_ADMINISTRATOR, Role.POST_STAFF),
        )
