"""The rules of an agency's customization of a course (docs/customization.md): who sees and who
edits it, the draft (saved question by question, a stale save refused), the policy PDF,
publishing immutable versions, comparing them, bringing one back, and what happens when POST
takes the course offline and brings it back.

Every LP administrator of an agency has the customization of every customizable course as a
task: the task is the agency's, so one who gets the role later has it at once. Only an LP
administrator who is a sworn peace officer may change it; the agency's other administrators
and training managers see it read-only. Nobody sees another agency's: every function takes the
person and works on their own agency's customization only.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import nh3
from sqlalchemy import select

from lms.accounts.interfaces import Role
from lms.accounts.models import Agency, Person
from lms.catalog.models import Course
from lms.customization import content, policy
from lms.customization.content import CourseQuestions, Question
from lms.customization.interfaces import (
    FEEDBACK_MAX_LENGTH,
    FEEDBACK_TAGS,
    CustomizationNotFound,
    FeedbackRefused,
    NotEditable,
    NothingToPublish,
    StaleDraft,
    State,
)
from lms.customization.models import Customization, CustomizationVersion, DraftFeedback
from lms.db import db, utcnow

FIELDS = ("correct", "incorrect")
FIELD_LABELS = {"correct": "a right answer", "incorrect": "a wrong answer"}
SWORN_ONLY = (
    "Only an LP administrator who is a sworn peace officer may edit the agency's customization; "
    "you can read it."
)
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
_MARKUP_START = re.compile(r"<\s*[!?/]|<\s*[A-Za-z]")


@dataclass(frozen=True)
class Task:
    """A customization as its administrators' dashboard lists it."""

    course: Course
    customization: Customization | None
    state: State
    done: int
    total: int
    unpublished_changes: bool


@dataclass(frozen=True)
class Workspace:
    """What the editor shows one person: the course's questions, the draft, who may edit."""

    agency: Agency
    course: Course
    questions: CourseQuestions
    customization: Customization | None
    edit_refusal: str | None  # why the person may only read, or None

    @property
    def may_edit(self) -> bool:
        return self.edit_refusal is None

    def draft(self, question_id: str) -> DraftFeedback | None:
        if self.customization is None:
            return None
        return next((a for a in self.customization.answers if a.question_id == question_id), None)

    @property
    def done(self) -> int:
        return sum(1 for q in self.questions.questions if question_done(self.draft(q.id)))

    @property
    def left_at_default(self) -> list[Question]:
        return [q for q in self.questions.questions if not question_done(self.draft(q.id))]

    @property
    def state(self) -> State:
        return state_of(self.customization)

    @property
    def latest(self) -> CustomizationVersion | None:
        return latest_version(self.customization)


@dataclass(frozen=True)
class QuestionChange:
    question: Question
    before: dict[str, str]
    after: dict[str, str]

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class Comparison:
    older: CustomizationVersion
    newer: CustomizationVersion
    questions: list[QuestionChange]

    @property
    def changed(self) -> list[QuestionChange]:
        return [q for q in self.questions if q.changed]

    @property
    def policy_changed(self) -> bool:
        return self.older.policy_sha256 != self.newer.policy_sha256


# --- who sees and who edits ---------------------------------------------------------------


def may_view(person: Person) -> bool:
    return person.agency_id is not None and person.has_role(
        Role.LP_ADMINISTRATOR, Role.TRAINING_MANAGER
    )


def edit_refusal(person: Person) -> str | None:
    """Why the person may not change their agency's customizations, or None if they may."""
    if person.agency_id is None or not person.has_role(Role.LP_ADMINISTRATOR):
        return "Only the agency's LP administrators may edit its customizations."
    if not person.has_role(Role.PEACE_OFFICER):
        return SWORN_ONLY
    return None


def _customizable_course(course_id: int) -> tuple[Course, CourseQuestions]:
    course = db.session.get(Course, course_id)
    questions = content.course_questions(course) if course is not None else None
    if course is None or questions is None:
        raise CustomizationNotFound("No such customizable course.", "course_id")
    return course, questions


def _find(agency_id: int, course_id: int) -> Customization | None:
    return db.session.scalar(
        select(Customization).where(
            Customization.agency_id == agency_id, Customization.course_id == course_id
        )
    )


def workspace(person: Person, course_id: int) -> Workspace:
    """The person's agency's customization of the course, to read (CustomizationNotFound for
    someone who may not see it)."""
    if not may_view(person):
        raise CustomizationNotFound("No such customization.", "course_id")
    course, questions = _customizable_course(course_id)
    return Workspace(
        agency=person.agency,
        course=course,
        questions=questions,
        customization=_find(person.agency_id, course.id),
        edit_refusal=edit_refusal(person),
    )


def _editable(person: Person, course_id: int) -> tuple[Workspace, Customization]:
    """The workspace and its customization (made now if the agency has none yet), if the person
    may change it; NotEditable saying why if they may only read it."""
    found = workspace(person, course_id)
    if found.edit_refusal:
        raise NotEditable(found.edit_refusal)
    customization = found.customization
    if customization is None:
        customization = Customization(agency_id=person.agency_id, course_id=found.course.id)
        db.session.add(customization)
        db.session.flush()
        found = workspace(person, course_id)
    return found, customization


def customizable_courses() -> list[Course]:
    return [
        c
        for c in db.session.scalars(select(Course).order_by(Course.title))
        if content.customizable(c)
    ]


def tasks(person: Person) -> list[Task]:
    """The customizations on the dashboard of an LP administrator (their tasks) or a training
    manager (to read, and the agency's record); none for anyone else."""
    if not may_view(person):
        return []
    found = []
    for course in customizable_courses():
        place = workspace(person, course.id)
        found.append(
            Task(
                course=course,
                customization=place.customization,
                state=place.state,
                done=place.done,
                total=len(place.questions.questions),
                unpublished_changes=unpublished_changes(place),
            )
        )
    return found


# --- states -------------------------------------------------------------------------------


def latest_version(customization: Customization | None) -> CustomizationVersion | None:
    if customization is None or not customization.versions:
        return None
    return customization.versions[-1]


def state_of(customization: Customization | None) -> State:
    if customization is None:
        return State.NOT_STARTED
    if customization.needs_review:
        return State.NEEDS_REVIEW
    if customization.versions:
        return State.PUBLISHED
    if customization.answers or customization.policy_key:
        return State.DRAFT
    return State.NOT_STARTED


def question_done(draft: DraftFeedback | None) -> bool:
    """A question is done when the agency wrote its feedback for both kinds of answer."""
    return draft is not None and bool(draft.correct.strip()) and bool(draft.incorrect.strip())


def draft_texts(customization: Customization | None) -> dict[str, dict[str, str]]:
    """The draft's texts, as a version keeps them: only what the agency wrote."""
    texts: dict[str, dict[str, str]] = {}
    for answer in customization.answers if customization else []:
        written = {name: getattr(answer, name) for name in FIELDS if getattr(answer, name)}
        if written:
            texts[answer.question_id] = written
    return texts


def unpublished_changes(place: Workspace) -> bool:
    """Whether the draft differs from the latest version (its texts or its policy)."""
    latest = place.latest
    if latest is None:
        return False
    return (
        json.loads(latest.texts) != draft_texts(place.customization)
        or latest.policy_sha256 != place.customization.policy_sha256
    )


def live_version(agency_id: int | None, course_id: int) -> CustomizationVersion | None:
    """The version an agency's learners start on now: its latest, unless it needs review."""
    if agency_id is None:
        return None
    customization = _find(agency_id, course_id)
    if customization is None or customization.needs_review:
        return None
    return latest_version(customization)


# --- the draft ----------------------------------------------------------------------------


def clean_feedback(text: str, field: str) -> str:
    """The text as it may be kept: at most FEEDBACK_MAX_LENGTH characters, plain text with the
    formatting of FEEDBACK_TAGS and nothing else. FeedbackRefused, naming the field, for
    anything more (a script, an attribute, a comment): refused, not quietly changed."""
    text = text.replace("\r\n", "\n").strip()
    if len(text) > FEEDBACK_MAX_LENGTH:
        raise FeedbackRefused(
            f"Feedback is at most {FEEDBACK_MAX_LENGTH} characters; this one has {len(text)}.",
            field,
        )
    allowed = ", ".join(f"<{tag}>" for tag in sorted(FEEDBACK_TAGS))
    for match in _TAG.finditer(text):
        name = match.group(2).lower()
        if name not in FEEDBACK_TAGS:
            raise FeedbackRefused(
                f"Feedback may not hold <{name}>: write plain text, formatted with {allowed} only.",
                field,
            )
        if match.group(3).strip().rstrip("/").strip():
            raise FeedbackRefused(f"<{name}> may not carry attributes in feedback.", field)
    stripped = _TAG.sub("", text)
    if _MARKUP_START.search(stripped):
        raise FeedbackRefused(
            f"Feedback may not hold comments or other markup: write plain text, formatted with "
            f"{allowed} only.",
            field,
        )
    return text


def safe_html(text: str) -> str:
    """A kept text as the course shows it: sanitised HTML of the allowed formatting (nh3)."""
    return nh3.clean(text, tags=set(FEEDBACK_TAGS), attributes={}, strip_comments=True).replace(
        "\n", "<br>"
    )


def save_feedback(
    person: Person,
    course_id: int,
    question_id: str,
    texts: dict[str, str],
    revision: int,
) -> DraftFeedback:
    """Save one question's feedback in the draft. `revision` is the revision the person's page
    showed (0 for a question never saved): another save since then refuses this one (StaleDraft),
    so that two administrators never overwrite each other unknowingly."""
    place, customization = _editable(person, course_id)
    question = place.questions.get(question_id)
    if question is None:
        raise CustomizationNotFound(f"The course has no question {question_id!r}.", "question_id")
    cleaned = {name: clean_feedback(texts.get(name, ""), name) for name in FIELDS}
    draft = place.draft(question_id)
    held = draft.revision if draft is not None else 0
    if held != revision:
        who = _name_of(draft.updated_by_id) if draft is not None else "another administrator"
        raise StaleDraft(
            f"Question {question.number} was saved by {who} at "
            f"{draft.updated_at:%H:%M UTC} after you opened it. Your text was not saved: "
            "reload the page to see theirs, then change it if you need to."
        )
    if draft is None:
        draft = DraftFeedback(customization=customization, question_id=question_id, revision=0)
        db.session.add(draft)
    draft.correct, draft.incorrect = cleaned["correct"], cleaned["incorrect"]
    draft.revision = held + 1
    draft.updated_at = utcnow()
    draft.updated_by_id = person.id
    _touched(customization, person)
    db.session.flush()
    return draft


def _name_of(person_id: int | None) -> str:
    person = db.session.get(Person, person_id) if person_id else None
    return person.full_name if person else "another administrator"


def _touched(customization: Customization, person: Person) -> None:
    customization.updated_at = utcnow()
    customization.updated_by_id = person.id


def upload_policy(
    person: Person, course_id: int, data: bytes, filename: str, revision: int
) -> Customization:
    """Make the PDF the draft's policy. `revision` is the policy revision the form showed."""
    _, customization = _editable(person, course_id)
    if customization.policy_revision != revision:
        raise StaleDraft(
            f"The policy was changed by {_name_of(customization.updated_by_id)} after you "
            "opened the page; reload it and upload again if you still need to.",
            "policy",
        )
    stored = policy.store_policy(data, filename)
    _give_policy(customization, person, stored.key, stored.sha256, stored.filename, stored.size)
    return customization


def _give_policy(
    customization: Customization, person: Person, key: str, sha256: str, filename: str, size: int
) -> None:
    """Make the stored PDF the draft's policy (a new policy revision)."""
    customization.policy_key = key
    customization.policy_sha256 = sha256
    customization.policy_filename = filename
    customization.policy_size = size
    customization.policy_revision += 1
    _touched(customization, person)
    db.session.flush()


# --- publishing and versions --------------------------------------------------------------


def feedback_document(
    place: Workspace, texts: dict[str, dict[str, str]], version_label: str
) -> dict[str, Any]:
    """The document the course reads: every question's feedback, the agency's or POST's."""
    questions = {}
    for question in place.questions.questions:
        written = texts.get(question.id, {})
        questions[question.id] = {
            "correct": safe_html(written.get("correct") or question.default_correct),
            "incorrect": safe_html(written.get("incorrect") or question.default_incorrect),
        }
    return {"version": version_label, "questions": questions}


def publish(person: Person, course_id: int) -> CustomizationVersion:
    """Publish the draft as the next version: learners of the agency start on it from now."""
    place, customization = _editable(person, course_id)
    if not customization.policy_key:
        raise NothingToPublish(
            "Upload the agency's pursuit policy (a PDF) before publishing: every learner "
            "certifies having read it.",
            "policy",
        )
    number = (latest_version(customization).number if customization.versions else 0) + 1
    texts = draft_texts(customization)
    label = f"{place.agency.name}, version {number}"
    version = CustomizationVersion(
        customization=customization,
        number=number,
        published_at=utcnow(),
        published_by_id=person.id,
        published_by_name=person.full_name,
        feedback=json.dumps(
            feedback_document(place, texts, label), ensure_ascii=False, sort_keys=True
        ),
        texts=json.dumps(texts, ensure_ascii=False, sort_keys=True),
        policy_key=customization.policy_key,
        policy_sha256=customization.policy_sha256,
        policy_filename=customization.policy_filename,
        policy_size=customization.policy_size,
    )
    db.session.add(version)
    customization.needs_review = False
    _touched(customization, person)
    db.session.flush()
    return version


def version_of(person: Person, course_id: int, number: int) -> CustomizationVersion:
    place = workspace(person, course_id)
    found = next(
        (
            v
            for v in (place.customization.versions if place.customization else [])
            if v.number == number
        ),
        None,
    )
    if found is None:
        raise CustomizationNotFound(f"No version {number} of this customization.", "number")
    return found


def compare(person: Person, course_id: int, older: int, newer: int) -> Comparison:
    """What changed from one version to another, question by question."""
    place = workspace(person, course_id)
    first, second = version_of(person, course_id, older), version_of(person, course_id, newer)
    before, after = json.loads(first.texts), json.loads(second.texts)
    return Comparison(
        older=first,
        newer=second,
        questions=[
            QuestionChange(q, before.get(q.id, {}), after.get(q.id, {}))
            for q in place.questions.questions
        ],
    )


def restore(person: Person, course_id: int, number: int) -> Customization:
    """Bring a version back as the draft: its texts and policy replace the draft's."""
    version = version_of(person, course_id, number)
    place, customization = _editable(person, course_id)
    texts = json.loads(version.texts)
    for question in place.questions.questions:
        written = texts.get(question.id, {})
        draft = place.draft(question.id)
        wanted = {name: written.get(name, "") for name in FIELDS}
        if draft is None:
            if not any(wanted.values()):
                continue
            draft = DraftFeedback(customization=customization, question_id=question.id, revision=0)
            db.session.add(draft)
        elif {name: getattr(draft, name) for name in FIELDS} == wanted:
            continue
        draft.correct, draft.incorrect = wanted["correct"], wanted["incorrect"]
        draft.revision += 1
        draft.updated_at = utcnow()
        draft.updated_by_id = person.id
    _give_policy(
        customization,
        person,
        version.policy_key,
        version.policy_sha256,
        version.policy_filename,
        version.policy_size,
    )
    return customization


def on_course_published(course_id: int, published: bool) -> None:
    """The catalog's publication hook: a customizable course brought back online has every
    agency's last customizations kept as the draft, marked needs review, and their learners
    gated until an administrator publishes again (taking it offline changes nothing here)."""
    if not published:
        return
    found = db.session.scalars(select(Customization).where(Customization.course_id == course_id))
    for customization in found:
        if customization.versions or customization.answers or customization.policy_key:
            customization.needs_review = True
    db.session.flush()
