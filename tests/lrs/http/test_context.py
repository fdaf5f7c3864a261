"""One request whichever syntax it came in (lrs/http/context.py): the alternate request syntax
of xAPI 1.0.3 Communication §1.3."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

from tests.builders.xapi import statement
from tests.lrs.conftest import XapiClient


def test_alternate_request_syntax_in_1_0_3_only(client, credential):
    created, secret = credential
    statement_id = str(uuid.uuid4())
    for version, expected in (("1.0.3", 204), ("2.0.0", 400)):
        xapi = XapiClient(client, created.key, secret, version)
        form = urlencode(
            {
                "statementId": statement_id,
                "content": json.dumps(statement()),
                "Authorization": xapi.headers["Authorization"],
                "X-Experience-API-Version": version,
            }
        )
        response = client.post(
            "/xapi/statements?method=PUT",
            data=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == expected, response.json
    assert (
        XapiClient(client, created.key, secret).get_statements(statementId=statement_id).status_code
        == 200
    )


def test_an_alternate_request_form_sent_as_a_json_string_is_read(client, credential):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret, "1.0.3")
    statement_id = str(uuid.uuid4())
    form = urlencode({"statementId": statement_id, "content": json.dumps(statement())})
    response = client.post(
        "/xapi/statements?method=PUT",
        data=json.dumps(form),
        headers={**xapi.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 204
