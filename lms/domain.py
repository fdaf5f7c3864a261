"""What every area's rules share: an error that names the input at fault."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken. `field` names the input at fault, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
