"""The one exception of the validation library: which JSON path failed, and why."""

from __future__ import annotations


class ValidationError(Exception):
    """Data that breaks a rule of xAPI; `path` names the failing value, e.g. "$.actor.mbox"."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(path, message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"
