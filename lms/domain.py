"""What every area's rules share: an error that names the input at fault, and the two kinds of
error every blueprint answers the same way (docs/architecture.md, "The error contract")."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken. `field` names the input at fault, if any.

    Services raise these and nothing of HTTP: the web layer decides what a person sees (the
    message beside the field, a flash, a status)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """What the request names does not exist, or is not the asker's to see (answered 404)."""


class NotAllowed(DomainError):
    """The asker may not do this, whatever they send (answered 403)."""
