"""An agency's pursuit policy: a PDF, checked by what it holds (not by its name), stored in
the content store under its SHA-256 (lms.documents does it for every area's uploads)."""

from __future__ import annotations

from lms import documents
from lms.customization.interfaces import POLICY_MAX_BYTES, PolicyRefused
from lms.documents import StoredDocument

KEY_PREFIX = "customization-policies"
FILE_NAME = "policy.pdf"


def store_policy(content: bytes, filename: str) -> StoredDocument:
    """Check the PDF and store it under its SHA-256 (the same policy twice is one file)."""
    return documents.store_pdf(
        content,
        filename,
        key_prefix=KEY_PREFIX,
        file_name=FILE_NAME,
        max_bytes=POLICY_MAX_BYTES,
        what="the policy",
        error=PolicyRefused,
        field="policy",
    )
