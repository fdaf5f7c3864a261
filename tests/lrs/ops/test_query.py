"""Reading statements (lrs/ops/query.py), through the Statement resource: the filters, related
agents and activities, statements targeting others, order, since/until, and `more` pages that
stay right while statements keep arriving."""

from __future__ import annotations

import json
import uuid

from tests.builders.xapi import statement
from tests.lrs.helpers import DISPATCHER, OFFICER


def test_filters_by_agent_verb_activity_and_registration(xapi):
    registration = str(uuid.uuid4())
    mine = xapi.post_statements(statement(context={"registration": registration})).json[0]
    xapi.post_statements(statement(actor=DISPATCHER))
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


def test_filters_combine(xapi):
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
