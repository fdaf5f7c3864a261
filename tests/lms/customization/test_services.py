"""The rules of an agency's customization: who sees and edits it, the draft and its stale
saves, the feedback's formatting, the policy PDF, publishing, versions, comparing, bringing one
back, and POST taking the course offline and back."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms import unit_of_work
from lms.accounts import agencies
from lms.accounts.interfaces import Role
from lms.catalog import services as catalog
from lms.catalog.interfaces import Audience, Completion, CreditRule, Delivery
from lms.customization import content, delivery, services
from lms.customization.interfaces import (
    FeedbackRefused,
    NotEditable,
    NothingToPublish,
    PolicyRefused,
    StaleDraft,
    State,
)
from lms.customization.models import Customization, DraftFeedback
from lms.db import db
from tests.builders.policy import policy_pdf
from tests.factories import make_officer, make_person, make_registration
from tests.lms.customization.conftest import non_sworn_admin, publish, save


def _state(person, course):
    return services.workspace(person, course.id).state


def _drafts(course):
    db.session.expire_all()
    return {
        d.question_id: (d.correct, d.incorrect, d.revision)
        for d in db.session.scalars(select(DraftFeedback))
    }


def test_the_course_is_customizable_with_its_questions_and_defaults(app, world):
    questions = content.course_questions(world.course)
    assert [q.id for q in questions.questions] == ["q01", "q02", "q03"]
    assert [topic for topic, _ in questions.topics] == ["Calling in", "Ending a pursuit"]
    first = questions.get("q01")
    assert first.prompt == "What do you say first?"
    assert [(c.text, c.right) for c in first.choices] == [
        ("Your unit number", True),
        ("Hello", False),
    ]
    assert first.default_correct == "Right: the unit first."


def test_every_lp_administrator_has_the_task_including_one_given_the_role_later(app, world):
    task = services.tasks(world.admin)
    assert [(t.course.id, t.state, t.done, t.total) for t in task] == [
        (world.course.id, State.NOT_STARTED, 0, 3)
    ]
    officer = make_officer(world.agency)
    assert services.tasks(officer) == []
    with unit_of_work.job():
        agencies.set_roles(world.admin, world.agency, officer.id, {Role.LP_ADMINISTRATOR})
    assert [t.state for t in services.tasks(officer)] == [State.NOT_STARTED]


def test_the_states_go_from_not_started_to_draft_published_and_needs_review(app, world):
    admin, course = world.admin, world.course
    assert _state(admin, course) == State.NOT_STARTED
    save(admin, course, "q01", "Ours: unit first.", "Ours: unit number first.")
    assert _state(admin, course) == State.DRAFT
    assert services.tasks(admin)[0].done == 1
    publish(admin, course)
    assert _state(admin, course) == State.PUBLISHED
    save(admin, course, "q02", "Ours: always.", "")
    assert services.tasks(admin)[0].unpublished_changes
    fields = _course_fields(course)
    with unit_of_work.job():
        catalog.save_course(fields(published=False), course)
    assert _state(admin, course) == State.PUBLISHED  # offline changes nothing yet
    with unit_of_work.job():
        catalog.save_course(fields(published=True), course)
    assert _state(admin, course) == State.NEEDS_REVIEW
    assert services.workspace(admin, course.id).draft("q01").correct == "Ours: unit first."
    publish(admin, course)
    assert _state(admin, course) == State.PUBLISHED


def _course_fields(course):
    def fields(*, published):
        return catalog.CourseFields(
            slug=course.slug,
            title=course.title,
            description="",
            audience={Audience.PEACE_OFFICER},
            delivery=Delivery.DISTANCE,
            published=published,
            certification_number="1850-29999",
            cpt_hours=Decimal("2"),
            credit_rule=CreditRule.AUTOMATIC,
            psp_category=None,
            mandates=set(),
            completion=Completion.COMPLETED,
        )

    return fields


def test_only_a_sworn_lp_administrator_may_edit_and_the_others_read(app, world):
    clerk = non_sworn_admin(world.agency)
    place = services.workspace(clerk, world.course.id)
    assert place.edit_refusal == services.SWORN_ONLY
    with pytest.raises(NotEditable), unit_of_work.job():
        services.save_feedback(clerk, world.course.id, "q01", {"correct": "x"}, 0)
    manager = make_person(Role.PEACE_OFFICER, Role.TRAINING_MANAGER, agency=world.agency)
    assert services.workspace(manager, world.course.id).edit_refusal is not None
    assert db.session.scalar(select(Customization)) is None  # nothing was made


def test_nobody_sees_another_agencys_customization(app, world):
    save(world.admin, world.course, "q01", "Capitol's own.", "Capitol's own, wrong.")
    other = services.workspace(world.other_admin, world.course.id)
    assert other.customization is None  # their own, not started
    assert other.agency.id == world.other_agency.id
    officer = make_officer(world.agency)
    with pytest.raises(services.CustomizationNotFound):
        services.workspace(officer, world.course.id)


def test_a_stale_save_is_refused_and_changes_nothing(app, world):
    second = make_person(
        Role.PEACE_OFFICER,
        Role.LP_ADMINISTRATOR,
        agency=world.agency,
        first_name="Riley",
        last_name="Stone",
    )
    save(world.admin, world.course, "q01", "First.", "First, wrong.")  # revision 1
    with unit_of_work.job():
        services.save_feedback(
            second, world.course.id, "q01", {"correct": "Second.", "incorrect": ""}, 1
        )
    with pytest.raises(StaleDraft) as refused, unit_of_work.job():
        # The first administrator's page still holds revision 1.
        services.save_feedback(
            world.admin, world.course.id, "q01", {"correct": "Mine.", "incorrect": ""}, 1
        )
    assert "Riley Stone" in refused.value.message and "Question 1" in refused.value.message
    assert _drafts(world.course)["q01"] == ("Second.", "", 2)


@pytest.mark.parametrize(
    "text, says",
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<strong onclick="steal()">Hi</strong>', "attributes"),
        ('<img src=x onerror="steal()">', "<img>"),
        ("<!-- hidden --> text", "comments"),
        ("x" * 1001, "at most 1000 characters"),
        ("<a href='javascript:steal()'>policy</a>", "<a>"),
    ],
)
def test_feedback_with_more_than_plain_text_and_formatting_is_refused(app, world, text, says):
    with pytest.raises(FeedbackRefused) as refused, unit_of_work.job():
        services.save_feedback(world.admin, world.course.id, "q02", {"correct": text}, 0)
    assert says in refused.value.message
    assert refused.value.field == "correct"
    assert _drafts(world.course) == {}


def test_formatting_is_kept_and_published_sanitised(app, world):
    text = "Right: <strong>always</strong> give it.\nSee §4.2 & the <em>map</em>."
    version = publish(world.admin, world.course, {"q02": (text, "No: <b>always</b>.")})
    assert services.workspace(world.admin, world.course.id).draft("q02").correct == text
    document = json.loads(version.feedback)
    assert document["questions"]["q02"]["correct"] == (
        "Right: <strong>always</strong> give it.<br>See §4.2 &amp; the <em>map</em>."
    )
    # A question left at the default gets POST's default; the version names the agency.
    assert document["questions"]["q01"] == {
        "correct": "Right: the unit first.",
        "incorrect": "The unit number comes first.",
    }
    assert document["version"] == "Capitol City PD, version 1"


@pytest.mark.parametrize(
    "data, says",
    [
        (b"This is a text file, named .pdf", "not a PDF file"),
        (b"%PDF-1.7\n garbage that no reader opens", "damaged"),
        (b"", "empty"),
    ],
)
def test_a_policy_that_is_no_readable_pdf_is_refused(app, world, data, says):
    with pytest.raises(PolicyRefused) as refused, unit_of_work.job():
        services.upload_policy(world.admin, world.course.id, data, "policy.pdf", 0)
    assert says in refused.value.message and "policy.pdf" in refused.value.message
    assert db.session.scalar(select(Customization)) is None


def test_an_oversized_policy_is_refused(app, world, monkeypatch):
    from lms.customization import policy

    monkeypatch.setattr(policy, "POLICY_MAX_BYTES", 1000)
    with pytest.raises(PolicyRefused) as refused, unit_of_work.job():
        services.upload_policy(world.admin, world.course.id, policy_pdf(pages=3), "big.pdf", 0)
    assert "at most" in refused.value.message


def test_a_policy_is_stored_under_its_sha256(app, world):
    data = policy_pdf("Capitol City policy")
    with unit_of_work.job():
        customization = services.upload_policy(
            world.admin, world.course.id, data, "../../etc/Policy 2026.pdf", 0
        )
    digest = hashlib.sha256(data).hexdigest()
    assert customization.policy_sha256 == digest
    assert customization.policy_filename == "Policy 2026.pdf"
    store = app.extensions["content_store"]
    assert b"".join(store.open_range(customization.policy_key)) == data
    assert digest in customization.policy_key


def test_publishing_needs_a_policy(app, world):
    save(world.admin, world.course, "q01", "Ours.", "Ours, wrong.")
    with pytest.raises(NothingToPublish), unit_of_work.job():
        services.publish(world.admin, world.course.id)
    assert _state(world.admin, world.course) == State.DRAFT


def test_versions_are_numbered_immutable_compared_and_brought_back(app, world):
    admin, course = world.admin, world.course
    first = publish(admin, course, {"q01": ("One.", "One, wrong.")})
    second = publish(
        admin, course, {"q01": ("Two.", "One, wrong."), "q03": ("Three.", "Three, wrong.")}
    )
    assert (first.number, second.number) == (1, 2)
    assert first.policy_sha256 != second.policy_sha256
    assert second.published_by_name == admin.full_name
    comparison = services.compare(admin, course.id, 1, 2)
    assert [c.question.id for c in comparison.changed] == ["q01", "q03"]
    assert comparison.changed[0].before == {"correct": "One.", "incorrect": "One, wrong."}
    assert comparison.changed[0].after == {"correct": "Two.", "incorrect": "One, wrong."}
    assert comparison.policy_changed
    with unit_of_work.job():
        services.restore(admin, course.id, 1)
    place = services.workspace(admin, course.id)
    assert place.draft("q01").correct == "One."
    assert place.draft("q03").correct == ""
    assert place.customization.policy_sha256 == first.policy_sha256
    assert services.unpublished_changes(place)
    with pytest.raises(ValueError, match="never changes"), unit_of_work.job():
        services.version_of(admin, course.id, 1).feedback = "{}"
        db.session.flush()


def test_the_live_version_is_none_until_published_and_while_under_review(app, world):
    assert services.live_version(world.agency.id, world.course.id) is None
    version = publish(world.admin, world.course)
    assert services.live_version(world.agency.id, world.course.id).id == version.id
    with unit_of_work.job():
        services.on_course_published(world.course.id, True)
    assert services.live_version(world.agency.id, world.course.id) is None
    officer = make_officer(world.agency)
    registration = make_registration(officer, world.course)
    assert "reviewing" in delivery.launch_refusal(officer, registration)
