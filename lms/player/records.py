"""The player's way into the LRS: statements the portal records itself (SCORM sessions turned
into xAPI, cmi5's launched, satisfied, abandoned and waived) go through its Python API under the
portal's own credential."""

from __future__ import annotations

from typing import Any

from flask import current_app

from lrs.api import LearningRecordStore

PORTAL_CREDENTIAL_KEY = "learning-portal"
PORTAL_CREDENTIAL_NAME = "Learning Portal"


def store() -> LearningRecordStore:
    return current_app.extensions["lrs"]


def base_url() -> str:
    return current_app.config["LMS_BASE_URL"]


def record(statements: list[dict[str, Any]], *, version: str = "2.0.0") -> list[str]:
    """Validate and store statements as the portal; returns their ids. A statement whose id is
    already stored with the same content is not stored twice (a retried commit is harmless)."""
    lrs = store()
    credential = lrs.system_credential(PORTAL_CREDENTIAL_KEY, PORTAL_CREDENTIAL_NAME)
    return lrs.record(statements, credential, version=version)
