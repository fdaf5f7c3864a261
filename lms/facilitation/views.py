"""The facilitation pages: the agency's presentations, a presentation with its rosters, entering
a roster (pasted POST-IDs, people chosen, or a CSV), a roster with its history and corrections,
access to facilitated courses, and a facilitated course's materials."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.accounts.models import Person
from lms.catalog.models import Course
from lms.db import db
from lms.facilitation import materials, services
from lms.facilitation.forms import AccessForm, CorrectionForm, RosterForm, ScheduleForm
from lms.facilitation.interfaces import FacilitationNotFound, RosterRefused
from lms.facilitation.models import Roster
from lms.packages.access import files_url
from lms.web import submit

bp = Blueprint("facilitation", __name__)


def _manager() -> Person:
    if not services.manages(current_user):
        abort(404, "No such page.")
    return current_user


def _people_choices(person: Person) -> list[tuple[int, str]]:
    people = db.session.scalars(
        select(Person)
        .where(Person.agency_id == person.agency_id, Person.post_id.is_not(None))
        .order_by(Person.last_name, Person.first_name)
    )
    return [(p.id, f"{p.last_name}, {p.first_name} ({p.post_id})") for p in people]


@bp.route("/agency/presentations", methods=["GET", "POST"])
@login_required
def presentations() -> ResponseReturnValue:
    manager = _manager()
    form = ScheduleForm()
    form.course_id.choices = [(c.id, c.title) for c in services.facilitated_courses()]
    sent = submit(
        form,
        lambda: services.schedule(
            manager,
            form.course_id.data,
            form.starts_on.data,
            form.ends_on.data,
            location=form.location.data or "",
            facilitated_at_agency=form.facilitated_at_agency.data,
        ),
    )
    if sent.done:
        number = services.course_control_number(sent.value)
        late = (
            " It starts in fewer than 30 days (POST Regulation 1055(d))."
            if sent.value.late_request
            else ""
        )
        flash(f"Presentation {number} is scheduled.{late}", "success")
        return redirect(url_for(".presentation", presentation_id=sent.value.id), 303)
    return render_template(
        "facilitation/presentations.html",
        form=form,
        presentations=services.presentations(manager),
        ccn=services.course_control_number,
    ), sent.status


def _roster_form(manager: Person) -> RosterForm:
    form = RosterForm()
    form.people.choices = _people_choices(manager)
    return form


@bp.route("/agency/presentations/<int:presentation_id>", methods=["GET", "POST"])
@login_required
def presentation(presentation_id: int) -> ResponseReturnValue:
    manager = _manager()
    found = services.presentation_of(manager, presentation_id)
    form = _roster_form(manager)
    line_errors: list = []

    def enter() -> Roster:
        entries = services.pasted(form.attendees.data or "")
        chosen = [db.session.get(Person, pid) for pid in form.people.data or []]
        start = len((form.attendees.data or "").splitlines())
        entries += [services.Entry(start + n, p.post_id) for n, p in enumerate(chosen, 1)]
        upload = form.csv.data
        if upload and getattr(upload, "filename", ""):
            entries += services.from_csv(upload.read(1_000_001)[:1_000_000])
        try:
            return services.submit_roster(
                manager, found.id, entries, form.default_date.data, form.default_hours.data
            )
        except RosterRefused as refused:
            line_errors.extend(refused.errors)
            raise

    sent = submit(form, enter)
    if sent.done:
        flash(f"The roster of {len(sent.value.lines)} attendees is submitted.", "success")
        return redirect(url_for(".roster", roster_id=sent.value.id), 303)
    rosters = db.session.scalars(
        select(Roster).where(Roster.presentation_id == found.id).order_by(Roster.id)
    ).all()
    return render_template(
        "facilitation/presentation.html",
        presentation=found,
        course=db.session.get(Course, found.course_id),
        ccn=services.course_control_number(found),
        form=form,
        line_errors=line_errors,
        rosters=rosters,
    ), sent.status


@bp.route("/agency/rosters/<int:roster_id>", methods=["GET", "POST"])
@login_required
def roster(roster_id: int) -> ResponseReturnValue:
    manager = _manager()
    found = services.roster_of(manager, roster_id)
    current = services.current_lines(found)
    form = CorrectionForm(
        data={"attendees": "\n".join(f"{x.post_id}, {x.attended_on}, {x.hours}" for x in current)}
    )
    line_errors: list = []

    def correct() -> Roster:
        try:
            return services.correct_roster(
                manager, found.id, services.pasted(form.attendees.data), form.reason.data
            )
        except RosterRefused as refused:
            line_errors.extend(refused.errors)
            raise

    sent = submit(form, correct)
    if sent.done:
        flash(
            "The roster is corrected: the changed lines are voided and recorded again.", "success"
        )
        return redirect(url_for(".roster", roster_id=found.id), 303)
    return render_template(
        "facilitation/roster.html",
        roster=found,
        presentation=found.presentation,
        ccn=services.course_control_number(found.presentation),
        current=current,
        people={
            p.id: p
            for p in db.session.scalars(
                select(Person).where(Person.id.in_([x.person_id for x in found.lines]))
            )
        },
        events=[(e, json.loads(e.details or "null")) for e in found.events],
        form=form,
        line_errors=line_errors,
    ), sent.status


@bp.route("/agency/facilitated-access", methods=["GET", "POST"])
@login_required
def access() -> ResponseReturnValue:
    manager = _manager()
    form = AccessForm()
    courses = services.facilitated_courses()
    form.course_id.choices = [(c.id, c.title) for c in courses]
    form.people.choices = _people_choices(manager)
    subs = manager.agency.sub_affiliations
    form.sub_affiliation_id.choices = [(0, "None: the people chosen above")] + [
        (s.id, s.name) for s in subs
    ]
    sent = submit(
        form,
        lambda: services.grant_access(
            manager,
            form.course_id.data,
            form.people.data or [],
            form.sub_affiliation_id.data or None,
        ),
    )
    if sent.done:
        flash(f"{sent.value} more people may be shown the course.", "success")
        return redirect(url_for(".access"), 303)
    return render_template("facilitation/access.html", form=form, courses=courses), sent.status


@bp.get("/facilitated/<int:course_id>")
@login_required
def materials_page(course_id: int) -> ResponseReturnValue:
    """The course's video with captions and its facilitator's guide, for a facilitator or a
    person given access; opening it records nothing."""
    course = db.session.get(Course, course_id)
    if course is None or not services.facilitated(course):
        raise FacilitationNotFound("No such facilitated course.", "course_id")
    if not (services.manages(current_user) or services.has_access(current_user, course.id)):
        raise FacilitationNotFound("No such facilitated course.", "course_id")
    found = materials.materials(course)
    urls = (
        {
            name: files_url(current_user, found.version.id, path)
            for name, path in found.paths.items()
        }
        if found
        else {}
    )
    return render_template("facilitation/materials.html", course=course, urls=urls)
