"""PDF documents people upload (an agency's policy, a course outline, a bulletin's attachment):
checked by what they hold, not by their names, size-limited, and stored once in the content
store under their SHA-256. One place for every area; each gives its own error and field."""

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

from lms.domain import DomainError

log = logging.getLogger(__name__)
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class StoredDocument:
    key: str  # in the content store
    sha256: str
    filename: str  # as uploaded, without any folder, printable, at most 200 characters
    size: int
    pages: int


def display_name(filename: str, default: str = "document.pdf") -> str:
    name = Path(filename.replace("\\", "/")).name.strip() or default
    return "".join(ch for ch in name if ch.isprintable())[:200]


def check_pdf(
    content: bytes,
    filename: str,
    *,
    max_bytes: int,
    what: str,
    error: type[DomainError],
    field: str,
) -> int:
    """The number of pages of a PDF that is one. `error(message, field)` naming the file for an
    empty or oversized file (`what` says what it is: "the policy"), or one a PDF reader cannot
    open and read (not a PDF, password-protected, damaged, no pages)."""
    shown = display_name(filename)
    if not content:
        raise error(f"{shown}: the file is empty.", field)
    if len(content) > max_bytes:
        raise error(
            f"{shown}: {what} may be at most {max_bytes // MEGABYTE} MB; "
            f"this file is {len(content) / MEGABYTE:.1f} MB.",
            field,
        )
    if content.lstrip()[:5] != b"%PDF-":
        raise error(f"{shown}: this is not a PDF file (whatever its name says).", field)
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise error(
                f"{shown}: the PDF is password-protected; upload one people can open.", field
            )
        pages = len(reader.pages)
        if pages:
            reader.pages[0].extract_text()
    except DomainError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as problem:
        log.info("PDF refused: %s", problem)
        raise error(f"{shown}: the PDF is damaged and cannot be read.", field) from None
    if pages == 0:
        raise error(f"{shown}: the PDF has no pages.", field)
    return pages


def store_pdf(
    content: bytes,
    filename: str,
    *,
    key_prefix: str,
    file_name: str,
    max_bytes: int,
    what: str,
    error: type[DomainError],
    field: str,
) -> StoredDocument:
    """Check the PDF (`check_pdf`) and store it at `<key_prefix>/<sha256>/<file_name>` (the
    same document twice is one file)."""
    pages = check_pdf(content, filename, max_bytes=max_bytes, what=what, error=error, field=field)
    digest = hashlib.sha256(content).hexdigest()
    prefix = f"{key_prefix}/{digest}"
    name = file_name
    key = f"{prefix}/{name}"
    store = current_app.extensions["content_store"]
    if not store.exists(key):
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / name).write_bytes(content)
            store.put_tree(prefix, Path(folder), [name])
    return StoredDocument(key, digest, display_name(filename), len(content), pages)


def read(key: str) -> Iterator[bytes]:
    """A stored document's bytes, in chunks."""
    return current_app.extensions["content_store"].open_range(key)
