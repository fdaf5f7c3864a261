"""What the LRS asks the player before it stores statements or answers a request made with a
launch credential: the cmi5 rules, and the records that follow from each statement.

The statement check runs inside the LRS's write transaction, after its write lock: two
statements of a session can never both pass a rule that allows one of them, and the session
and node records it writes commit with the statements or not at all, so a statement the LRS
acknowledged is always in the LMS's records. It also sees the portal's own cmi5 statements
(launched, abandoned, waived, satisfied) and records them the same way, refusing a second
abandoned, waived or satisfied where cmi5 allows one (§9.3).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from lms.catalog.models import Registration
from lms.db import db, utcnow
from lms.packages.manifests import ParsedPackage
from lms.packages.models import PackageVersion
from lms.player import identity, records, statement_scope
from lms.player.cmi5 import moveon, rules
from lms.player.cmi5 import statements as xapi
from lms.player.cmi5.registrations import au_results, satisfied_statements, structure_of
from lms.player.cmi5.services import LAUNCH_DATA, LEARNER_PREFERENCES
from lms.player.cmi5.structure import AU, BLOCK, COURSE, CourseStructure
from lms.player.models import CMI5, TINCAN, LaunchSession, NodeStatus
from lrs.api import LearningRecordStore, ResourceRequest, StatementWrite
from lrs.errors import Forbidden

# The session's columns for the cmi5 defined verbs an AU sends (§9.3).
SESSION_COLUMNS = {
    xapi.INITIALIZED: "initialized_at",
    xapi.COMPLETED: "completed_at",
    xapi.PASSED: "passed_at",
    xapi.FAILED: "failed_at",
    xapi.TERMINATED: "terminated_at",
}
NODE_COLUMNS = {xapi.COMPLETED: "completed_at", xapi.PASSED: "passed_at", xapi.FAILED: "failed_at"}
WRITES = ("PUT", "POST", "DELETE")


def attach(store: LearningRecordStore) -> None:
    """Register the player's checks with the LRS (the app factory calls this)."""
    store.add_statement_check(check_statements)
    store.add_request_check(check_request)


@contextmanager
def _orm(connection: Connection) -> Iterator[Session]:
    """An ORM session on the LRS's transaction, in a SAVEPOINT of its own that it releases at
    the end: what it writes commits with the statements, never before them."""
    with (
        Session(
            bind=connection,
            autoflush=True,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
        ) as orm,
        orm.begin(),  # released at the end, rolled back on an exception
    ):
        yield orm


def check_statements(write: StatementWrite) -> None:
    credential = write.credential
    if credential.key == records.PORTAL_CREDENTIAL_KEY:
        observed = [s for s in write.statements if _is_lms_cmi5_statement(s)]
        if observed:
            with _orm(write.connection) as orm:
                for statement in observed:
                    _observe(orm, write, statement)
        return
    if credential.registration is None or not write.statements:
        return  # an ordinary credential: no launch behind it
    with _orm(write.connection) as orm:
        session = orm.scalar(
            select(LaunchSession).where(LaunchSession.credential_key == credential.key)
        )
        if session is None:
            return
        try:
            statement_scope.check(write.statements, _own_activity_ids(orm, session))
        except statement_scope.OutsideThePackage as outside:
            raise Forbidden(outside.message) from None
        if session.standard == TINCAN:
            from lms.player.tincan.services import record_progress

            record_progress(orm, session, write.statements)
        else:
            _au_statements(orm, write, session)


def _own_activity_ids(orm: Session, session: LaunchSession) -> frozenset[str] | set[str]:
    """The activity ids of the session's package version: what tincan.xml declares; for cmi5
    the course, block and AU ids of cmi5.xml and the portal's ids for them (all below the
    course's IRI)."""
    registration = orm.get(Registration, session.registration_id)
    version = orm.get(PackageVersion, registration.package_version_id)
    if session.standard == TINCAN:
        return _tincan_activity_ids(version.id, version.parsed)
    structure = _structure(orm, registration)
    return {
        structure.activity_id,
        structure.id,
        *(block.id for block in structure.blocks),
        *(au.id for au in structure.aus),
    }


def _is_lms_cmi5_statement(statement: dict[str, Any]) -> bool:
    context = statement.get("context") or {}
    return statement["verb"]["id"] in rules.LMS_VERBS and xapi.CMI5_CATEGORY in (
        rules.activity_ids(context, "category")
    )


def _node(orm: Session, registration_id: int, node_id: str, kind: str) -> NodeStatus:
    found = orm.scalar(
        select(NodeStatus).where(
            NodeStatus.registration_id == registration_id, NodeStatus.node_id == node_id
        )
    )
    if found is None:
        found = NodeStatus(registration_id=registration_id, node_id=node_id, kind=kind)
        orm.add(found)
    found.updated_at = utcnow()
    return found


def _structure(orm: Session, registration: Registration) -> CourseStructure:
    version = orm.get(PackageVersion, registration.package_version_id)
    return structure_of(version, identity.course_iri(registration.course, records.base_url()))


def _au_statements(orm: Session, write: StatementWrite, session: LaunchSession) -> None:
    """An AU's statements: judged by the rules one by one, in order, then recorded."""
    registration = orm.get(Registration, session.registration_id)
    node = orm.scalar(
        select(NodeStatus).where(
            NodeStatus.registration_id == registration.id, NodeStatus.node_id == session.au_id
        )
    )
    state = rules.AUSession(
        actor=write.credential.agent or {},
        registration=registration.uuid.lower(),
        session_id=session.uuid,
        activity_id=session.activity_id,
        publisher_id=session.au_id,
        launch_mode=session.launch_mode,
        mastery_score=session.mastery_score,
        preferences_read=session.learner_preferences_read_at is not None,
        abandoned=session.abandoned_at is not None,
        verbs={verb for verb, column in SESSION_COLUMNS.items() if getattr(session, column)},
        completed_in_registration=bool(node and node.completed_at),
        passed_in_registration=bool(node and node.passed_at),
    )
    for statement in write.statements:
        try:
            kind = rules.check(statement, state)
        except rules.RuleBroken as broken:
            raise Forbidden(broken.message) from None
        rules.apply(statement, kind, state)

    now = utcnow()
    session.last_statement_at = now
    for verb, column in SESSION_COLUMNS.items():
        if verb in state.verbs and getattr(session, column) is None:
            setattr(session, column, now)
    judged = [verb for verb in NODE_COLUMNS if verb in state.verbs]
    if not judged:
        return
    node = node or _node(orm, registration.id, session.au_id, AU)
    for verb in judged:
        if getattr(node, NODE_COLUMNS[verb]) is None:
            setattr(node, NODE_COLUMNS[verb], now)
    structure = _structure(orm, registration)
    au = structure.au_by_id(session.au_id)
    result = au_results({node.node_id: node})[node.node_id]
    if au is not None and node.satisfied_at is None and moveon.au_satisfied(au.move_on, result):
        node.satisfied_at = now
        # §9.3.9: satisfied for the blocks and the course, under this session's id, stored
        # right after the statement that satisfied the AU.
        _satisfy(orm, write, registration, structure, session.uuid, state.actor)


def _satisfy(
    orm: Session,
    write: StatementWrite,
    registration: Registration,
    structure: CourseStructure,
    session_id: str,
    actor: dict[str, Any],
) -> None:
    rows = orm.scalars(select(NodeStatus).where(NodeStatus.registration_id == registration.id))
    statuses = {row.node_id: row for row in rows}
    found = satisfied_statements(registration, structure, statuses, session_id, actor)
    if found:
        portal = write.system_credential(
            records.PORTAL_CREDENTIAL_KEY, records.PORTAL_CREDENTIAL_NAME
        )
        write.record_after(found, portal)


def _observe(orm: Session, write: StatementWrite, statement: dict[str, Any]) -> None:
    """The portal's own cmi5 statements, recorded in the session and node records."""
    verb = statement["verb"]["id"]
    context = statement.get("context") or {}
    session_id = (context.get("extensions") or {}).get(xapi.SESSION_ID)
    now = utcnow()
    if verb in (xapi.LAUNCHED, xapi.ABANDONED):
        session = orm.scalar(select(LaunchSession).where(LaunchSession.uuid == session_id))
        if session is None:
            return
        if verb == xapi.LAUNCHED:
            if session.launched_at is not None:
                raise Forbidden("cmi5 §9.3.1: the session was launched already.")
            session.launched_at = now
        else:
            if session.ended:
                raise Forbidden("cmi5 §9.3.6: the session has ended already.")
            session.abandoned_at = now
        return
    registration = orm.scalar(
        select(Registration).where(
            Registration.uuid == str(context.get("registration", "")).lower()
        )
    )
    if registration is None:
        return
    structure = _structure(orm, registration)
    object_id = statement["object"]["id"]
    if verb == xapi.WAIVED:
        au = next((au for au in structure.aus if au.activity_id == object_id), None)
        if au is None:
            return
        node = _node(orm, registration.id, au.id, AU)
        if node.waived_at is not None:
            raise Forbidden("cmi5 §9.3.7: the AU was waived already in this registration.")
        node.waived_at = now
        node.waive_reason = str(statement["result"]["extensions"][xapi.REASON])[:40]
        node.satisfied_at = node.satisfied_at or now
        _satisfy(orm, write, registration, structure, session_id, statement["actor"])
    elif verb == xapi.SATISFIED:
        if object_id == structure.activity_id:
            kind, node_id = COURSE, structure.id
        else:
            found = structure.node_for_activity(object_id)
            if found is None or found[0] != BLOCK:
                return
            kind, node_id = BLOCK, found[1].id
        node = _node(orm, registration.id, node_id, kind)
        if node.satisfied_at is not None:
            # §9.3.9: one satisfied per block or course in a registration.
            raise Forbidden("cmi5 §9.3.9: this was recorded as satisfied already.")
        node.satisfied_at = now


@lru_cache(maxsize=256)
def _tincan_activity_ids(version_id: int, parsed: str) -> frozenset[str]:
    """tincan.xml's activity ids (a version never changes: cached by its id and content)."""
    structure = ParsedPackage.from_json(json.loads(parsed)).structure
    return frozenset(str(activity["id"]) for activity in structure.get("activities", []))


def check_request(request: ResourceRequest) -> None:
    """Requests made with a launch credential: nothing once the cmi5 session has ended, no
    change to LMS.LaunchData (§10.2.1) or to the learner preferences (§11, which lets the LMS
    refuse them with 403), and Activity Profile changes only for the launched activity."""
    credential = request.credential
    if credential.registration is None:
        return
    session = db.session.scalar(
        select(LaunchSession).where(LaunchSession.credential_key == credential.key)
    )
    if session is None:
        return
    _request_rules(request, session)


def _request_rules(request: ResourceRequest, session: LaunchSession) -> None:
    params, write = request.params, request.method in WRITES
    if session.standard == CMI5 and session.terminated_at is not None:
        raise Forbidden("cmi5 §9.3.8: this session ended with terminated; launch the AU again.")
    if session.standard == CMI5 and session.abandoned_at is not None:
        raise Forbidden("cmi5 §9.3.6: this session was abandoned; launch the AU again.")
    own_activity = params.get("activityId") == session.activity_id
    if request.resource == "activity_profile" and write and not own_activity:
        raise Forbidden("activityId: launched content changes only its own activity's profile.")
    if session.standard != CMI5:
        return
    if request.resource == "state" and write:
        launch_data = params.get("stateId") == LAUNCH_DATA or (
            request.method == "DELETE" and "stateId" not in params and own_activity
        )
        if launch_data:
            raise Forbidden("cmi5 §10.2.1: the AU must not change or delete LMS.LaunchData.")
    if request.resource == "agent_profile" and params.get("profileId") == LEARNER_PREFERENCES:
        if write and "agent" in params:  # without an agent the LRS answers 400 itself
            raise Forbidden(
                "cmi5 §11: the Learning Portal keeps the learner preferences; "
                "changes from the AU are not taken."
            )
        if not write and session.learner_preferences_read_at is None:
            _mark_preferences_read(session.id)


def _mark_preferences_read(session_id: int) -> None:
    """§11: the AU has read its learner preferences, even when the LRS answers that there are
    none yet (404), an answer that discards the request's unit of work. So this mark is a
    trace kept whatever the answer, as a refusal's trace is (docs/architecture.md, "The
    transaction contract"): a short transaction of its own, on a connection of its own (the
    request, a read, has written nothing that it would wait for)."""
    with Session(db.engine) as own, own.begin():
        own.execute(
            update(LaunchSession)
            .where(
                LaunchSession.id == session_id,
                LaunchSession.learner_preferences_read_at.is_(None),
            )
            .values(learner_preferences_read_at=utcnow())
        )
