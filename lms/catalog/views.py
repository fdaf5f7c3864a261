"""The catalog for learners (register, drop), for POST staff (create and edit courses), and
course certification: presenters' requests, POST staff's review (docs/certification.md)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from lms.accounts.forms import ConfirmForm
from lms.accounts.interfaces import Role
from lms.catalog import certification, services
from lms.catalog.forms import (
    ApproveForm,
    CertificationRequestForm,
    CourseForm,
    ResubmitForm,
    ReturnForm,
    SearchForm,
)
from lms.catalog.interfaces import (
    Audience,
    CertificationAction,
    CertificationDelivery,
    CertificationStatus,
    Completion,
    CreditRule,
    Delivery,
    Mandate,
    PspCategory,
)
from lms.catalog.models import CertificationRequest, Course
from lms.packages.services import latest_version, versions_of
from lms.packages.staff_warnings import check_warnings_read, course_warnings
from lms.web import act, pdf_response, post_id_required, role_required, submit

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


# --- Course certification: presenters -----------------------------------------------------------

# The presenters' pages: an agency's LP administrators and training managers (the service
# answers 404 to anyone else, as the customization's pages do).


def _request_fields(form: CertificationRequestForm) -> certification.RequestFields:
    return certification.RequestFields(
        title=form.title.data or "",
        delivery=CertificationDelivery(form.delivery.data),
        hours=Decimal(form.hours.data),
        mandates={Mandate(code) for code in form.mandates.data},
        psp_category=PspCategory(form.psp_category.data) if form.psp_category.data else None,
        instructors=(form.instructors.data or "").splitlines(),
    )


def _uploaded_outline(form: CertificationRequestForm) -> certification.StoredOutline | None:
    upload = form.outline.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return certification.store_outline(upload.read(), upload.filename or "")


def _labels() -> dict[str, object]:
    return {
        "statuses": CertificationStatus,
        "actions": CertificationAction,
        "deliveries": CertificationDelivery,
        "mandates": Mandate,
        "psp": PspCategory,
        "field_labels": {
            **certification.FIELD_LABELS,
            "certification_number": "Course Certification Number",
            "cpt_hours": "CPT hours",
            "course": "Course",
        },
    }


@bp.get("/agency/certification-requests")
@login_required
def certification_requests() -> ResponseReturnValue:
    return render_template(
        "catalog/certification_requests.html",
        requests=certification.agency_requests(current_user),
        **_labels(),
    )


@bp.route("/agency/certification-requests/new", methods=["GET", "POST"])
@login_required
def new_certification_request() -> ResponseReturnValue:
    certification.agency_requests(current_user)  # a presenter of an agency, or 403
    form = CertificationRequestForm()

    def send() -> CertificationRequest:
        outline = _uploaded_outline(form)
        assert outline is not None  # FileRequired
        return certification.submit(current_user, _request_fields(form), outline)

    sent = submit(form, send)
    if sent.done:
        flash(f"“{sent.value.title}” is submitted to POST for certification.", "success")
        return redirect(url_for(".certification_request", request_id=sent.value.id), 303)
    return render_template(
        "catalog/certification_request_form.html", form=form, cert_request=None
    ), sent.status


@bp.get("/agency/certification-requests/<int:request_id>")
@login_required
def certification_request(request_id: int) -> ResponseReturnValue:
    return render_template(
        "catalog/certification_request.html",
        cert_request=certification.presenters_request(current_user, request_id),
        staff=False,
        **_labels(),
    )


@bp.route("/agency/certification-requests/<int:request_id>/modify", methods=["GET", "POST"])
@login_required
def modify_certification_request(request_id: int) -> ResponseReturnValue:
    cert_request = certification.presenters_request(current_user, request_id)
    if cert_request.status != CertificationStatus.RETURNED:
        flash("Only a request POST returned can be modified.", "error")
        return redirect(url_for(".certification_request", request_id=request_id), 303)
    if request.method == "POST":
        form = ResubmitForm()
    else:
        form = ResubmitForm(
            data={
                "title": cert_request.title,
                "delivery": cert_request.delivery,
                "hours": cert_request.hours,
                "mandates": cert_request.mandates,
                "psp_category": cert_request.psp_category or "",
                "instructors": cert_request.instructors,
            }
        )
    sent = submit(
        form,
        lambda: certification.resubmit(
            current_user,
            request_id,
            _request_fields(form),
            _uploaded_outline(form),
            form.comments.data or "",
        ),
    )
    if sent.done:
        flash(f"“{sent.value.title}” is resubmitted to POST.", "success")
        return redirect(url_for(".certification_request", request_id=request_id), 303)
    return render_template(
        "catalog/certification_request_form.html", form=form, cert_request=cert_request
    ), sent.status


def _outline_pdf(cert_request: CertificationRequest) -> Response:
    return pdf_response(
        cert_request.outline_key, cert_request.outline_filename, cert_request.outline_size
    )


@bp.get("/agency/certification-requests/<int:request_id>/outline")
@login_required
def certification_outline(request_id: int) -> ResponseReturnValue:
    return _outline_pdf(certification.presenters_request(current_user, request_id))


# --- Course certification: POST staff -------------------------------------------------------------


@bp.get("/staff/certification-requests")
@role_required(Role.POST_STAFF)
def staff_certification_requests() -> ResponseReturnValue:
    shown = request.args.get("status", CertificationStatus.SUBMITTED.value)
    status = CertificationStatus(shown) if shown in set(CertificationStatus) else None
    return render_template(
        "catalog/staff_certification_requests.html",
        requests=certification.all_requests(current_user, status),
        shown=status,
        **_labels(),
    )


def _review(
    cert_request: CertificationRequest,
    approve_form: ApproveForm | None = None,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    return render_template(
        "catalog/certification_request.html",
        cert_request=cert_request,
        staff=True,
        approve_form=approve_form or ApproveForm(formdata=None),
        return_form=return_form or ReturnForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
        **_labels(),
    ), status


@bp.get("/staff/certification-requests/<int:request_id>")
@role_required(Role.POST_STAFF)
def review_certification_request(request_id: int) -> ResponseReturnValue:
    return _review(certification.staff_request(current_user, request_id))


@bp.post("/staff/certification-requests/<int:request_id>/approve")
@role_required(Role.POST_STAFF)
def approve_certification_request(request_id: int) -> ResponseReturnValue:
    cert_request = certification.staff_request(current_user, request_id)
    form = ApproveForm()
    sent = submit(
        form,
        lambda: certification.approve(
            current_user,
            request_id,
            form.certification_number.data or "",
            Decimal(form.cpt_hours.data),
        ),
    )
    if sent.done:
        flash(f"“{sent.value.title}” is certified as {sent.value.certification_number}.", "success")
        return redirect(url_for(".review_certification_request", request_id=request_id), 303)
    return _review(cert_request, approve_form=form, status=sent.status)


@bp.post("/staff/certification-requests/<int:request_id>/return")
@role_required(Role.POST_STAFF)
def return_certification_request(request_id: int) -> ResponseReturnValue:
    cert_request = certification.staff_request(current_user, request_id)
    form = ReturnForm()
    sent = submit(
        form,
        lambda: certification.return_request(current_user, request_id, form.comments.data or ""),
    )
    if sent.done:
        flash(f"“{sent.value.title}” is returned to its presenter.", "success")
        return redirect(url_for(".review_certification_request", request_id=request_id), 303)
    return _review(cert_request, return_form=form, status=sent.status)


@bp.post("/staff/certification-requests/<int:request_id>/catalog")
@role_required(Role.POST_STAFF)
def put_certification_in_catalog(request_id: int) -> ResponseReturnValue:
    course = act(
        lambda: certification.put_in_catalog(current_user, request_id),
        back=url_for(".review_certification_request", request_id=request_id),
    )
    flash(
        f"“{course.title}” is in the catalog, not yet published: choose who may register, "
        "attach its package and publish it here.",
        "success",
    )
    return redirect(url_for(".edit_course", course_id=course.id), 303)


@bp.get("/staff/certification-requests/<int:request_id>/outline")
@role_required(Role.POST_STAFF)
def staff_certification_outline(request_id: int) -> ResponseReturnValue:
    return _outline_pdf(certification.staff_request(current_user, request_id))
