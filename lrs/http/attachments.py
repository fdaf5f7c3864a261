"""Statement bodies with attachments: multipart/mixed in and out (xAPI Data §2.4.11).

A request's first part is the statement(s) as JSON; each further part is one attachment's raw
data, named by its X-Experience-API-Hash header (the SHA-2 of the data, which we check).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from lrs import spec
from lrs.backend import schema
from lrs.errors import BadRequest
from lrs.http.context import XapiRequest
from lrs.ops.command import Attachment
from lrs.spec.shapes import text_flaw

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
HASHES = {64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}
CONTENT_TYPE_LENGTH = schema.attachment.c.content_type.type.length


def parse_json(body: bytes) -> Any:
    """Strict JSON: a property given twice is refused (xAPI Data §2.2)."""
    return spec.parse_json(body)


def _split_parts(body: bytes, boundary: str) -> list[tuple[dict[str, str], bytes]]:
    delimiter = b"--" + boundary.encode()
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise BadRequest("multipart/mixed: the body has no parts between its boundaries.")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, separator, data = chunk.partition(b"\r\n\r\n")
        if not separator:
            raise BadRequest("multipart/mixed: a part has no blank line after its headers.")
        if data.endswith(b"\r\n"):
            data = data[:-2]
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip():
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, data))
    if not parts:
        raise BadRequest("multipart/mixed: the body ends before its first part.")
    return parts


def read_statement_body(request: XapiRequest) -> tuple[Any, dict[str, Attachment]]:
    """The JSON payload and the attachments sent with it, each checked against its hash."""
    if request.content_type == "multipart/mixed":
        boundary = request.mimetype_params.get("boundary")
        if not boundary:
            raise BadRequest("Content-Type: multipart/mixed needs a boundary.")
        parts = _split_parts(request.body, boundary)
        first_headers, first = parts[0]
        if first_headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise BadRequest("multipart/mixed: the first part must be application/json.")
        attachments: dict[str, Attachment] = {}
        for headers, data in parts[1:]:
            sha2 = headers.get("x-experience-api-hash")
            if not sha2:
                raise BadRequest(
                    "multipart/mixed: an attachment part has no X-Experience-API-Hash."
                )
            if headers.get("content-transfer-encoding", "binary").lower() != "binary":
                raise BadRequest("Content-Transfer-Encoding: attachment parts must be binary.")
            algorithm = HASHES.get(len(sha2))
            if algorithm is None or algorithm(data).hexdigest() != sha2.lower():
                raise BadRequest(f"X-Experience-API-Hash {sha2} does not match the part's data.")
            content_type = _part_content_type(headers, sha2)
            attachments[sha2.lower()] = Attachment(content_type, data)
        return parse_json(first), attachments
    if request.content_type not in ("application/json", ""):
        raise BadRequest(
            f"Content-Type {request.content_type!r}: send application/json or multipart/mixed."
        )
    return parse_json(request.body), {}


def _part_content_type(headers: dict[str, str], sha2: str) -> str:
    """The part's Content-Type, kept with the attachment's data: it must fit its column."""
    content_type = headers.get("content-type", "application/octet-stream")
    flaw = text_flaw(content_type)
    if flaw:
        raise BadRequest(f"Content-Type of the part {sha2}: {flaw}.")
    if len(content_type) > CONTENT_TYPE_LENGTH:
        raise BadRequest(
            f"Content-Type of the part {sha2}: at most {CONTENT_TYPE_LENGTH} characters are "
            f"kept with an attachment, not {len(content_type)}."
        )
    return content_type


def check_attachments(statements: list[dict[str, Any]], attachments: dict[str, Attachment]) -> None:
    """Every attachment without a fileUrl came with its data; no data came for nothing."""
    declared: set[str] = set()
    needed: set[str] = set()
    for index, statement in enumerate(statements):
        for position, attachment in enumerate(statement.get("attachments") or []):
            sha2 = str(attachment.get("sha2", "")).lower()
            declared.add(sha2)
            if "fileUrl" not in attachment:
                needed.add(sha2)
                if sha2 not in attachments:
                    raise BadRequest(
                        f"$[{index}].attachments[{position}]: no part carries the data of "
                        f"attachment {sha2} and it has no fileUrl."
                    )
    extra = set(attachments) - declared
    if extra:
        raise BadRequest(f"multipart/mixed: part {sorted(extra)[0]} belongs to no attachment.")


def multipart_response(document: Any, attachment_rows: list[Any]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    crlf = b"\r\n"
    chunks = [
        b"--" + boundary.encode(),
        b"Content-Type: application/json",
        b"",
        json.dumps(document).encode(),
    ]
    for row in attachment_rows:
        chunks += [
            b"--" + boundary.encode(),
            f"Content-Type: {row.content_type}".encode(),
            b"Content-Transfer-Encoding: binary",
            f"X-Experience-API-Hash: {row.sha2}".encode(),
            b"",
            bytes(row.content),
        ]
    body = crlf.join(chunks) + crlf + b"--" + boundary.encode() + b"--" + crlf
    # A hex boundary needs no quotes (RFC 2046 §5.1.1), and some clients do not strip them.
    return body, f"multipart/mixed; boundary={boundary}"
