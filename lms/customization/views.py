"""The customization pages: the editor (drafts saved question by question, as the administrator
goes), the policy upload, publishing, versions (open, compare, bring back), preview, the policy
PDF for the agency's learners, and the agency's record with its CSV export."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from lms.accounts.forms import ConfirmForm
from lms.customization import agency_record, preview, services
from lms.customization.forms import FeedbackForm, PolicyForm
from lms.customization.interfaces import CustomizationNotFound, StaleDraft
from lms.customization.models import CustomizationVersion
from lms.db import db
from lms.extensions import csrf
from lms.packages.access import files_url
from lms.player.cmi5.interfaces import FETCH_CORS
from lms.web import act, pdf_response, submit

bp = Blueprint("customization", __name__)
STALE = 409


def _wants_json() -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _question_forms(place: services.Workspace) -> dict[str, FeedbackForm]:
    forms = {}
    for question in place.questions.questions:
        draft = place.draft(question.id)
        forms[question.id] = FeedbackForm(
            prefix=question.id,
            formdata=None,
            data={
                "correct": draft.correct if draft else "",
                "incorrect": draft.incorrect if draft else "",
                "revision": draft.revision if draft else 0,
            },
        )
    return forms


def _editor(
    place: services.Workspace,
    forms: dict[str, FeedbackForm] | None = None,
    policy_form: PolicyForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    customization = place.customization
    policy_form = policy_form or PolicyForm(
        formdata=None, data={"revision": customization.policy_revision if customization else 0}
    )
    return render_template(
        "customization/editor.html",
        place=place,
        forms=forms or _question_forms(place),
        policy_form=policy_form,
        unpublished=services.unpublished_changes(place),
    ), status


@bp.get("/agency/customizations/<int:course_id>")
@login_required
def editor(course_id: int) -> ResponseReturnValue:
    return _editor(services.workspace(current_user, course_id))


@bp.post("/agency/customizations/<int:course_id>/questions/<question_id>")
@login_required
def save_question(course_id: int, question_id: str) -> ResponseReturnValue:
    place = services.workspace(current_user, course_id)
    if place.questions.get(question_id) is None:
        abort(404, "No such question.")
    form = FeedbackForm(prefix=question_id)
    sent = submit(
        form,
        lambda: services.save_feedback(
            current_user,
            course_id,
            question_id,
            {"correct": form.correct.data or "", "incorrect": form.incorrect.data or ""},
            form.revision.data,
        ),
        statuses={StaleDraft: STALE},
    )
    if _wants_json():
        if sent.done:
            fresh = services.workspace(current_user, course_id)
            return jsonify(
                saved=True,
                revision=sent.value.revision,
                done=services.question_done(sent.value),
                progress=fresh.done,
                total=len(fresh.questions.questions),
            )
        errors = {
            f"{question_id}-{name}": getattr(form, name).errors
            for name in ("correct", "incorrect", "revision")
            if getattr(form, name).errors
        }
        errors.update({"form": form.form_errors} if form.form_errors else {})
        if form.csrf_token.errors:
            errors["form"] = ["The page's security token is stale: reload the page."]
        return jsonify(saved=False, errors=errors), sent.status
    if sent.done:
        flash(f"Question {place.questions.get(question_id).number} saved.", "success")
        return redirect(
            url_for(".editor", course_id=course_id, _anchor=f"question-{question_id}"), 303
        )
    forms = _question_forms(place)
    forms[question_id] = form
    return _editor(place, forms=forms, status=sent.status)


@bp.post("/agency/customizations/<int:course_id>/policy")
@login_required
def upload_policy(course_id: int) -> ResponseReturnValue:
    place = services.workspace(current_user, course_id)
    form = PolicyForm()
    sent = submit(
        form,
        lambda: services.upload_policy(
            current_user,
            course_id,
            form.policy.data.read(),
            form.policy.data.filename or "",
            form.revision.data,
        ),
        statuses={StaleDraft: STALE},
    )
    if sent.done:
        flash(f"The policy {sent.value.policy_filename} is uploaded to the draft.", "success")
        return redirect(url_for(".editor", course_id=course_id, _anchor="policy-heading"), 303)
    return _editor(place, policy_form=form, status=sent.status)


@bp.get("/agency/customizations/<int:course_id>/policy")
@login_required
def draft_policy(course_id: int) -> ResponseReturnValue:
    customization = services.workspace(current_user, course_id).customization
    if customization is None or not customization.policy_key:
        abort(404, "The draft has no policy yet.")
    return pdf_response(
        customization.policy_key, customization.policy_filename, customization.policy_size
    )


@bp.get("/agency/policies/<int:version_id>")
@login_required
def version_policy(version_id: int) -> ResponseReturnValue:
    """A published version's policy, for the agency's people (the course links to it)."""
    version = db.session.get(CustomizationVersion, version_id)
    if version is None or version.customization.agency_id != current_user.agency_id:
        abort(404, "No such policy.")
    return pdf_response(version.policy_key, version.policy_filename, version.policy_size)


@bp.route("/agency/customizations/<int:course_id>/publish", methods=["GET", "POST"])
@login_required
def publish(course_id: int) -> ResponseReturnValue:
    place = services.workspace(current_user, course_id)
    form = ConfirmForm()
    sent = submit(form, lambda: services.publish(current_user, course_id))
    if sent.done:
        flash(
            f"Version {sent.value.number} is published: your agency's learners start the "
            "course on it.",
            "success",
        )
        return redirect(url_for(".editor", course_id=course_id), 303)
    return render_template("customization/publish.html", place=place, form=form), sent.status


@bp.get("/agency/customizations/<int:course_id>/versions")
@login_required
def versions(course_id: int) -> ResponseReturnValue:
    place = services.workspace(current_user, course_id)
    return render_template("customization/versions.html", place=place, form=ConfirmForm())


@bp.get("/agency/customizations/<int:course_id>/versions/<int:number>")
@login_required
def version(course_id: int, number: int) -> ResponseReturnValue:
    place = services.workspace(current_user, course_id)
    found = services.version_of(current_user, course_id, number)
    return render_template(
        "customization/version.html",
        place=place,
        version=found,
        texts=json.loads(found.texts),
        form=ConfirmForm(),
    )


@bp.get("/agency/customizations/<int:course_id>/compare")
@login_required
def compare(course_id: int) -> ResponseReturnValue:
    place = services.workspace(current_user, course_id)
    older, newer = request.args.get("older", ""), request.args.get("newer", "")
    if not (older.isdigit() and newer.isdigit()):
        abort(400, "older and newer: choose two version numbers to compare.")
    comparison = services.compare(current_user, course_id, int(older), int(newer))
    return render_template("customization/compare.html", place=place, comparison=comparison)


@bp.post("/agency/customizations/<int:course_id>/versions/<int:number>/restore")
@login_required
def restore(course_id: int, number: int) -> ResponseReturnValue:
    back = url_for(".version", course_id=course_id, number=number)
    act(lambda: services.restore(current_user, course_id, number), back=back)
    flash(f"Version {number} is back as the draft. Publish it to give it to learners.", "success")
    return redirect(url_for(".editor", course_id=course_id), 303)


@bp.get("/agency/customizations/<int:course_id>/preview")
@login_required
def preview_page(course_id: int) -> ResponseReturnValue:
    place, structure, _ = preview.course_structure(current_user, course_id)
    return render_template("customization/preview.html", place=place, structure=structure)


@bp.post("/agency/customizations/<int:course_id>/preview")
@login_required
def preview_launch(course_id: int) -> ResponseReturnValue:
    place = services.workspace(current_user, course_id)  # 404 before anything is read
    au_index = request.form.get("au_index", "")
    if not (au_index.isascii() and au_index.isdigit()) or len(au_index) > 9:
        abort(400, "The field au_index must be the number of an AU of the course.")
    urls = preview.PreviewUrls(
        endpoint=url_for("preview_xapi.about", _external=True).rsplit("/", 1)[0],
        return_url=url_for(".preview_return", course_id=course_id, _external=True),
        fetch_url=lambda token: url_for(".preview_fetch", token=token, _external=True),
        content_url=lambda version_id, path: files_url(current_user, version_id, path),
    )
    launched = preview.launch(current_user, course_id, int(au_index), urls)
    return render_template("customization/preview_au.html", place=place, launch=launched)


@bp.get("/agency/customizations/<int:course_id>/preview/return")
def preview_return(course_id: int) -> ResponseReturnValue:
    """The preview's returnURL: like cmi5's, it takes the whole window back (no sign-in: it
    shows nothing but the preview page's address, which checks)."""
    return render_template(
        "player/cmi5_return.html",
        course_url=url_for(".preview_page", course_id=course_id),
    )


@bp.route("/agency/preview/fetch/<token>", methods=["POST", "OPTIONS"])
@csrf.exempt  # the AU calls it (cmi5 §8.2), not a form
def preview_fetch(token: str) -> ResponseReturnValue:
    if request.method == "OPTIONS":
        return Response(status=204, headers=FETCH_CORS)
    answer = preview.fetch(token)
    response = jsonify(answer)
    if "error-code" in answer:
        response.status_code = 404  # as cmi5's fetch answers a URL it never gave
    response.headers.update(FETCH_CORS)
    return response


def _sub_affiliation_arg() -> int | None:
    value = request.args.get("sub_affiliation", "")
    if not value:
        return None
    if not value.isdigit():
        raise CustomizationNotFound("No such sub-affiliation in your agency.", "sub_affiliation")
    return int(value)


@bp.get("/agency/customizations/<int:course_id>/record")
@login_required
def record(course_id: int) -> ResponseReturnValue:
    place = services.workspace(current_user, course_id)
    chosen = _sub_affiliation_arg()
    rows = agency_record.agency_record(current_user, course_id, chosen)
    return render_template(
        "customization/record.html",
        place=place,
        rows=rows,
        chosen=chosen,
        sub_affiliations=place.agency.sub_affiliations,
    )


@bp.get("/agency/customizations/<int:course_id>/record.csv")
@login_required
def record_csv(course_id: int) -> ResponseReturnValue:
    place = services.workspace(current_user, course_id)
    rows = agency_record.agency_record(current_user, course_id, _sub_affiliation_arg())
    response = Response(agency_record.record_csv(rows), mimetype="text/csv")
    name = f"{place.course.slug}-{place.agency.agency_number}-record.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
