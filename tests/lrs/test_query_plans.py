"""Every statement filter is answered through an index, on SQLite and on PostgreSQL: the plan of
the query the LRS sends for each, read back with EXPLAIN. On PostgreSQL the planner is told to
avoid sequential scans (`enable_seqscan = off`), as it does by itself once the tables are large;
which index it then picks follows the statistics the rest of the suite left behind, so there
the test asks for an index, not for the (kind, key, seq) one SQLite's plan must name."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from lrs.ops.query import StatementQuery

AGENT = {"objectType": "Agent", "mbox": "mailto:officer@example.org"}
VERB = "http://adlnet.gov/expapi/verbs/completed"
ACTIVITY = "https://lms.test/activities/pursuit"
REGISTRATION = "6e5f0d2a-1111-4000-8000-000000000001"
WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
LOOKUP = "ix_lrs_statement_index_lookup"  # (kind, key, seq): every agent/verb/activity filter

FILTERED = {
    "agent": StatementQuery(agent=AGENT),
    "verb": StatementQuery(verb=VERB),
    "activity": StatementQuery(activity=ACTIVITY),
    "registration": StatementQuery(registration=REGISTRATION),
    "related_agents": StatementQuery(agent=AGENT, related_agents=True),
    "related_activities": StatementQuery(activity=ACTIVITY, related_activities=True),
    "agent+verb+since": StatementQuery(agent=AGENT, verb=VERB, since=WHEN),
    "verb+since, a page of 100": StatementQuery(verb=VERB, since=WHEN, limit=100),
    "activity+until, ascending": StatementQuery(activity=ACTIVITY, until=WHEN, ascending=True),
}
UNFILTERED = {
    "since": StatementQuery(since=WHEN),
    "until": StatementQuery(until=WHEN),
    "ascending": StatementQuery(ascending=True),
    "everything": StatementQuery(),
}


def sent_for(store, query: StatementQuery) -> tuple[str, object]:
    """The page query the LRS sends for `query`, and its parameters."""
    sent: list[tuple[str, object]] = []

    def keep(connection, cursor, statement, parameters, context, executemany):
        if "LIMIT" in statement.upper():
            sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", keep)
    try:
        store.query(query)
    finally:
        event.remove(store.engine, "before_cursor_execute", keep)
    return sent[-1]


def plan_of(store, query: StatementQuery) -> tuple[str, list[str]]:
    """The database's name and its plan of the page query the LRS sends for `query`."""
    engine = store.engine
    statement, parameters = sent_for(store, query)
    with engine.connect() as connection:
        name = connection.dialect.name
        if name == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return name, [row[-1] for row in rows]
        connection.exec_driver_sql("SET enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return name, [row[0] for row in rows]


def full_scans(name: str, plan: list[str]) -> list[str]:
    if name == "sqlite":  # SEARCH reads an index; SCAN reads a whole table or index
        return [line for line in plan if line.startswith("SCAN")]
    return [line for line in plan if "Seq Scan" in line]


@pytest.mark.parametrize("filtered", list(FILTERED))
def test_each_filter_is_read_through_the_statement_index(app, filtered):
    name, plan = plan_of(app.extensions["lrs"], FILTERED[filtered])
    assert full_scans(name, plan) == [], (name, plan)
    if name == "sqlite":  # its planner has no statistics here: the plan is the query's own
        assert any(LOOKUP in line for line in plan), (name, plan)
    else:  # PostgreSQL's follows the statistics the rest of the suite left: any index will do
        assert any("Index" in line for line in plan), (name, plan)


@pytest.mark.parametrize("unfiltered", list(UNFILTERED))
def test_a_query_without_filters_walks_the_stored_order_or_the_stored_time(app, unfiltered):
    name, plan = plan_of(app.extensions["lrs"], UNFILTERED[unfiltered])
    assert full_scans(name, plan) == [], (name, plan)
    indexes = ("INTEGER PRIMARY KEY", "ix_lrs_statement_stored", "pk_lrs_statement")
    assert any(index in line for line in plan for index in indexes), (name, plan)


def test_agent_and_verb_read_one_range_of_their_own_rows(app):
    """Agent+verb drives from its (agent, verb) rows alone, with no check of the agent's or the
    verb's rows statement by statement: one index range holds exactly the matches."""
    statement, parameters = sent_for(app.extensions["lrs"], FILTERED["agent+verb+since"])
    assert "EXISTS" not in statement.upper(), statement
    values = parameters.values() if isinstance(parameters, dict) else parameters
    assert "agent_verb" in list(values), parameters
