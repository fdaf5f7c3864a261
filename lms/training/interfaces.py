"""The training area's contract: its named errors (the profile and compliance types are in
lms/training/services.py, with the rules that compute them)."""

from __future__ import annotations

from lms.domain import DomainError, NotFound


class TrainingError(DomainError):
    """A rule of the training area was broken."""


class NoSuchAgency(TrainingError, NotFound):
    """The agency does not exist, or the person may not see its compliance (answered 404)."""
