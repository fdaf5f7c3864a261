"""A completion is a completion however it is reported, and when POST staff change what completes
a course, the statements already stored are judged again: earlier completions are credited,
nothing is doubled, nothing voided comes back."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import threading
import uuid
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import event

from lms import unit_of_work
from lms.bridge import services as bridge
from lms.catalog import services as catalog
from lms.catalog.interfaces import Audience, Completion, CreditRule, Delivery
from lms.catalog.models import Course
from lms.db import db
from lms.packages.services import import_package
from lms.player import records
from lms.player.identity import actor, course_iri
from lms.player.scorm import xapi
from lms.player.scorm.cmi import Score
from lms.training.models import CptEntry
from tests import factories
from tests.builders.tincan import tincan_zip
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_course, make_officer
from tests.lms.bridge.helpers import completion, profile, void

PASSED = "http://adlnet.gov/expapi/verbs/passed"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
TIN_CAN_ACTIVITY = "https://lms.example.org/tincan/radio-procedure"
FRAME_SRC = re.compile(r'<iframe id="tincan-frame"[^>]*src="([^"]+)"')


def change_rule(course: Course, rule: CreditRule, completion: Completion) -> None:
    """What POST staff do on the course's edit page (one unit of work): the same fields,
    another rule."""
    certification = course.certification
    with unit_of_work.job():
        catalog.save_course(
            catalog.CourseFields(
                slug=course.slug,
                title=course.title,
                description=course.description,
                audience={Audience(code) for code in course.audience_codes.split()},
                delivery=Delivery(course.delivery),
                published=course.published,
                certification_number=certification.certification_number,
                cpt_hours=certification.cpt_hours,
                credit_rule=rule,
                psp_category=None,
                mandates=set(),
                completion=completion,
            ),
            course,
        )


def settled(app) -> None:
    """Let the pass that runs after every commit of statements finish."""
    assert app.extensions["bridge"].wait_idle(10)


@pytest.fixture
def officer(app):
    return make_officer(email="pat@example.org")


@pytest.fixture
def by_passing(app):
    """A course completed by passing its test, as POST staff first set it up."""
    course = make_course(title="Use of Force Refresher")
    change_rule(course, CreditRule.AUTOMATIC, Completion.PASSED)
    return course


def test_a_tin_can_course_passed_with_completion_true_earns_its_cpt(app, client, tmp_path):
    """The course reports its end with `passed` and `result.completion: true` only; under the
    rule "completed" that is its completion, sent with the learner's own launch credential."""
    result = import_package(tincan_zip(tmp_path), app.extensions["content_store"], tmp_path / "w")
    course = db.session.get(Course, result.course_id)
    course.published = True
    db.session.commit()
    with unit_of_work.job():
        officer = make_officer(email="pat@example.org")
        certify(course)
        registration = catalog.register(officer, course.id)
    sign_in(client, "pat@example.org", PASSWORD)
    page = f"/tincan/registrations/{registration.id}"
    launched = client.post(f"{page}/launch", data={"csrf_token": csrf_token(client, page)})
    params = _launch_params(launched.get_data(as_text=True))
    response = client.post(
        f"{params['endpoint']}statements",
        json={
            "actor": json.loads(params["actor"]),
            "verb": {"id": PASSED, "display": {"en-US": "passed"}},
            "object": {"id": TIN_CAN_ACTIVITY},
            "result": {"completion": True, "success": True, "score": {"scaled": 0.9}},
            "context": {"registration": registration.uuid},
            "timestamp": "2026-03-04T10:00:00Z",
        },
        headers={"Authorization": params["auth"], "X-Experience-API-Version": "1.0.3"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    settled(app)
    assert profile(officer) == [("2026-03-04", course.title, Decimal(3))]


def certify(course: Course) -> None:
    """An imported course has no certification yet: POST staff give it one."""
    factories.certify(course, number="1850-40000", audience=frozenset({Audience.PEACE_OFFICER}))


def _launch_params(page: str) -> dict[str, str]:
    url = html.unescape(FRAME_SRC.search(page).group(1))
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def test_changing_the_rule_credits_the_completions_stored_before(app, officer, by_passing):
    records.record([completion(officer, by_passing, "2026-03-04T10:00:00Z")])
    settled(app)
    assert profile(officer) == []  # `completed` is not a pass
    change_rule(by_passing, CreditRule.AUTOMATIC, Completion.COMPLETED)
    # No pass has run since: the change itself judged the stored statement again.
    assert profile(officer) == [("2026-03-04", by_passing.title, Decimal(2))]


def test_judging_again_doubles_nothing_and_keeps_once_per_cycle(app, officer, by_passing):
    records.record(
        [
            completion(officer, by_passing, "2026-06-01T10:00:00Z"),
            completion(officer, by_passing, "2025-02-01T10:00:00Z"),
            completion(officer, by_passing, "2027-01-05T10:00:00Z"),
        ]
    )
    settled(app)
    for _ in range(2):
        change_rule(by_passing, CreditRule.AUTOMATIC, Completion.COMPLETED)
        change_rule(by_passing, CreditRule.RECORDED, Completion.COMPLETED)
    bridge.catch_up()
    assert profile(officer) == [
        ("2025-02-01", by_passing.title, Decimal(2)),
        ("2026-06-01", by_passing.title, Decimal(0)),  # the repeat in the cycle
        ("2027-01-05", by_passing.title, Decimal(2)),
    ]


def test_a_voided_statement_is_not_revived_by_judging_again(app, officer, by_passing):
    done = completion(officer, by_passing, "2026-03-04T10:00:00Z")
    records.record([done])
    records.record([void(done["id"], officer)])
    settled(app)
    change_rule(by_passing, CreditRule.AUTOMATIC, Completion.COMPLETED)
    assert profile(officer) == []


def test_cpt_already_granted_is_not_withdrawn_by_a_rule_change(app, officer):
    course = make_course(title="Report Writing")
    records.record([completion(officer, course, "2026-03-04T10:00:00Z")])
    settled(app)
    change_rule(course, CreditRule.AUTOMATIC, Completion.PASSED)
    assert profile(officer) == [("2026-03-04", course.title, Decimal(2))]


def test_other_courses_statements_are_not_read(app, officer, by_passing):
    other = make_course("1850-21797", title="Another course")
    records.record(
        [
            completion(officer, other, "2026-03-04T10:00:00Z"),
            completion(officer, by_passing, "2026-03-05T10:00:00Z"),
        ]
    )
    settled(app)
    judged = bridge.rejudge_course(by_passing.id)
    db.session.rollback()
    assert judged.read == 1


def test_a_rule_changed_while_a_pass_is_running_is_judged_after_it(app, officer, by_passing):
    """The change waits for the cursor lock of a pass that read the statement under the old
    rule, then judges it under the new one: one entry, and neither the pass nor the change fails."""
    records.record([completion(officer, by_passing, "2026-03-04T10:00:00Z")])
    settled(app)
    db.session.query(bridge.BridgeCursor).delete()
    db.session.commit()
    errors: list[BaseException] = []

    def staff_change() -> None:
        with app.app_context():
            try:
                course = db.session.get(Course, by_passing.id)
                change_rule(course, CreditRule.AUTOMATIC, Completion.COMPLETED)
            except BaseException as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    staff = threading.Thread(target=staff_change)
    change_writes = threading.Event()

    def change_sends_a_write(connection, cursor, statement, *args) -> None:
        if threading.current_thread() is staff and statement.lstrip().upper().startswith(
            ("UPDATE", "INSERT", "DELETE")
        ):
            change_writes.set()

    event.listen(db.engine, "before_cursor_execute", change_sends_a_write)
    try:
        with unit_of_work.job():  # the pass, stopped just before its commit
            bridge.run_pass()
            staff.start()
            # The change's first write is on its way: the database holds it until this commits.
            assert change_writes.wait(30), "the change never wrote"
    finally:
        event.remove(db.engine, "before_cursor_execute", change_sends_a_write)
    staff.join(30)
    assert not errors
    bridge.catch_up()
    assert profile(officer) == [("2026-03-04", by_passing.title, Decimal(2))]
    assert len({e.statement_id for e in db.session.query(CptEntry)}) == 1


@pytest.mark.parametrize("completed_by", [Completion.COMPLETED, Completion.PASSED])
def test_a_scorm_completion_reported_with_its_pass_is_one_entry(app, officer, completed_by):
    """The SCORM player reports a SCORM 2004 completion_status of completed as `completed` and
    the pass that came with it as `passed` carrying completion true (xAPI SCORM Profile §7):
    one completion, one entry, under either rule."""
    course = make_course(title="Radio Procedure")
    change_rule(course, CreditRule.AUTOMATIC, completed_by)
    scorm = xapi.Course(
        actor=actor(officer, records.base_url()),
        registration=str(uuid.uuid4()),
        iri=course_iri(course, records.base_url()),
        title=course.title,
    )
    moment = dt.datetime(2026, 3, 4, 18, tzinfo=dt.UTC)
    outcome = xapi.result_of("completed", "passed", Score(scaled=0.9))
    records.record(
        [
            xapi.course_statement(scorm, xapi.COMPLETED, moment, 1, outcome),
            xapi.course_statement(scorm, xapi.PASSED, moment, 2, outcome),
        ]
    )
    settled(app)
    assert profile(officer) == [("2026-03-04", course.title, Decimal(2))]
    change_rule(course, CreditRule.RECORDED, completed_by)  # judged again: still one
    assert profile(officer) == [("2026-03-04", course.title, Decimal(2))]


def _finish(person, course, verb: str, when: str, registration: str) -> dict:
    """A Tin Can course's report of its end, within its registration."""
    statement = completion(person, course, when, verb)
    statement["context"] = {"registration": registration}
    if verb != COMPLETED:
        statement["result"] = {"completion": True, "success": verb == PASSED}
    return statement


@pytest.mark.parametrize("completed_first", [True, False])
def test_one_finish_reported_as_completed_and_passed_is_one_entry(app, officer, completed_first):
    course = make_course(title="Radio Procedure")
    registration = str(uuid.uuid4())
    done = _finish(officer, course, COMPLETED, "2026-03-04T10:00:00Z", registration)
    passed = _finish(officer, course, PASSED, "2026-03-04T10:00:05Z", registration)
    for statement in [done, passed] if completed_first else [passed, done]:
        records.record([statement])
        settled(app)
    bridge.catch_up()
    db.session.expire_all()
    entries = db.session.query(CptEntry).all()
    assert [(e.statement_id, e.credited_hours) for e in entries] == [(done["id"], Decimal(2))]


def test_a_completed_from_another_authority_does_not_take_a_learners_credit(app, officer):
    """A credential that gives no credit cannot erase one either by storing a `completed` in
    the learner's registration."""
    course = make_course(title="Radio Procedure")
    registration = str(uuid.uuid4())
    store = app.extensions["lrs"]
    tool, _ = store.create_credential("reporting tool", ["all"])
    store.record([_finish(officer, course, COMPLETED, "2026-03-04T09:00:00Z", registration)], tool)
    records.record([_finish(officer, course, PASSED, "2026-03-04T10:00:00Z", registration)])
    settled(app)
    bridge.catch_up()
    assert profile(officer) == [("2026-03-04", course.title, Decimal(2))]
