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


COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"


def _dispatcher_attended(xapi, target: str) -> str:
    """The id of a statement of the dispatcher's that targets `target` by StatementRef."""
    return xapi.post_statements(
        statement(
            actor=DISPATCHER,
            verb={"id": ATTENDED},
            object={"objectType": "StatementRef", "id": target},
        )
    ).json[0]


def _ids(xapi, **params):
    return {s["id"] for s in xapi.get_statements(**params).json["statements"]}


def test_agent_and_verb_together_match_as_each_does_alone(xapi):
    """Agent+verb is read from (agent, verb) rows of its own: it must find what the two filters
    would find each on its own, with related agents, groups and statements targeting others."""
    completed = xapi.post_statements(statement()).json[0]
    attended = xapi.post_statements(statement(verb={"id": ATTENDED})).json[0]
    taught = xapi.post_statements(
        statement(actor=DISPATCHER, verb={"id": ATTENDED}, context={"instructor": OFFICER})
    ).json[0]
    team = {"objectType": "Group", "member": [OFFICER, DISPATCHER]}
    by_group = xapi.post_statements(statement(actor=team)).json[0]
    referring = _dispatcher_attended(xapi, completed)
    officer, dispatcher = json.dumps(OFFICER), json.dumps(DISPATCHER)

    assert _ids(xapi, agent=officer, verb=COMPLETED) == {completed, by_group, referring}
    assert _ids(xapi, agent=officer, verb=ATTENDED) == {attended, referring}
    assert _ids(xapi, agent=dispatcher, verb=COMPLETED) == {by_group, referring}
    assert _ids(xapi, agent=dispatcher, verb=ATTENDED) == {taught, referring}
    related = _ids(xapi, agent=officer, verb=ATTENDED, related_agents="true")
    assert related == {attended, taught, referring}
    failed = "http://adlnet.gov/expapi/verbs/failed"
    assert _ids(xapi, agent=officer, verb=failed) == set()
    for agent in (officer, dispatcher):
        for verb in (COMPLETED, ATTENDED):
            alone = _ids(xapi, agent=agent) & _ids(xapi, verb=verb)
            assert _ids(xapi, agent=agent, verb=verb) == alone, (agent, verb)


def test_a_statement_whose_target_arrives_later_matches_the_targets_agent_and_verb(xapi):
    target_id = str(uuid.uuid4())
    referring = _dispatcher_attended(xapi, target_id)
    assert _ids(xapi, agent=json.dumps(OFFICER), verb=COMPLETED) == set()
    xapi.post_statements(statement(id=target_id))
    found = _ids(xapi, agent=json.dumps(OFFICER), verb=COMPLETED)
    assert found == {target_id, referring}
