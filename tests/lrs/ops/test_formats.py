"""The formats of returned statements (lrs/ops/formats.py): exact, ids, canonical."""

from __future__ import annotations

from tests.builders.xapi import statement


def test_format_ids_and_canonical(xapi):
    statement_id = xapi.post_statements(
        statement(
            object={
                "id": "https://lms.test/courses/x",
                "definition": {"name": {"en-US": "Pursuit", "es": "Persecución"}},
            }
        )
    ).json[0]
    ids = xapi.get_statements(statementId=statement_id, format="ids").json
    assert ids["object"] == {"id": "https://lms.test/courses/x"}
    assert ids["verb"] == {"id": "http://adlnet.gov/expapi/verbs/completed"}
    canonical = xapi.request(
        "GET",
        f"/statements?statementId={statement_id}&format=canonical",
        headers={"Accept-Language": "es"},
    ).json
    assert canonical["object"]["definition"]["name"] == {"es": "Persecución"}
