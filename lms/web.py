"""What every area's views share: role checks and putting a service's error beside its field."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort, redirect, url_for
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
