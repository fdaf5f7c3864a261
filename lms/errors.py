"""Error pages (HTML) and error bodies (JSON), one place for the whole application."""

from __future__ import annotations

import logging
import re

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from lms.db import db
from lms.domain import DomainError, NotAllowed, NotFound
from lrs.errors import RETRY_AFTER_SECONDS, database_unavailable

log = logging.getLogger(__name__)

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    411: "Length required",
    413: "Too large",
    422: "Please correct the form",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Unavailable",
    507: "Not enough storage",
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.is_json or best == "application/json"


def error_response(status: int, message: str) -> tuple[ResponseReturnValue, int]:
    if wants_json():
        return jsonify(error=TITLES.get(status, "Error"), message=message), status
    title = TITLES.get(status, "Error")
    return render_template("errors/error.html", status=status, title=title, message=message), status


def status_of(error: DomainError) -> int:
    """The one mapping of domain errors to HTTP statuses."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, NotAllowed):
        return 403
    return 422


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> ResponseReturnValue:
        return error_response(
            400, f"The form's security token (csrf_token) is missing or stale: {error.description}"
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        if status == 500:
            return _server_error(error)
        body, code = error_response(status, error.description or TITLES.get(status, ""))
        allow = error.get_response().headers.get("Allow")
        return body, code, ({"Allow": allow} if allow else {})

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> ResponseReturnValue:
        # What a view did not show beside a field or in a flash (lms.web.submit, lms.web.act).
        return error_response(status_of(error), error.message)

    @app.errorhandler(IntegrityError)
    def _conflict(error: IntegrityError) -> ResponseReturnValue:
        # Services check uniqueness first; this is the race two simultaneous requests can run.
        # The unit of work was rolled back before this answer (lms/unit_of_work.py).
        field = _field_of(str(error.orig))
        return error_response(409, f"Another record already has this {field}; nothing was saved.")

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError) -> ResponseReturnValue:
        if not database_unavailable(error):
            return _server_error(error)
        # The unit of work was rolled back before this answer: nothing of the request is kept.
        log.warning("database unavailable: %s", error.orig)
        body, status = error_response(
            503, "The database is busy or restarting; nothing was saved. Please try again."
        )
        return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.before_request
    def _refuse_nul_characters() -> ResponseReturnValue | None:
        # No database stores U+0000 in text (PostgreSQL refuses it): refuse it by field name.
        # The LRS reads its own bodies (its alternate request syntax is a form) and checks them.
        if request.blueprint == "xapi":
            return None
        for source in (request.args, request.form):
            for name, value in source.items(multi=True):
                if "\x00" in value:
                    return error_response(400, f"The field '{name}' contains a NUL character.")
        return None

    @app.errorhandler(Exception)
    def _server_error(error: Exception) -> ResponseReturnValue:
        if not isinstance(error, InternalServerError):
            log.exception("unhandled error", exc_info=error)
        return error_response(
            500, "The error was logged. Nothing you sent was half-saved; please try again."
        )


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")


def _field_of(database_message: str) -> str:
    """The column(s) of the unique constraint a database message names."""
    sqlite = _SQLITE_UNIQUE.search(database_message)
    if sqlite:
        return ", ".join(part.split(".")[-1] for part in sqlite.group(1).split(", "))
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            if constraint.name and f'"{constraint.name}"' in database_message:
                return ", ".join(column.name for column in constraint.columns)
    return "value"
