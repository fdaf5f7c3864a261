"""Signed statements (xAPI 1.0.3 Data §2.6, 2.0 §4.2.8): the JWS attachment must decode, use
RS256/384/512, verify against its own x5c certificate when it gives one, and carry the
statement itself as it was before the signature was attached."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
from cryptography import x509
from cryptography.exceptions import InvalidSignature

from lrs import spec
from lrs.errors import BadRequest
from lrs.ops.command import Attachment
from lrs.ops.comparison import same_statement

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = ("RS256", "RS384", "RS512")


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def check_signatures(statements: list[dict[str, Any]], attachments: dict[str, Attachment]) -> None:
    for index, statement in enumerate(statements):
        for position, attachment in enumerate(statement.get("attachments") or []):
            if attachment.get("usageType") != SIGNATURE_USAGE:
                continue
            path = f"$[{index}].attachments[{position}]"
            if attachment.get("contentType") != "application/octet-stream":
                raise BadRequest(f"{path}.contentType: a signature is application/octet-stream.")
            data = attachments.get(str(attachment.get("sha2", "")).lower())
            if data is None:
                raise BadRequest(f"{path}: the signature's JWS was not sent with the statement.")
            _check_one(statement, attachment, data.content, path)


def _check_one(
    statement: dict[str, Any], signature: dict[str, Any], token: bytes, path: str
) -> None:
    try:
        text = token.decode("ascii").strip()
        header_segment, payload_segment, _ = text.split(".")
        header = json.loads(_b64decode(header_segment))
        # The payload is a statement: the same strict JSON, walked below by same_statement.
        payload = spec.parse_json(_b64decode(payload_segment))
    except spec.ValidationError as error:
        raise BadRequest(f"{path}: the JWS payload {error}.") from None
    except (ValueError, RecursionError):  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise BadRequest(f"{path}: the signature is not a JWS in compact serialisation.") from None
    algorithm = header.get("alg") if isinstance(header, dict) else None
    if algorithm not in ALGORITHMS:
        raise BadRequest(f"{path}: the JWS uses {algorithm!r}; use RS256, RS384 or RS512.")
    if isinstance(header.get("x5c"), list) and header["x5c"]:
        try:
            certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
            jwt.api_jws.decode(text, certificate.public_key(), algorithms=[algorithm])
        except (ValueError, TypeError, jwt.PyJWTError, InvalidSignature):
            raise BadRequest(
                f"{path}: the JWS signature does not verify with its x5c certificate."
            ) from None
    if not isinstance(payload, dict) or not same_statement(
        payload, _unsigned(statement, signature)
    ):
        raise BadRequest(f"{path}: the signed payload is not this statement.")


def _unsigned(statement: dict[str, Any], signature: dict[str, Any]) -> dict[str, Any]:
    """The statement as it was before its signature attachment was added."""
    unsigned = dict(statement)
    others = [a for a in statement.get("attachments") or [] if a is not signature]
    if others:
        unsigned["attachments"] = others
    else:
        unsigned.pop("attachments", None)
    return unsigned
