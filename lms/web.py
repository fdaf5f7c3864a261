"""What every area's views share: role checks, the one form-post pattern (`submit` for a form,
`act` for a button), and the larger body a view that takes uploads may receive."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Generic, ParamSpec, TypeVar

from flask import Flask, Response, abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms import unit_of_work
from lms.accounts.interfaces import Role
from lms.accounts.services import needs_post_id
from lms.domain import DomainError, NotAllowed, NotFound

P = ParamSpec("P")
R = TypeVar("R")
# A form sent back to be corrected.
INVALID = 422


def role_required(*roles: Role) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Signed in and holding one of the roles, or 403."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        @login_required
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.has_role(*roles):
                abort(403, "Your roles do not give you access to this page.")
            return view(*args, **kwargs)

        return checked

    return decorate


def post_id_required(view: Callable[P, R]) -> Callable[P, R]:
    """The Learning Portal is closed to an officer or dispatcher until their POST-ID is linked."""

    @wraps(view)
    @login_required
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        if needs_post_id(current_user):
            return redirect(url_for("accounts.link_post_id"))  # type: ignore[return-value]
        return view(*args, **kwargs)

    return checked


def require_csrf() -> None:
    """A button that changes something: refuse it unless its form's CSRF token is good."""
    from lms.accounts.forms import ConfirmForm

    if not ConfirmForm().validate_on_submit():
        abort(400, "The form's security token (csrf_token) is missing or stale.")


@dataclass(frozen=True)
class Submitted(Generic[R]):
    """What became of a form post: `done` with the service's `value`, or the form to show
    again with `status` (200 not yet sent, 422 to correct, or the status given for the error)."""

    done: bool
    value: R | None = None
    status: int = 200


def submit(
    form: FlaskForm,
    action: Callable[[], R],
    *,
    statuses: Mapping[type[DomainError], int] | None = None,
) -> Submitted[R]:
    """The form post, for every form: if the form validates, call the service (`action`); if
    the service refuses with a domain error, discard the unit of work's writes and show the
    error beside the field it names (or above the form). A NotFound or NotAllowed is not the
    form's to show: it goes on to the error page (404, 403).

        sent = submit(form, lambda: services.save_course(fields, course))
        if sent.done:
            flash("Saved.", "success")
            return redirect(url_for("catalog.course_list"))
        return render_template("catalog/edit_course.html", form=form), sent.status
    """
    if not form.validate_on_submit():
        return Submitted(False, status=INVALID if form.is_submitted() else 200)
    try:
        value = action()
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        unit_of_work.discard()
        place_error(form, error)
        status = next((s for kind, s in (statuses or {}).items() if isinstance(error, kind)), None)
        return Submitted(False, status=status or INVALID)
    return Submitted(True, value)


def act(action: Callable[[], R], *, back: str) -> R:
    """A button that changes something: its CSRF token checked, the service called (`action`);
    if the service refuses, its writes are discarded and the person is sent back to `back`
    (303) with the reason flashed. NotFound and NotAllowed go on to the error page.

        registration = act(lambda: services.register(current_user, course_id), back=catalog)
        flash(f"You are registered for {registration.course.title}.", "success")
    """
    require_csrf()
    try:
        return action()
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        flash(error.message, "error")
        # An exception leaving the view: the unit of work is discarded (lms/unit_of_work.py).
        abort(redirect(back, 303))


def place_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's error beside the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def accepts_upload(limit_setting: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """The view takes bodies up to the app setting `limit_setting` (bytes) instead of the
    application-wide MAX_CONTENT_LENGTH. Applied by `init_upload_limits` before anything reads
    the body (the CSRF check reads a form), so the limit holds from the first byte."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        view.upload_limit_setting = limit_setting  # type: ignore[attr-defined]
        return view

    return decorate


def init_upload_limits(app: Flask) -> None:
    """Must be registered before any other before-request function that reads the body."""

    @app.before_request
    def _upload_limit() -> ResponseReturnValue | None:
        view = current_app.view_functions.get(request.endpoint or "")
        setting = getattr(view, "upload_limit_setting", None)
        if setting is None:
            return None
        limit = int(current_app.config[setting])
        request.max_content_length = limit
        if request.content_length is not None and request.content_length > limit:
            from lms.errors import error_response
            from lms.packages.upload_queue import human_size

            return error_response(
                413,
                f"The file is {human_size(request.content_length)}; the largest accepted here "
                f"is {human_size(limit)} (setting {setting}).",
            )
        return None


def pdf_response(key: str, filename: str, size: int) -> Response:
    """A stored PDF document (lms.documents) for the person who may see it: shown inline, its
    name made safe for the header, never sniffed as something else, never cached."""
    from lms import documents

    response = Response(documents.read(key), mimetype="application/pdf")
    response.content_length = size
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "._- ") or "document.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{safe}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
