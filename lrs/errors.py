"""The LRS's named errors; the HTTP layer turns each into its status code in one place."""

from __future__ import annotations


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
