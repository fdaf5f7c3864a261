"""The Learner Activity report, its CSV export, and the drill-down from a person to their
attempts and to the statements behind their CPT entries (training managers, LP
administrators of the agency, POST staff)."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts import agencies
from lms.accounts.interfaces import Role
from lms.db import db
from lms.reports import drill_down, learner_activity
from lms.reports.interfaces import ActivityStatus
from lms.spreadsheets import csv_chunks
from lms.training.services import agency_for_compliance
from lms.web import role_required

bp = Blueprint("reports", __name__)
MANAGERS = (Role.LP_ADMINISTRATOR, Role.TRAINING_MANAGER, Role.POST_STAFF)


@bp.get("/agencies/<int:agency_id>/activity")
@role_required(*MANAGERS)
def activity(agency_id: int) -> ResponseReturnValue:
    agency = agency_for_compliance(current_user, agency_id)
    chosen = learner_activity.parse_filter(agency, request.args)
    return render_template(
        "reports/activity.html",
        agency=agency,
        chosen=chosen,
        found=learner_activity.page(agency, chosen),
        tree=agencies.sub_affiliation_tree(agency),
        courses=learner_activity.courses_of(agency),
        statuses=list(ActivityStatus),
        sorts=learner_activity.SORTS,
    )


@bp.get("/agencies/<int:agency_id>/activity.csv")
@role_required(*MANAGERS)
def activity_export(agency_id: int) -> ResponseReturnValue:
    """Every row the filter gives, streamed: the rows are read from the database as the CSV
    is sent, on a connection of the export's own, so memory stays bounded."""
    agency = agency_for_compliance(current_user, agency_id)
    query = learner_activity.export_query(
        agency, learner_activity.parse_filter(agency, request.args)
    )
    name = f"learner-activity-{agency.agency_number}.csv"
    engine = db.engine  # the generator runs after the request's contexts are gone

    def body():  # noqa: ANN202 (a generator of CSV text)
        with engine.connect() as connection:
            yield from csv_chunks(
                learner_activity.CSV_HEADER,
                learner_activity.csv_rows(query, connection),
                made_safe=True,
            )

    return Response(
        body(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/agencies/<int:agency_id>/people/<int:person_id>/activity")
@role_required(*MANAGERS)
def person_activity(agency_id: int, person_id: int) -> ResponseReturnValue:
    agency = agency_for_compliance(current_user, agency_id)
    person = drill_down.person_of(agency, person_id)
    return render_template(
        "reports/person.html",
        agency=agency,
        person=person,
        rows=learner_activity.rows_of_person(agency, person.id),
        entries=drill_down.entries_of(person),
    )


@bp.get("/agencies/<int:agency_id>/registrations/<int:registration_id>")
@role_required(*MANAGERS)
def registration_activity(agency_id: int, registration_id: int) -> ResponseReturnValue:
    agency = agency_for_compliance(current_user, agency_id)
    registration = drill_down.registration_of(agency, registration_id)
    events = drill_down.events_of(registration)
    return render_template(
        "reports/registration.html",
        agency=agency,
        registration=registration,
        person=drill_down.person_of(agency, registration.person_id),
        attempts=drill_down.attempts_of(events),
        events=events,
        events_shown=drill_down.EVENTS_SHOWN,
        verb_name=drill_down.verb_name,
    )


@bp.get("/agencies/<int:agency_id>/statements/<statement_id>")
@role_required(*MANAGERS)
def statement(agency_id: int, statement_id: str) -> ResponseReturnValue:
    agency = agency_for_compliance(current_user, agency_id)
    shown = drill_down.statement_for(agency, statement_id)
    return render_template(
        "reports/statement.html",
        agency=agency,
        shown=shown,
        text=json.dumps(shown.statement, indent=2, sort_keys=True, ensure_ascii=False),
    )
