"""POST staff import course packages on the web and follow each import's progress.

The page sends the file as the raw request body (its progress shown while it uploads); without
JavaScript the same form posts it as multipart. Either way the body is streamed to disk and the
import runs on a worker thread, so the request ends as soon as the file has arrived.
"""

from __future__ import annotations

from typing import IO
from urllib.parse import unquote

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.accounts.interfaces import Role
from lms.catalog.models import Course
from lms.db import db
from lms.errors import wants_json
from lms.packages import upload_queue
from lms.packages.interfaces import (
    NoRoomForUpload,
    UploadLengthUnknown,
    UploadRefused,
    UploadTooLarge,
)
from lms.packages.models import PackageImport, PackageVersion
from lms.packages.staff_warnings import version_warnings
from lms.web import accepts_upload, role_required

bp = Blueprint("imports", __name__, url_prefix="/staff/packages")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# The status each refusal of an upload is answered with (400 for the others).
REFUSAL_STATUSES: dict[type[UploadRefused], int] = {
    UploadTooLarge: 413,
    UploadLengthUnknown: 411,
    NoRoomForUpload: 507,
}


@bp.get("")
@role_required(Role.POST_STAFF)
def import_page(problem: str | None = None, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "packages/import.html",
        recent=upload_queue.recent_imports(),
        limit=current_app.config["LMS_MAX_PACKAGE_UPLOAD_BYTES"],
        problem=problem,
    ), status


@bp.post("")
@role_required(Role.POST_STAFF)
@accepts_upload("LMS_MAX_PACKAGE_UPLOAD_BYTES")
def upload() -> ResponseReturnValue:
    # A refused upload leaves the view as UploadRefused: answered by `_refused`, below.
    stream, file_name, declared = _uploaded_file()
    job = upload_queue.receive_upload(
        stream,
        file_name=file_name,
        declared_length=declared,
        person=current_user,
        folder=upload_queue.upload_folder(current_app.instance_path),
        limit=current_app.config["LMS_MAX_PACKAGE_UPLOAD_BYTES"],
    )
    upload_queue.start_worker_after_commit(current_app._get_current_object())  # type: ignore[attr-defined]
    page = url_for("imports.import_status_page", import_id=job.id)
    if wants_json():
        return jsonify(_status(job)), 202, {"Location": page}
    return redirect(page, 303)


def _uploaded_file() -> tuple[IO[bytes], str, int | None]:
    """The file's bytes, its name and its declared size, from a raw body (the page's script
    names the file in X-File-Name, percent-encoded) or from the form's `package` part."""
    if request.mimetype in FORM_TYPES:  # a form: its `package` part, if it has one
        part = request.files.get("package")
        if part is None or not part.filename:
            raise UploadRefused(
                "The field 'package' holds no file: choose a package file (a .zip, or a "
                "cmi5.xml) to import."
            )
        return part.stream, part.filename, None
    if request.content_length is None:
        raise UploadLengthUnknown("Send the package with a Content-Length header.")
    return request.stream, unquote(request.headers.get("X-File-Name", "")), request.content_length


@bp.errorhandler(UploadRefused)
def _refused(error: UploadRefused) -> ResponseReturnValue:
    """The one place an upload's refusal becomes a response (the unit of work was discarded as
    the error left the view, lms/unit_of_work.py)."""
    status = next((s for kind, s in REFUSAL_STATUSES.items() if isinstance(error, kind)), 400)
    if wants_json():
        body = {"error": "Upload refused", "field": error.field, "message": error.message}
        return jsonify(body), status
    return import_page(error.message, status)


@bp.get("/imports/<int:import_id>")
@role_required(Role.POST_STAFF)
def import_status_page(import_id: int) -> ResponseReturnValue:
    job = _job(import_id)
    return render_template("packages/import_status.html", job=job, status=_status(job))


@bp.get("/imports/<int:import_id>/status")
@role_required(Role.POST_STAFF)
def import_status(import_id: int) -> ResponseReturnValue:
    return jsonify(_status(_job(import_id)))


def _job(import_id: int) -> PackageImport:
    job = upload_queue.get_import(import_id)  # ImportNotFound: 404 (lms/errors.py)
    if (
        upload_queue.is_stalled(job)
        and upload_queue.upload_folder(current_app.instance_path).joinpath(job.upload_name).exists()
    ):
        # Nobody is working on it (its worker stopped, or never started): this process will.
        upload_queue.start_worker(current_app._get_current_object())  # type: ignore[attr-defined]
    return job


def _status(job: PackageImport) -> dict[str, object]:
    body: dict[str, object] = {
        "id": job.id,
        "file_name": job.file_name,
        "size": job.size,
        "status": job.status,
        "stage": job.stage,
        "done_bytes": job.done_bytes,
        "total_bytes": job.total_bytes,
        "message": job.message,
        "status_url": url_for("imports.import_status", import_id=job.id),
        "page_url": url_for("imports.import_status_page", import_id=job.id),
    }
    if job.package_version_id is not None:
        version = db.session.get(PackageVersion, job.package_version_id)
        if version is not None:
            course = db.session.get(Course, version.course_id)
            body["result"] = {
                "course_id": version.course_id,
                "course_title": course.title if course else version.title,
                "course_url": url_for("catalog.edit_course", course_id=version.course_id),
                "version": version.version,
                "standard": version.standard,
                "edition": version.edition,
                "files": version.file_count,
                "warnings": list(version_warnings(version)),
            }
    return body
