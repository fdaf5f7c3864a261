"""What every area's views share: role checks, putting a service's error beside its field, and
the larger body a view that takes uploads may receive."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from lms.accounts.interfaces import Role
from lms.accounts.services import needs_post_id
from lms.domain import DomainError

P = ParamSpec("P")
R = TypeVar("R")


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
            from lms.packages.imports import human_size

            return error_response(
                413,
                f"The file is {human_size(request.content_length)}; the largest accepted here "
                f"is {human_size(limit)} (setting {setting}).",
            )
        return None
