"""Statements with attachments over HTTP (lrs/http/attachments.py): multipart/mixed in and out."""

from __future__ import annotations

import hashlib
import json

from tests.builders.xapi import statement


def test_attachments_go_in_and_come_out_as_multipart(xapi):
    data = b"signed roster of 12 attendees"
    sha2 = hashlib.sha256(data).hexdigest()
    body_statement = statement(
        attachments=[
            {
                "usageType": "https://lms.test/attachments/roster",
                "display": {"en-US": "Roster"},
                "contentType": "text/plain",
                "length": len(data),
                "sha2": sha2,
            }
        ]
    )
    boundary = "xapi-boundary"
    body = (
        (
            f"--{boundary}\r\nContent-Type: application/json\r\n\r\n"
            f"{json.dumps(body_statement)}\r\n"
            f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = xapi.request(
        "POST",
        "/statements",
        data=body,
        headers={"Content-Type": f"multipart/mixed; boundary={boundary}"},
    )
    assert response.status_code == 200, response.json
    statement_id = response.json[0]
    fetched = xapi.get_statements(statementId=statement_id, attachments="true")
    assert fetched.headers["Content-Type"].startswith("multipart/mixed")
    assert data in fetched.data and sha2.encode() in fetched.data
    # The boundary is bare: clients that do not strip quotes (TinCanJS) find the parts.
    boundary_sent = fetched.headers["Content-Type"].split("boundary=", 1)[1]
    assert '"' not in boundary_sent and fetched.data.startswith(f"--{boundary_sent}".encode())
    # TinCanPython writes Python's True; it is the same request.
    again = xapi.get_statements(statementId=statement_id, attachments="True")
    assert again.headers["Content-Type"].startswith("multipart/mixed") and data in again.data
    missing = xapi.post_statements(body_statement)
    assert missing.status_code == 400
