"""Signed statements: the JWS must verify and carry the statement it is attached to."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.builders.xapi import statement

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


@pytest.fixture(scope="module")
def signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Learning Portal test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    x5c = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
    return key, x5c


def signed_body(payload, token: str, boundary: str = "signed-boundary"):
    sha2 = hashlib.sha256(token.encode()).hexdigest()
    body_statement = dict(payload)
    body_statement["attachments"] = [
        {
            "usageType": SIGNATURE,
            "display": {"en-US": "Signature"},
            "contentType": "application/octet-stream",
            "length": len(token),
            "sha2": sha2,
        }
    ]
    body = (
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(body_statement)}\r\n"
        f"--{boundary}\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
        f"{token}\r\n--{boundary}--\r\n"
    ).encode()
    return body, {"Content-Type": f"multipart/mixed; boundary={boundary}"}


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_a_correctly_signed_statement_is_stored(xapi, signer, algorithm):
    key, x5c = signer
    payload = statement()
    token = jwt.encode(payload, key, algorithm=algorithm, headers={"x5c": [x5c]})
    body, headers = signed_body(payload, token)
    response = xapi.request("POST", "/statements", data=body, headers=headers)
    assert response.status_code == 200, response.json


def test_a_signature_over_another_statement_is_refused(xapi, signer):
    key, x5c = signer
    token = jwt.encode(statement(), key, algorithm="RS256", headers={"x5c": [x5c]})
    tampered = statement(verb={"id": "http://adlnet.gov/expapi/verbs/passed"})
    body, headers = signed_body(tampered, token)
    response = xapi.request("POST", "/statements", data=body, headers=headers)
    assert response.status_code == 400
    assert "not this statement" in response.json["error"]


def test_a_signature_that_does_not_verify_is_refused(xapi, signer):
    key, x5c = signer
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    payload = statement()
    token = jwt.encode(payload, other, algorithm="RS256", headers={"x5c": [x5c]})
    body, headers = signed_body(payload, token)
    response = xapi.request("POST", "/statements", data=body, headers=headers)
    assert response.status_code == 400
    assert "does not verify" in response.json["error"]


def test_a_signature_with_a_weak_algorithm_is_refused(xapi):
    payload = statement()
    token = jwt.encode(payload, "a shared secret of thirty-two bytes!", algorithm="HS256")
    body, headers = signed_body(payload, token)
    response = xapi.request("POST", "/statements", data=body, headers=headers)
    assert response.status_code == 400
    assert "RS256" in response.json["error"]
