"""The LRS's named errors; the HTTP layer turns each into its status code in one place."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError

# How long a client is asked to wait when the database is busy or away (503).
RETRY_AFTER_SECONDS = 2


class LRSError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(LRSError):
    status = 400


class Unauthorized(LRSError):
    status = 401


class Forbidden(LRSError):
    status = 403


class NotFound(LRSError):
    status = 404


class NoSuchCredential(NotFound):
    """No active credential has this key (none ever had it, or it is revoked)."""


class Conflict(LRSError):
    status = 409


class PreconditionFailed(LRSError):
    status = 412


class PreconditionRequired(LRSError):
    status = 428


class PayloadTooLarge(LRSError):
    status = 413


class UnsupportedMediaType(LRSError):
    status = 415


def database_unavailable(error: DBAPIError) -> bool:
    """Whether the database, not the request, failed: a lost connection, or the engine's own
    refusal of a moment (a lock not freed in time, a deadlock, a serialization failure, a
    server shutting down or out of resources). Asking again later can succeed: 503 with
    Retry-After. A bug (a syntax error, a missing table) stays a 500."""
    if error.connection_invalidated:
        return True
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code:  # 08 connection, 40001 serialization, 40P01 deadlock, 53 resources, 57P0x shutdown
        return str(code).startswith(("08", "40001", "40P01", "53", "57P0"))
    message = str(error.orig).lower()
    return isinstance(error, OperationalError) and any(
        sign in message for sign in ("database is locked", "unable to open", "connection")
    )
