"""The LRS's bulk path (`LearningRecordStore.record_many`): statements from any iterable, read
one batch at a time, each batch validated, checked and stored in a transaction of its own;
a refused batch stores nothing of itself and names the statement (or the batch) at fault, and
the batches before it stay stored."""

from __future__ import annotations

import uuid

import pytest

from lms import unit_of_work
from lrs import spec
from lrs.errors import Forbidden
from tests.builders.xapi import statement

FAILED = {"id": "http://adlnet.gov/expapi/verbs/failed", "display": {"en-US": "failed"}}


@pytest.fixture
def store(app):
    return app.extensions["lrs"]


@pytest.fixture
def author(credential):
    created, _ = credential
    return created


def _numbered(count: int, **changes) -> list[dict]:
    return [statement(id=str(uuid.uuid4()), **changes) for _ in range(count)]


def _stored_ids(store) -> list[str]:
    return [s["id"] for _, s in store.read_from(0)]


def test_a_generator_is_read_one_batch_at_a_time_and_each_batch_committed_apart(store, author):
    sent = _numbered(25)
    taken = []

    def source():
        for n, one in enumerate(sent, 1):
            taken.append(n)
            yield one

    checked, heard = [], []
    store.add_statement_check(lambda write: checked.append((len(write.statements), len(taken))))
    store.on_committed(lambda seqs: heard.append(len(seqs)))

    assert store.record_many(source(), author, batch=10) == 25

    # Each batch was checked when no more than it had been read from the generator...
    assert checked == [(10, 10), (10, 20), (5, 25)]
    # ...and its listeners heard of it on its own commit.
    assert heard == [10, 10, 5]
    assert _stored_ids(store) == [one["id"] for one in sent]


def test_an_invalid_statement_refuses_its_batch_by_its_index_and_earlier_batches_stay(
    store, author
):
    sent = _numbered(25)
    del sent[17]["verb"]

    with pytest.raises(spec.ValidationError) as refused:
        store.record_many(iter(sent), author, batch=10)

    assert refused.value.path == "$[17].verb"
    assert _stored_ids(store) == [one["id"] for one in sent[:10]]


def test_a_repeated_id_is_named_by_both_indexes_of_the_whole_load(store, author):
    sent = _numbered(15)
    sent[14]["id"] = sent[12]["id"]

    with pytest.raises(spec.ValidationError) as refused:
        store.record_many(sent, author, batch=10)

    assert refused.value.path == "$[14].id"
    assert "$[12]" in refused.value.message
    assert len(_stored_ids(store)) == 10


def test_a_check_refusing_a_batch_names_its_range_with_the_check_s_error(store, author):
    def no_failures(write):
        if any(one["verb"]["id"] == FAILED["id"] for one in write.statements):
            raise Forbidden("no failures here")

    store.add_statement_check(no_failures)
    sent = _numbered(12) + _numbered(1, verb=FAILED) + _numbered(3)

    with pytest.raises(Forbidden) as refused:
        store.record_many(sent, author, batch=10)

    assert refused.value.message == "Statements $[10]–$[15]: no failures here"
    assert _stored_ids(store) == [one["id"] for one in sent[:10]]


def test_a_statement_held_already_is_accepted_once_and_not_stored_again(store, author):
    held = _numbered(1)
    store.record(held, author)
    fresh = _numbered(2)

    assert store.record_many([*held, *fresh], author) == 3

    assert _stored_ids(store) == [one["id"] for one in held + fresh]


def test_statements_without_ids_are_given_theirs_and_every_one_is_kept(store, author):
    assert store.record_many((statement() for _ in range(7)), author, batch=3) == 7

    assert len(set(_stored_ids(store))) == 7


def test_it_is_refused_inside_a_unit_of_work_whose_one_commit_it_could_not_bound(store, author):
    with unit_of_work.job(), pytest.raises(RuntimeError, match="outside a unit of work"):
        store.record_many(_numbered(2), author)

    assert _stored_ids(store) == []


def test_a_batch_holds_at_least_one_statement(store, author):
    with pytest.raises(ValueError, match="batch"):
        store.record_many(_numbered(2), author, batch=0)
