"""An agency's pursuit policy: a PDF, checked by what it holds (not by its name), stored in
the content store under its SHA-256, and read back for the people who may see it."""

from __future__ import annotations

import hashlib
import io
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from lms.customization.interfaces import POLICY_MAX_BYTES, PolicyRefused
from lms.packages.content_store import ContentStore

log = logging.getLogger(__name__)
KEY_PREFIX = "customization-policies"
FILE_NAME = "policy.pdf"


@dataclass(frozen=True)
class StoredPolicy:
    key: str
    sha256: str
    filename: str
    size: int
    pages: int


def _store() -> ContentStore:
    return current_app.extensions["content_store"]


def _display_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip() or FILE_NAME
    return "".join(ch for ch in name if ch.isprintable())[:200]


def check_pdf(content: bytes, filename: str) -> int:
    """The number of pages of a PDF that is one: PolicyRefused (naming the file) for an empty or
    oversized file, or one that a PDF reader cannot open and read."""
    shown = _display_name(filename)
    if not content:
        raise PolicyRefused(f"{shown}: the file is empty.", "policy")
    if len(content) > POLICY_MAX_BYTES:
        raise PolicyRefused(
            f"{shown}: the policy may be at most {POLICY_MAX_BYTES // (1024 * 1024)} MB; "
            f"this file is {len(content) / (1024 * 1024):.1f} MB.",
            "policy",
        )
    if not content.lstrip()[:5] == b"%PDF-":
        raise PolicyRefused(f"{shown}: this is not a PDF file (whatever its name says).", "policy")
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise PolicyRefused(
                f"{shown}: the PDF is password-protected; upload one learners can open.", "policy"
            )
        pages = len(reader.pages)
        if pages:
            reader.pages[0].extract_text()
    except PolicyRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        log.info("policy PDF refused: %s", error)
        raise PolicyRefused(f"{shown}: the PDF is damaged and cannot be read.", "policy") from None
    if pages == 0:
        raise PolicyRefused(f"{shown}: the PDF has no pages.", "policy")
    return pages


def store_policy(content: bytes, filename: str) -> StoredPolicy:
    """Check the PDF and store it under its SHA-256 (the same policy twice is one file)."""
    pages = check_pdf(content, filename)
    digest = hashlib.sha256(content).hexdigest()
    prefix = f"{KEY_PREFIX}/{digest}"
    key = f"{prefix}/{FILE_NAME}"
    store = _store()
    if not store.exists(key):
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / FILE_NAME).write_bytes(content)
            store.put_tree(prefix, Path(folder), [FILE_NAME])
    return StoredPolicy(key, digest, _display_name(filename), len(content), pages)


def read_policy(key: str) -> Iterator[bytes]:
    """The stored PDF's bytes, in chunks."""
    return _store().open_range(key)
