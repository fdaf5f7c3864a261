"""The catalog for learners (register, drop) and for POST staff (create and edit courses)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.accounts.interfaces import Role
from lms.catalog import services
from lms.catalog.forms import CourseForm, SearchForm
from lms.catalog.interfaces import (
    Audience,
    Completion,
    CreditRule,
    Delivery,
    Mandate,
    PspCategory,
)
from lms.catalog.models import Course
from lms.packages.services import latest_version, versions_of
from lms.packages.staff_warnings import check_warnings_read, course_warnings
from lms.web import act, post_id_required, role_required, submit

bp = Blueprint("catalog", __name__)


@bp.get("/courses")
@post_id_required
def course_catalog() -> ResponseReturnValue:
    search = SearchForm(request.args)
    search.validate()
    found = services.catalog(
        current_user,
        query=search.q.data or "",
        audience=search.audience.data or "",
        delivery=search.delivery.data or "",
    )
    registered = {r.course_id for r in services.registrations(current_user, services.ACTIVE)}
    return render_template(
        "catalog/courses.html",
        search=search,
        found=found,
        registered=registered,
        form=ConfirmForm(),
    )


@bp.post("/courses/<int:course_id>/register")
@post_id_required
def register(course_id: int) -> ResponseReturnValue:
    registration = act(
        lambda: services.register(current_user, course_id),
        back=url_for("catalog.course_catalog"),
    )
    flash(f"You are registered for {registration.course.title}.", "success")
    return redirect(url_for("accounts.dashboard"))


@bp.post("/registrations/<int:registration_id>/drop")
@post_id_required
def drop(registration_id: int) -> ResponseReturnValue:
    registration = act(
        lambda: services.drop(current_user, registration_id), back=url_for("accounts.dashboard")
    )
    flash(f"You dropped {registration.course.title}.", "success")
    return redirect(url_for("accounts.dashboard"))


def _fields(form: CourseForm) -> services.CourseFields:
    return services.CourseFields(
        slug=form.slug.data,
        title=form.title.data,
        description=form.description.data or "",
        audience={Audience(code) for code in form.audience.data},
        delivery=Delivery(form.delivery.data),
        published=bool(form.published.data),
        certification_number=form.certification_number.data.strip(),
        cpt_hours=Decimal(form.cpt_hours.data),
        credit_rule=CreditRule(form.credit_rule.data),
        completion=Completion(form.completion.data),
        psp_category=PspCategory(form.psp_category.data) if form.psp_category.data else None,
        mandates={Mandate(code) for code in form.mandates.data},
    )


def _form_for(course: Course | None) -> CourseForm:
    if request.method == "POST" or course is None:
        return CourseForm()
    certification = course.certification
    return CourseForm(
        data={
            "title": course.title,
            "slug": course.slug,
            "description": course.description,
            "audience": sorted(a.value for a in course.audience),
            "delivery": course.delivery,
            "published": course.published,
            "certification_number": certification.certification_number if certification else "",
            "cpt_hours": certification.cpt_hours if certification else Decimal(0),
            "credit_rule": certification.credit_rule if certification else CreditRule.AUTOMATIC,
            "completion": certification.completion if certification else Completion.COMPLETED,
            "psp_category": (certification.psp_category or "") if certification else "",
            "mandates": certification.mandate_codes.split() if certification else [],
        }
    )


@bp.get("/staff/courses")
@role_required(Role.POST_STAFF)
def course_list() -> ResponseReturnValue:
    courses = services.all_courses()
    return render_template(
        "catalog/staff_courses.html",
        courses=courses,
        latest={course.id: latest_version(course.id) for course in courses},
    )


@bp.route("/staff/courses/new", methods=["GET", "POST"], endpoint="new_course")
@bp.route("/staff/courses/<int:course_id>", methods=["GET", "POST"])
@role_required(Role.POST_STAFF)
def edit_course(course_id: int | None = None) -> ResponseReturnValue:
    course = services.get_course(course_id) if course_id is not None else None
    form = _form_for(course)

    def save() -> Course:
        check_warnings_read(course, bool(form.published.data), request.form)
        return services.save_course(_fields(form), course)

    sent = submit(form, save)
    if sent.done:
        flash(f"Course “{sent.value.title}” saved.", "success")
        return redirect(url_for("catalog.course_list"))
    return render_template(
        "catalog/edit_course.html",
        form=form,
        course=course,
        versions=versions_of(course.id) if course else [],
        learners=services.learners_by_package_version(course.id) if course else {},
        warnings=course_warnings(course),
    ), sent.status
