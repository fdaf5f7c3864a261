"""The demo history: people of the demo agencies with months of training behind them, so that
the Training Profile and Compliance show real figures after `make run`.

Everything goes the way a learner's training goes: the person registers through the catalog
(its rules and hooks: eligibility, the package version pinned, cmi5's moveOn at registration),
the player's statements about what they did are stored in the LRS (its validation, and the
player's statement checks, which keep the cmi5 records), and the bridge turns those that
qualify into CPT entries. No CPT entry is written here.

The past is dated as the learner lived it: a statement's `timestamp` is when the learner did
what it says (xAPI 2.0 §2.4.8; the LRS sets `stored`, which is today), and the bridge dates an
entry from the timestamp (docs/training.md, "An entry"); a registration's date is when the
learner registered. The player's launch functions stamp the portal's own statements with the
clock (cmi5 `satisfied`, a SCORM commit no earlier than its session's opening), so a history in
the past cannot come out of them; the history records the statements they record, built by
the player's own statement builders (`lms.player.scorm.xapi`, `lms.player.cmi5.statements`),
under the portal's credential as they are, dated when the learner finished.

Dates are counted back from the day the history is loaded, so the figures stay plausible
whenever the demo is made. A person's course that has a registration already is left alone,
so loading twice changes nothing the second time.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Flask, current_app
from sqlalchemy import select

from lms import unit_of_work
from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person, SubAffiliation
from lms.accounts.services import add_person
from lms.bridge.services import catch_up
from lms.catalog import services as catalog
from lms.catalog.models import Course, Registration
from lms.db import db
from lms.packages.manifests import ParsedPackage
from lms.packages.models import PackageVersion
from lms.player import identity, launch, records
from lms.player.cmi5 import moveon
from lms.player.cmi5 import statements as cmi5_xapi
from lms.player.cmi5.registrations import registration_structure, satisfied_nodes
from lms.player.cmi5.structure import BLOCK_TYPE, COURSE, COURSE_TYPE
from lms.player.models import NodeStatus
from lms.player.scorm import course_status
from lms.player.scorm import xapi as scorm_xapi
from lms.player.scorm.attempts import ScoStatus
from lms.player.scorm.cmi import Score
from lms.player.scorm.settings import Sco, scos
from lms.player.tincan import services as tincan_player
from lms.training.cycles import CALIFORNIA, today

log = logging.getLogger(__name__)
# Ids the history derives (attempts, sessions), the same on every load of the same history.
HISTORY_NAMESPACE = uuid.UUID("0f6b8c1e-3d52-4c8a-9e47-5b2a7d9c6e13")
PASSED, FAILED = "passed", "failed"


@dataclass(frozen=True)
class Learner:
    """A person of a demo agency with a training history. They have no password: nobody signs
    in as them (the demo sign-in accounts are lms.demo.ACCOUNTS, which keep no history)."""

    post_id: str
    first_name: str
    last_name: str
    role: Role
    agency_number: str
    sub_affiliation: str

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@history.example.org".lower()


@dataclass(frozen=True)
class Attempt:
    """One attempt at a course: how many days before the load it ended, at what time of day
    in California, and how the test went (SCORM: the scored SCO's success)."""

    days_ago: int
    outcome: str = PASSED
    at: dt.time = dt.time(14, 20)
    # A date of its own (a pursuit completion "in June the year before last"), for a figure
    # that depends on the calendar year rather than on a count of days.
    on: dt.date | None = None

    def moment(self, day: dt.date) -> dt.datetime:
        local = dt.datetime.combine(self.on or day - dt.timedelta(days=self.days_ago), self.at)
        return local.replace(tzinfo=CALIFORNIA).astimezone(dt.UTC)


@dataclass(frozen=True)
class CourseHistory:
    post_id: str
    slug: str
    attempts: tuple[Attempt, ...]


PURSUIT = "vehicle-pursuit-policy-update"
DISPATCH = "dispatcher-critical-incidents"
INVESTIGATIONS = "preliminary-investigations"
INSTRUCTOR = "basic-course-instructor"
WELLNESS = "organization-wellness"

LEARNERS = (
    Learner("P24-310-101", "Dana", "Whitfield", Role.PEACE_OFFICER, "90001", "Patrol"),
    Learner("P17-310-102", "Marcus", "Ellery", Role.PEACE_OFFICER, "90001", "Patrol"),
    Learner("P21-310-103", "Priya", "Castellan", Role.PEACE_OFFICER, "90001", "Patrol"),
    Learner("D19-310-104", "Renee", "Holloway", Role.DISPATCHER, "90001", "Dispatch Center"),
    Learner("D22-310-105", "Theo", "Marchetti", Role.DISPATCHER, "90001", "Dispatch Center"),
    Learner("V20-320-106", "Quinn", "Avalos", Role.PEACE_OFFICER, "90002", "Jail Division"),
)


def _year_before_last(day: dt.date) -> dt.date:
    return dt.date(day.year - 2, 6, 18)


def histories(day: dt.date) -> tuple[CourseHistory, ...]:
    """Who did what, counted back from `day`."""
    return (
        # An officer on track: this year's pursuit training, an investigations course, and
        # the instructor course (recorded on the profile without CPT).
        CourseHistory("P24-310-101", INVESTIGATIONS, (Attempt(435),)),
        CourseHistory(
            "P24-310-101", PURSUIT, (Attempt(min(300, max(day.timetuple().tm_yday - 1, 1))),)
        ),
        CourseHistory("P24-310-101", INSTRUCTOR, (Attempt(160, at=dt.time(9, 45)),)),
        # An officer whose last pursuit training was the year before last: a calendar year
        # went by without it (PC 13519.8 asks for it every year).
        CourseHistory("P17-310-102", PURSUIT, (Attempt(0, on=_year_before_last(day)),)),
        CourseHistory("P17-310-102", INVESTIGATIONS, (Attempt(510, at=dt.time(16, 5)),)),
        # An officer trained last year, not yet this year.
        CourseHistory("P21-310-103", PURSUIT, (Attempt(395, at=dt.time(7, 30)),)),
        CourseHistory("P21-310-103", INVESTIGATIONS, (Attempt(120),)),
        # A dispatcher short of hours: the critical-incidents post-test failed, passed four
        # days later, and one other course this cycle.
        CourseHistory(
            "D19-310-104",
            DISPATCH,
            (Attempt(420, FAILED, at=dt.time(22, 10)), Attempt(416, at=dt.time(21, 40))),
        ),
        CourseHistory("D19-310-104", INVESTIGATIONS, (Attempt(230, at=dt.time(3, 15)),)),
        # A dispatcher who took every course open to dispatchers.
        CourseHistory("D22-310-105", DISPATCH, (Attempt(540),)),
        CourseHistory("D22-310-105", INVESTIGATIONS, (Attempt(75, at=dt.time(11, 0)),)),
        CourseHistory("D22-310-105", PURSUIT, (Attempt(45, at=dt.time(10, 30)),)),
        # The wellness resource, read through (a resource course: nothing on a profile).
        CourseHistory("P24-310-101", WELLNESS, (Attempt(62, at=dt.time(12, 10)),)),
        CourseHistory("D22-310-105", WELLNESS, (Attempt(300, at=dt.time(4, 40)),)),
        # Valley County: a jail deputy.
        CourseHistory("V20-320-106", INVESTIGATIONS, (Attempt(350),)),
        CourseHistory("V20-320-106", PURSUIT, (Attempt(210, at=dt.time(13, 0)),)),
        CourseHistory("V20-320-106", WELLNESS, (Attempt(95, at=dt.time(19, 25)),)),
    )


def load() -> int:
    """Create the history's people and what they did that is missing, in the caller's unit of
    work (lms.demo.load calls this); returns how many people and course histories were made.
    Once the unit is committed, the bridge makes the CPT entries of the statements stored."""
    created = 0
    people: dict[str, Person] = {}
    for learner in LEARNERS:
        person = db.session.scalar(select(Person).where(Person.post_id == learner.post_id))
        if person is None:
            person = _add(learner)
            if person is None:
                continue  # the agency is not there (lms.demo makes it)
            created += 1
        people[learner.post_id] = person
    day = today()
    for history in histories(day):
        person = people.get(history.post_id)
        course = db.session.scalar(select(Course).where(Course.slug == history.slug))
        if person is None or course is None or _registered(person, course):
            continue
        if _newest_version(course) is None:
            continue  # no content to launch yet: the history waits for the course's package
        created += _take(person, course, history, day)
    if created:
        unit_of_work.after_commit(_run_bridge(current_app._get_current_object()))  # type: ignore[attr-defined]
    return created


def _add(learner: Learner) -> Person | None:
    agency = db.session.scalar(select(Agency).where(Agency.agency_number == learner.agency_number))
    if agency is None:
        return None
    person = add_person(
        email=learner.email,
        first_name=learner.first_name,
        last_name=learner.last_name,
        roles={learner.role},
        agency=agency,
    )
    person.post_id = learner.post_id
    person.post_id_linked_at = dt.datetime.combine(
        today() - dt.timedelta(days=1000), dt.time(9), tzinfo=dt.UTC
    )
    person.sub_affiliation = db.session.scalar(
        select(SubAffiliation).where(
            SubAffiliation.agency_id == agency.id, SubAffiliation.name == learner.sub_affiliation
        )
    )
    db.session.flush()
    return person


def _registered(person: Person, course: Course) -> bool:
    found = db.session.scalar(
        select(Registration.id).where(
            Registration.person_id == person.id, Registration.course_id == course.id
        )
    )
    return found is not None


def _newest_version(course: Course) -> PackageVersion | None:
    return db.session.scalar(
        select(PackageVersion)
        .where(PackageVersion.course_id == course.id)
        .order_by(PackageVersion.version.desc())
        .limit(1)
    )


def _take(person: Person, course: Course, history: CourseHistory, day: dt.date) -> int:
    """Register the person (a few days before their first attempt) and record the attempts;
    1 (the registration made)."""
    first = history.attempts[0].moment(day)
    registration = catalog.register(person, course.id)
    registration.registered_at = first - dt.timedelta(days=3, hours=2)
    db.session.flush()
    version = db.session.get(PackageVersion, registration.package_version_id)
    package = ParsedPackage.from_json(json.loads(version.parsed))
    moments = [(attempt, attempt.moment(day)) for attempt in history.attempts]
    if package.standard == "cmi5":
        statements = _cmi5_statements(registration, moments)
    elif package.standard in ("scorm12", "scorm2004"):
        statements = _scorm_statements(person, course, registration, package, moments)
    else:
        _take_tin_can(person, registration, package, moments)
        return 1
    if statements:
        records.record(statements)
    return 1


# --- SCORM: what the SCORM player reports (xAPI SCORM Profile §5, §7) -----------------------


def _scorm_statements(
    person: Person,
    course: Course,
    registration: Registration,
    package: ParsedPackage,
    moments: list[tuple[Attempt, dt.datetime]],
) -> list[dict[str, Any]]:
    """Each attempt goes through the SCOs in order (a retake, through the test alone), each
    SCO in one session: initialized, completed, passed or failed where the SCO is scored,
    terminated; then the course's statements when its status changes, as the player rolls it
    up (SCORM 1.2 by the portal's rule, SCORM 2004 as sequencing reports the root)."""
    base = records.base_url()
    subject = scorm_xapi.Course(
        actor=identity.actor(person, base),
        registration=registration.uuid,
        iri=identity.course_iri(course, base),
        title=course.title,
    )
    items = [sco for sco in scos(package) if sco.scorm_type == "sco"] or scos(package)
    scored = [sco for sco in items if _passing_score(sco) is not None]
    test = scored[-1] if scored else items[-1]
    statuses: dict[str, ScoStatus] = {}
    course_state = course_status.CourseStatus("not attempted", "unknown", None)
    number = 0
    statements: list[dict[str, Any]] = []
    for attempt_number, (attempt, finished) in enumerate(moments, start=1):
        taken = items if attempt_number == 1 else [test]
        minutes = max(15, int(course.certification.cpt_hours * 60) // len(items))
        start = finished - dt.timedelta(minutes=(minutes + 2) * len(taken))
        for position, sco in enumerate(taken):
            opened = start + dt.timedelta(minutes=(minutes + 2) * position)
            outcome = attempt.outcome if sco is test else PASSED
            statements += _sco_session(subject, sco, attempt_number, opened, minutes, outcome)
            statuses[sco.id] = _sco_status(sco, attempt_number, outcome)
        rolled = _course_rollup(package.standard, items, statuses, attempt.outcome)
        for verb in _course_verbs(course_state, rolled):
            number += 1
            result = scorm_xapi.result_of(
                rolled.completion, rolled.success, Score(scaled=rolled.score_scaled)
            )
            moment = finished + dt.timedelta(seconds=1, microseconds=number)
            statements.append(scorm_xapi.course_statement(subject, verb, moment, number, result))
        course_state = rolled
    return statements


def _passing_score(sco: Sco) -> float | None:
    """The scaled score that passes the SCO (1.2's masteryscore is 0-100), or None."""
    if sco.mastery_score is not None:
        return float(sco.mastery_score) / 100
    return sco.scaled_passing_score


def _score_for(sco: Sco, outcome: str) -> Score:
    passing = _passing_score(sco)
    if passing is None:
        return Score()
    scaled = min(1.0, passing + 0.12) if outcome == PASSED else max(0.0, passing - 0.18)
    scaled = round(scaled, 2)
    return Score(scaled=scaled, raw=round(scaled * 100), min=0, max=100)


def _sco_status(sco: Sco, attempt_number: int, outcome: str) -> ScoStatus:
    scored = _passing_score(sco) is not None
    return ScoStatus(
        sco_id=sco.id,
        attempt=attempt_number,
        completion="completed",
        success=outcome if scored else "unknown",
        score_scaled=_score_for(sco, outcome).scaled,
        suspended=False,
        ended=True,
    )


def _sco_session(
    subject: scorm_xapi.Course,
    sco: Sco,
    attempt_number: int,
    opened: dt.datetime,
    minutes: int,
    outcome: str,
) -> list[dict[str, Any]]:
    attempt = scorm_xapi.Attempt(
        course=subject,
        sco_id=sco.id,
        sco_title=sco.title,
        uuid=str(
            uuid.uuid5(HISTORY_NAMESPACE, f"{subject.registration}/{sco.id}/{attempt_number}")
        ),
    )
    scored = _passing_score(sco) is not None
    success = outcome if scored else "unknown"
    score = _score_for(sco, outcome)
    ended = opened + dt.timedelta(minutes=minutes)
    found = [
        scorm_xapi.sco_statement(attempt, scorm_xapi.INITIALIZED, opened, "s1"),
        scorm_xapi.sco_statement(
            attempt,
            scorm_xapi.COMPLETED,
            ended,
            "s1.c1",
            scorm_xapi.result_of("completed", success, score),
        ),
    ]
    if scored:
        verb = scorm_xapi.PASSED if outcome == PASSED else scorm_xapi.FAILED
        found.append(
            scorm_xapi.sco_statement(
                attempt,
                verb,
                ended + dt.timedelta(microseconds=1),
                "s1.c1",
                scorm_xapi.result_of("completed", success, score),
            )
        )
    found.append(
        scorm_xapi.sco_statement(
            attempt,
            scorm_xapi.TERMINATED,
            ended + dt.timedelta(seconds=2),
            "s1",
            scorm_xapi.result_of("completed", success, score, minutes * 60.0),
        )
    )
    return found


def _course_rollup(
    standard: str, items: list[Sco], statuses: dict[str, ScoStatus], outcome: str
) -> course_status.CourseStatus:
    """SCORM 1.2: the portal's own rollup. SCORM 2004: the root as sequencing rolls it up when
    the test's objective gives the course its completion and success (a failed test leaves
    the course incomplete and failed)."""
    if standard == "scorm12":
        return course_status.rollup_12(items, statuses)
    scores = [s.score_scaled for s in statuses.values() if s.score_scaled is not None]
    score = scores[-1] if scores else None
    if outcome == FAILED:
        return course_status.CourseStatus("incomplete", FAILED, score)
    success = PASSED if scores else "unknown"
    return course_status.CourseStatus("completed", success, score)


def _course_verbs(
    before: course_status.CourseStatus, after: course_status.CourseStatus
) -> list[str]:
    """The Profile §7 statements a change of the course's status makes (as
    lms.player.scorm.course_status.record_change)."""
    verbs = []
    if after.completion == "completed" and before.completion != "completed":
        verbs.append(scorm_xapi.COMPLETED)
    if after.success in (PASSED, FAILED) and after.success != before.success:
        verbs.append(scorm_xapi.PASSED if after.success == PASSED else scorm_xapi.FAILED)
    return verbs


# --- cmi5: what the LMS records when the course's moveOn is met (cmi5 §9.3.9) --------------


def _cmi5_statements(
    registration: Registration, moments: list[tuple[Attempt, dt.datetime]]
) -> list[dict[str, Any]]:
    """The satisfied statements of the blocks and the course, once every AU has met its
    moveOn (the attempt that passed), dated then: the statements the player's checks record
    after the AU's last statement (lms.player.cmi5.checks), which observe them here too."""
    passed = [moment for attempt, moment in moments if attempt.outcome == PASSED]
    if not passed:
        return []
    structure = registration_structure(registration)
    actor = identity.actor(db.session.get(Person, registration.person_id), records.base_url())
    session_id = str(uuid.uuid5(HISTORY_NAMESPACE, f"{registration.uuid}/satisfied"))
    statuses = db.session.scalars(
        select(NodeStatus).where(NodeStatus.registration_id == registration.id)
    )
    # A block of AUs that need no launch was satisfied at registration (cmi5 §9.6.1) already.
    already = satisfied_nodes({row.node_id: row for row in statuses})
    found = moveon.newly_satisfied(structure, {au.id for au in structure.aus}, already)
    statements = []
    for position, (kind, node) in enumerate(found):
        statement = cmi5_xapi.satisfied(
            actor=actor,
            registration=registration.uuid,
            activity_id=node.activity_id,
            activity_type=COURSE_TYPE if kind == COURSE else BLOCK_TYPE,
            publisher_id=node.id,
            session_id=session_id,
            title=node.title,
        )
        moment = passed[0] + dt.timedelta(milliseconds=position + 1)
        statement["timestamp"] = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        statements.append(statement)
    return statements


# --- Tin Can: the course reports itself with its launch's credential ----------------------

TIN_CAN_VERB = "http://adlnet.gov/expapi/verbs/"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"


def _take_tin_can(
    person: Person,
    registration: Registration,
    package: ParsedPackage,
    moments: list[tuple[Attempt, dt.datetime]],
) -> None:
    """Each attempt is one launch (the player's own: its session and its credential, limited
    to the learner and the registration); the course's statements go in with that credential,
    as the content sends them, so the LRS's launch rules and the player's record of the
    session apply: attempted, each module experienced, the course completed, exited. The
    content stamps its statements with the learner's clock: here, when they read it."""
    base = records.base_url().rstrip("/")
    course_id = package.structure["launchActivity"]
    modules = [a["id"] for a in package.structure["activities"] if a.get("type") == MODULE_TYPE]
    store = records.store()
    for _, finished in moments:
        launched = tincan_player.launch(
            launch.launchable(person, registration.id),
            f"{base}/xapi/",
            lambda path: f"{base}/content/{path}",
            ["en-US"],
        )
        # What the content does with its launch's `auth`: HTTP Basic with that credential.
        auth = dict(parse_qsl(urlsplit(launched.url).query))["auth"].removeprefix("Basic ")
        key, secret = base64.b64decode(auth).decode().split(":", 1)
        reader = TinCanReader(
            session_id=launched.session.uuid,
            actor=identity.actor(person, base),
            registration=registration.uuid,
            course_id=course_id,
        )
        store.record(reader.read_through(modules, finished), store.authenticate(key, secret))


@dataclass(frozen=True)
class TinCanReader:
    """One launch of a Tin Can course read through, as its statements say it."""

    session_id: str
    actor: dict[str, Any]
    registration: str
    course_id: str

    def read_through(self, modules: list[str], finished: dt.datetime) -> list[dict[str, Any]]:
        step = dt.timedelta(minutes=12)
        start = finished - step * (len(modules) + 1)
        spent = f"PT{12 * (len(modules) + 1)}M"
        return [
            self.statement("attempted", self.course_id, start),
            *(
                self.statement("experienced", module, start + step * (n + 1))
                for n, module in enumerate(modules)
            ),
            self.statement("completed", self.course_id, finished, completion=True, duration=spent),
            self.statement(
                "exited", self.course_id, finished + dt.timedelta(seconds=20), duration=spent
            ),
        ]

    def statement(self, verb: str, object_id: str, at: dt.datetime, **result: Any) -> dict:
        context: dict[str, Any] = {"registration": self.registration, "language": "en-US"}
        if object_id != self.course_id:
            context["contextActivities"] = {"parent": [{"id": self.course_id}]}
        sent: dict[str, Any] = {
            "id": str(uuid.uuid5(HISTORY_NAMESPACE, f"{self.session_id}/{verb}/{object_id}")),
            "actor": self.actor,
            "verb": {"id": TIN_CAN_VERB + verb, "display": {"en-US": verb}},
            "object": {"objectType": "Activity", "id": object_id},
            "context": context,
            "timestamp": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        if result:
            sent["result"] = result
        return sent


def _run_bridge(app: Flask) -> Callable[[], None]:
    """The bridge's catch-up once the history is committed, in an application context of its
    own, so that `lms demo load` ends with the entries made (its process does not wait for the
    bridge's thread)."""

    def run() -> None:
        with app.app_context():
            try:
                catch_up()  # each pass its own unit of work
            except Exception:  # the history is committed; `lms bridge` or the next store makes them
                log.exception("the bridge's pass after the demo history failed")
            finally:
                db.session.remove()

    return run
