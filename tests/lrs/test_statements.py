"""The Statement resource, through HTTP, in both versions of the spec."""

from __future__ import annotations

import hashlib
import uuid

from tests.lrs.conftest import XapiClient, statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
OFFICER = {
    "objectType": "Agent",
    "account": {"homePage": "https://lms.test", "name": "A12-345-678"},
}
DISPATCHER = {"objectType": "Agent", "mbox": "mailto:dispatch@example.org"}


def test_posted_statements_come_back_by_id_with_what_the_lrs_adds(xapi):
    response = xapi.post_statements([statement(), statement()])
    assert response.status_code == 200
    ids = response.json
    assert len(ids) == 2 and len(set(ids)) == 2
    fetched = xapi.get_statements(statementId=ids[0])
    assert fetched.status_code == 200
    stored = fetched.json
    assert stored["id"] == ids[0]
    assert stored["stored"].endswith("Z") and stored["timestamp"]
    assert stored["authority"]["account"]["name"]
    assert stored["version"] == ("1.0.0" if xapi.version == "1.0.3" else "2.0.0")
    assert fetched.headers["X-Experience-API-Version"] == xapi.version
    assert fetched.headers["X-Experience-API-Consistent-Through"]
    assert fetched.headers["Last-Modified"]


def test_put_stores_one_statement_under_its_id(xapi):
    statement_id = str(uuid.uuid4())
    response = xapi.request("PUT", f"/statements?statementId={statement_id}", json=statement())
    assert response.status_code == 204
    assert xapi.get_statements(statementId=statement_id).json["id"] == statement_id


def test_a_statement_is_immutable(xapi):
    statement_id = str(uuid.uuid4())
    first = statement(id=statement_id)
    assert xapi.post_statements(first).status_code == 200
    assert xapi.post_statements(first).status_code == 200
    changed = statement(id=statement_id, verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    assert xapi.post_statements(changed).status_code == 409
    assert xapi.get_statements(statementId=statement_id).json["verb"]["id"].endswith("/completed")


def test_a_batch_with_one_bad_statement_stores_nothing(xapi):
    bad = statement(verb={"id": "not an iri"})
    response = xapi.post_statements([statement(id=str(uuid.uuid4())), bad])
    assert response.status_code == 400
    assert "verb" in response.json["error"]
    assert xapi.get_statements().json["statements"] == []


def test_the_version_header_is_required(client, credential):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret)
    response = xapi.request("GET", "/statements", headers={"X-Experience-API-Version": ""})
    assert response.status_code == 400
    response = xapi.request("GET", "/statements", headers={"X-Experience-API-Version": "0.95"})
    assert response.status_code == 400


def test_credentials_are_required_and_checked(client, credential):
    created, _ = credential
    assert (
        client.get("/xapi/statements", headers={"X-Experience-API-Version": "2.0.0"}).status_code
        == 401
    )
    wrong = XapiClient(client, created.key, "not the secret")
    assert wrong.get_statements().status_code == 401


def test_about_needs_no_credentials(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert set(response.json["version"]) >= {"1.0.3", "2.0.0"}


def test_a_voided_statement_disappears_but_can_be_asked_for(xapi):
    target = xapi.post_statements(statement()).json[0]
    voiding = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    voiding_id = xapi.post_statements(voiding).json[0]
    assert xapi.get_statements(statementId=target).status_code == 404
    assert xapi.get_statements(voidedStatementId=target).json["id"] == target
    listed = [s["id"] for s in xapi.get_statements().json["statements"]]
    assert listed == [voiding_id]


def test_a_voiding_statement_cannot_be_voided(xapi):
    target = xapi.post_statements(statement()).json[0]
    voiding = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    voiding_id = xapi.post_statements(voiding).json[0]
    again = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding_id})
    assert xapi.post_statements(again).status_code == 400


def test_filters_by_agent_verb_activity_and_registration(xapi):
    registration = str(uuid.uuid4())
    mine = xapi.post_statements(statement(context={"registration": registration})).json[0]
    xapi.post_statements(statement(actor=DISPATCHER))
    import json

    by_agent = xapi.get_statements(agent=json.dumps(OFFICER)).json["statements"]
    assert [s["id"] for s in by_agent] == [mine]
    by_registration = xapi.get_statements(registration=registration).json["statements"]
    assert [s["id"] for s in by_registration] == [mine]
    assert (
        len(xapi.get_statements(verb="http://adlnet.gov/expapi/verbs/completed").json["statements"])
        == 2
    )
    assert (
        xapi.get_statements(verb="http://adlnet.gov/expapi/verbs/failed").json["statements"] == []
    )
    assert (
        len(
            xapi.get_statements(activity="https://lms.test/courses/vehicle-pursuit").json[
                "statements"
            ]
        )
        == 2
    )


def test_related_activities_and_agents_reach_into_context(xapi):
    import json

    course = "https://lms.test/courses/dispatcher-critical-incidents"
    xapi.post_statements(
        statement(
            context={
                "instructor": DISPATCHER,
                "contextActivities": {"parent": [{"id": course}]},
            }
        )
    )
    assert xapi.get_statements(activity=course).json["statements"] == []
    assert (
        len(xapi.get_statements(activity=course, related_activities="true").json["statements"]) == 1
    )
    assert xapi.get_statements(agent=json.dumps(DISPATCHER)).json["statements"] == []
    related = xapi.get_statements(agent=json.dumps(DISPATCHER), related_agents="true")
    assert len(related.json["statements"]) == 1


def test_a_statement_targeting_another_matches_its_filters(xapi):
    import json

    target = xapi.post_statements(statement()).json[0]
    follow_up = statement(
        actor=DISPATCHER,
        verb={"id": "http://adlnet.gov/expapi/verbs/attended"},
        object={"objectType": "StatementRef", "id": target},
    )
    follow_up_id = xapi.post_statements(follow_up).json[0]
    found = xapi.get_statements(agent=json.dumps(OFFICER)).json["statements"]
    assert {s["id"] for s in found} == {target, follow_up_id}


def test_paging_with_more_links_stays_right_while_statements_arrive(xapi):
    ids = xapi.post_statements([statement() for _ in range(5)]).json
    first = xapi.get_statements(limit=2).json
    assert len(first["statements"]) == 2 and first["more"]
    xapi.post_statements(statement())  # arrives between pages: not part of this listing
    seen = [s["id"] for s in first["statements"]]
    more = first["more"]
    while more:
        page = xapi.client.get(more, headers=xapi.headers).json
        seen += [s["id"] for s in page["statements"]]
        more = page["more"]
    assert seen == list(reversed(ids))


def test_ascending_order_and_since_until(xapi):
    ids = xapi.post_statements([statement() for _ in range(3)]).json
    ascending = [s["id"] for s in xapi.get_statements(ascending="true").json["statements"]]
    assert ascending == ids
    middle = xapi.get_statements(statementId=ids[1]).json["stored"]
    after = [
        s["id"] for s in xapi.get_statements(since=middle, ascending="true").json["statements"]
    ]
    assert after == ids[2:]
    upto = [s["id"] for s in xapi.get_statements(until=middle, ascending="true").json["statements"]]
    assert upto == ids[:2]


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


def test_bad_query_parameters_are_named(xapi):
    for params, name in (
        ({"limit": "-1"}, "limit"),
        ({"format": "pretty"}, "format"),
        ({"agent": "{not json"}, "agent"),
        ({"since": "yesterday"}, "since"),
        ({"colour": "blue"}, "colour"),
        ({"statementId": str(uuid.uuid4()), "verb": "http://x.y/z"}, "verb"),
    ):
        response = xapi.get_statements(**params)
        assert response.status_code == 400, params
        assert name in response.json["error"], (params, response.json)


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
    import json

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
    missing = xapi.post_statements(body_statement)
    assert missing.status_code == 400


def test_statements_read_mine_sees_only_its_own(app, client, credential):
    store = app.extensions["lrs"]
    created, secret = credential
    writer = XapiClient(client, created.key, secret)
    writer.post_statements(statement())
    mine, mine_secret = store.create_credential(
        "player", ["statements/write", "statements/read/mine"]
    )
    reader = XapiClient(client, mine.key, mine_secret)
    own = reader.post_statements(statement()).json[0]
    assert [s["id"] for s in reader.get_statements().json["statements"]] == [own]


def test_a_credential_limited_to_one_agent_writes_only_for_them(app, client):
    registration = str(uuid.uuid4())
    limited, secret = app.extensions["lrs"].create_credential(
        "launch", ["statements/write"], agent=OFFICER, registration=registration
    )
    xapi = XapiClient(client, limited.key, secret)
    ok = statement(context={"registration": registration})
    assert xapi.post_statements(ok).status_code == 200
    assert (
        xapi.post_statements(
            statement(actor=DISPATCHER, context={"registration": registration})
        ).status_code
        == 403
    )
    assert xapi.post_statements(statement()).status_code == 403


def test_cors_lets_content_from_another_origin_call(client):
    response = client.options("/xapi/statements", headers={"Origin": "https://content.example"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Experience-API-Version" in response.headers["Access-Control-Allow-Headers"]


def test_alternate_request_syntax_in_1_0_3_only(client, credential):
    import json
    from urllib.parse import urlencode

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


def test_filters_combine(xapi):
    import json

    registration = str(uuid.uuid4())
    wanted = xapi.post_statements(statement(context={"registration": registration})).json[0]
    xapi.post_statements(statement(verb={"id": "http://adlnet.gov/expapi/verbs/failed"}))
    xapi.post_statements(statement(actor=DISPATCHER, context={"registration": registration}))
    found = xapi.get_statements(
        agent=json.dumps(OFFICER),
        verb="http://adlnet.gov/expapi/verbs/completed",
        activity="https://lms.test/courses/vehicle-pursuit",
        registration=registration,
    ).json["statements"]
    assert [s["id"] for s in found] == [wanted]


def test_a_version_with_non_ascii_digits_is_refused(client, credential):
    created, secret = credential
    xapi = XapiClient(client, created.key, secret)
    response = xapi.request(
        "GET", "/statements", headers={"X-Experience-API-Version": "1.0.\u0663"}
    )
    assert response.status_code == 400


def test_an_alternate_request_form_sent_as_a_json_string_is_read(client, credential):
    import json
    from urllib.parse import urlencode

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
