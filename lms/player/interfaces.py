"""The player's contract: its named errors."""

from __future__ import annotations

from lms.domain import DomainError, NotFound


class PlayerError(DomainError):
    """A launch or a runtime call that cannot be done; the message says why."""


class LaunchRefused(PlayerError):
    """The person may not launch this registration now; the message says why, for them."""


class RegistrationNotFound(PlayerError, NotFound):
    """No registration with that id belongs to the person."""
