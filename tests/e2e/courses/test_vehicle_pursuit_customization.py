"""The Vehicle Pursuit customization module in the browser: a sworn LP administrator tailors the
feedback of Vehicle Pursuit Policy Update to the agency's policy, uploads the agency's policy
PDF, previews and publishes; the agency's learners cannot start the course before it publishes,
each learner's launch carries the agency's own published feedback and policy link, and a learner
who started on one version stays on it. Bad input is refused beside its field and changes
nothing. Every page of the feature a person lands on passes axe-core."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Frame, Locator, Page, Response, expect
from sqlalchemy import select

from lms.accounts.models import Agency, Role
from lms.catalog.models import Course
from lms.customization.models import Customization, CustomizationVersion, DraftFeedback
from lms.db import db
from tests.builders.policy import policy_pdf
from tests.e2e.courses.helpers import CONTENT_PACKAGES, register_from_catalog
from tests.e2e.helpers import NewPage, assert_accessible, sign_in
from tests.factories import PASSWORD, make_administrator, make_officer, make_person

pytestmark = pytest.mark.e2e

TITLE = "Vehicle Pursuit Policy Update"
CAPITOL, VALLEY = "90001", "90002"
CAPITOL_ADMIN = ("admin@example.org", "admin-demo-2026")  # Morgan Chen
VALLEY_ADMIN = ("valley.admin@example.org", "valley-demo-2026")
KNOWLEDGE_CHECK = "Knowledge check and certification"
QUESTIONS = {
    question["id"]: question
    for topic in json.loads(
        (
            CONTENT_PACKAGES
            / "vehicle-pursuit-policy-update/package/knowledge-check/questions.json"
        ).read_text()
    )["topics"]
    for question in topic["questions"]
}
POST_FEEDBACK = json.loads(
    (CONTENT_PACKAGES / "vehicle-pursuit-policy-update/feedback.json").read_text()
)["questions"]
REFUSAL = f"Your agency has not published its customization of {TITLE} yet"
VALLEY_Q01_RIGHT = "The Sheriff's policy 314 defines a pursuit the same way."
VALLEY_Q01_WRONG = "Policy 314 defines a pursuit by the driver's attempt to avoid arrest."
CAPITOL_Q01 = "General Order 4.12"
POLICY_LABEL = "The agency's vehicle pursuit policy (PDF)"
# Autosave waits 1.2 s after the last key; the save itself is quick.
SAVE_TIMEOUT_MS = 10_000


# --- what the tests share -----------------------------------------------------------------------


def _agency_id(live_app: Flask, number: str) -> int:
    with live_app.app_context():
        return db.session.scalar(select(Agency.id).where(Agency.agency_number == number))


def _course_id(live_app: Flask) -> int:
    with live_app.app_context():
        return db.session.scalar(select(Course.id).where(Course.title == TITLE))


def _officer(live_app: Flask, number: str) -> str:
    """A new sworn officer (with a POST-ID) of the agency; their e-mail address."""
    with live_app.app_context():
        agency = db.session.scalar(select(Agency).where(Agency.agency_number == number))
        return make_officer(agency).email


def _newest_version(live_app: Flask, number: str) -> CustomizationVersion:
    with live_app.app_context():
        found = db.session.scalar(
            select(CustomizationVersion)
            .join(Customization)
            .join(Agency, Agency.id == Customization.agency_id)
            .where(Agency.agency_number == number)
            .order_by(CustomizationVersion.id.desc())
        )
        db.session.expunge(found)
        return found


def _draft_texts(live_app: Flask, number: str, question_id: str) -> tuple[str, str] | None:
    with live_app.app_context():
        draft = db.session.scalar(
            select(DraftFeedback)
            .join(Customization)
            .join(Agency, Agency.id == Customization.agency_id)
            .where(Agency.agency_number == number, DraftFeedback.question_id == question_id)
        )
        return (draft.correct, draft.incorrect) if draft else None


def _draft_policy(live_app: Flask, number: str) -> tuple[str, str]:
    with live_app.app_context():
        customization = db.session.scalar(
            select(Customization)
            .join(Agency, Agency.id == Customization.agency_id)
            .where(Agency.agency_number == number)
        )
        return customization.policy_sha256, customization.policy_filename


def _statement_count(live_app: Flask) -> int:
    """How many statements the LRS holds, once the bridge has written what it holds."""
    if "bridge" in live_app.extensions:
        live_app.extensions["bridge"].wait_idle(10)
    with live_app.app_context():
        return sum(1 for _ in live_app.extensions["lrs"].read_from(0))


def _launch_data(page: Page) -> list[dict[str, Any]]:
    """The LMS.LaunchData documents the page's AUs read from now on (parsed), in order."""
    found: list[dict[str, Any]] = []

    def record(response: Response) -> None:
        if "LMS.LaunchData" in response.url and response.request.method == "GET" and response.ok:
            found.append(response.json())

    page.on("response", record)
    return found


def _open_editor_from_dashboard(page: Page, state: str) -> None:
    page.goto("/dashboard")
    task = page.locator("#customization-tasks li", has_text=TITLE)
    expect(task.locator(".task-state")).to_have_text(state)
    assert_accessible(page, "the dashboard's customization task")
    task.get_by_role("link", name=re.compile(r"^(Open|Start)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Customize {TITLE}")
    assert_accessible(page, "the customization editor")


def _type(page: Page, question_id: str, field: str, text: str) -> None:
    """Type the text into the field as a person does (the autosave fires from their keys)."""
    box = page.locator(f"#{question_id}-{field}")
    box.fill("")
    box.press_sequentially(text, delay=0)


def _save_state(page: Page, question_id: str) -> Locator:
    return page.locator(f"#question-{question_id} .save-state")


def _au(page: Page, heading: str) -> Frame:
    expect(page.frame_locator("#au-frame").get_by_role("heading", level=1)).to_contain_text(heading)
    frame = page.locator("#au-frame").element_handle().content_frame()
    assert frame is not None
    return frame


def _answer(frame: Frame, question_id: str, *, right: bool) -> None:
    """Answer the question rightly or wrongly and check it."""
    question = QUESTIONS[question_id]
    answer = [question["answer"]] if isinstance(question["answer"], str) else question["answer"]
    if not right:
        answer = [next(c["id"] for c in question["choices"] if c["id"] not in answer)]
    texts = {choice["id"]: choice["text"] for choice in question["choices"]}
    box = frame.locator(f"#question-{question_id}")
    for choice in answer:
        box.get_by_label(texts[choice], exact=True).check()
    box.get_by_role("button", name="Check answer").click()


def _feedback(frame: Frame, question_id: str) -> Locator:
    return frame.locator(f"#question-{question_id} .feedback")


def _learner_opens_course(page: Page, email: str, *, register: bool = True) -> None:
    sign_in(page, email, PASSWORD)
    if register:
        register_from_catalog(page, "pursuit", TITLE)
    else:
        page.goto("/dashboard")
    page.get_by_role("link", name=re.compile(rf"^Open course.*{TITLE}")).click()


def _start_knowledge_check(page: Page) -> Frame:
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name=f"Start {KNOWLEDGE_CHECK}").click()
    return _au(page, "knowledge check")


def _policy_href(frame: Frame) -> str:
    link = frame.locator("#policy-link a")
    expect(link).to_be_attached()
    href = link.get_attribute("href")
    assert href
    return href


def _version_id_of(href: str) -> int:
    match = re.search(r"/agency/policies/(\d+)$", href)
    assert match, f"the policy link {href!r} names no published version"
    return int(match.group(1))


def _policy_input(page: Page) -> Locator:
    """The policy's file input, found by its label as a person (or a screen reader) finds it."""
    return page.get_by_label(POLICY_LABEL, exact=True)


def _assert_policy_field_labelled(page: Page) -> None:
    """The policy's file input has its label as its accessible name, and nothing else on the
    page has its id (the policy section's heading once did, so <label for="policy"> pointed at
    the heading and the input was left unnamed)."""
    ids = page.evaluate(
        "() => Array.from(document.querySelectorAll('[id=policy]'), e => e.tagName)"
    )
    assert ids == ["INPUT"], f"id='policy' is held by {ids}: the label cannot reach the input"
    expect(
        page.get_by_label(POLICY_LABEL, exact=True),
        "the policy's file input has no accessible name from its label",
    ).to_have_attribute("type", "file")


def _upload(page: Page, path: Path | None = None, **payload: Any) -> None:
    _policy_input(page).set_input_files(str(path) if path else payload)
    page.get_by_role("button", name="Upload the policy").click()


def _publish(page: Page, number: int) -> None:
    page.get_by_role("link", name="Review and publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review and publish")
    assert_accessible(page, "the publish page")
    page.get_by_role("button", name=f"Publish version {number}").click()
    expect(page.locator(".flashes")).to_contain_text(f"Version {number} is published")
    expect(page.locator("#customization-state")).to_have_text("Published")


# --- the tests ------------------------------------------------------------------------------------


def test_an_administrator_customizes_previews_and_publishes_and_learners_get_it(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    officer = _officer(live_app, CAPITOL)
    right = "Right. General Order 4.12, section 2, lists the same three things."
    wrong = "Not quite. Section 2 of General Order 4.12 asks for a definition, reasons and issues."
    pdf = policy_pdf("CCPD General Order 4.12, revised")
    policy_file = tmp_path / "CCPD General Order 4.12 revised.pdf"
    policy_file.write_bytes(pdf)

    admin = new_page()
    sign_in(admin, *CAPITOL_ADMIN)
    _open_editor_from_dashboard(admin, "Published")
    expect(admin.locator("#customization-state")).to_have_text("Published")
    expect(admin.locator("#progress")).to_have_text("6 of 58")

    # Question 2's feedback, saved as it is typed.
    _type(admin, "q02", "correct", right)
    _type(admin, "q02", "incorrect", wrong)
    expect(admin.locator("#progress")).to_have_text("7 of 58", timeout=SAVE_TIMEOUT_MS)
    expect(_save_state(admin, "q02")).to_have_text("Saved.", timeout=SAVE_TIMEOUT_MS)
    assert _draft_texts(live_app, CAPITOL, "q02") == (right, wrong)

    # The new policy.
    _upload(admin, policy_file)
    expect(admin.locator(".flashes")).to_contain_text(
        "The policy CCPD General Order 4.12 revised.pdf is uploaded to the draft"
    )
    assert_accessible(admin, "the editor after the upload")
    expect(admin.locator("#q02-correct")).to_have_value(right)
    expect(admin.locator("#customization-state").locator("..")).to_contain_text(
        "the draft has changes not published yet"
    )

    # The preview of the knowledge check shows the draft's text.
    admin.get_by_role("link", name="Preview as a learner").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Preview {TITLE}")
    assert_accessible(admin, "the preview page")
    statements_before = _statement_count(live_app)
    admin.get_by_role("button", name=f"Preview {KNOWLEDGE_CHECK}").click()
    frame = _au(admin, "knowledge check")
    assert_accessible(admin, "the preview of the knowledge check")
    _answer(frame, "q02", right=True)
    expect(_feedback(frame, "q02")).to_have_text(f"Correct. {right}")
    _answer(frame, "q03", right=False)  # left at POST's default
    default = re.sub(r"<[^>]+>", "", POST_FEEDBACK["q03"]["incorrect"])
    expect(_feedback(frame, "q03")).to_have_text(f"Not quite. {default}")
    assert _statement_count(live_app) == statements_before, "the preview recorded statements"

    # Publishing: version 2, question 2 no longer at POST's default.
    admin.goto(f"/agency/customizations/{_course_id(live_app)}")
    admin.get_by_role("link", name="Review and publish").click()
    left = admin.locator("#left-at-default li")
    expect(left).to_have_count(51)
    expect(left.filter(has_text=re.compile(r"^Question 2:"))).to_have_count(0)
    expect(left.filter(has_text=re.compile(r"^Question 3:"))).to_have_count(1)
    admin.go_back()
    _publish(admin, 2)
    newest = _newest_version(live_app, CAPITOL)
    assert newest.number == 2
    assert newest.policy_filename == "CCPD General Order 4.12 revised.pdf"

    # An officer of Capitol City gets version 2: its feedback and its policy.
    learner = new_page()
    launches = _launch_data(learner)
    _learner_opens_course(learner, officer)
    frame = _start_knowledge_check(learner)
    _answer(frame, "q02", right=True)
    expect(_feedback(frame, "q02")).to_have_text(f"Correct. {right}")
    href = _policy_href(frame)
    assert _version_id_of(href) == newest.id
    assert launches, "the AU read no LMS.LaunchData"
    parameters = launches[-1]["launchParameters"]
    parameters = json.loads(parameters) if isinstance(parameters, str) else parameters
    assert parameters["customization"]["number"] == 2
    assert parameters["policy"]["url"] == href
    assert parameters["policy"]["sha256"] == newest.policy_sha256
    served = learner.request.get(href)
    assert served.status == 200
    assert served.headers["content-type"] == "application/pdf"
    assert served.body() == pdf

    # The policy field's label names it (its id was once shared with the section's heading).
    admin.goto(f"/agency/customizations/{_course_id(live_app)}")
    _assert_policy_field_labelled(admin)


def test_learners_wait_for_their_agency_to_publish_and_get_its_own_feedback(
    new_page: NewPage, live_app: Flask
) -> None:
    first, second = _officer(live_app, VALLEY), _officer(live_app, VALLEY)

    learner = new_page()
    sign_in(learner, first, PASSWORD)
    register_from_catalog(learner, "pursuit", TITLE)
    learner.goto("/dashboard")
    row = learner.locator("li.course-row", has_text=TITLE)
    expect(row).to_contain_text(REFUSAL)  # said up front, before they try
    with learner.expect_response(lambda r: r.request.resource_type == "document") as answered:
        learner.get_by_role("link", name=re.compile(rf"^Open course.*{TITLE}")).click()
    assert answered.value.status == 403
    expect(learner.locator("main")).to_contain_text(REFUSAL)
    expect(learner.locator("#au-frame")).to_have_count(0)
    expect(learner.get_by_role("button", name=re.compile("^Start"))).to_have_count(0)
    assert_accessible(learner, "the refusal")

    admin = new_page()
    sign_in(admin, *VALLEY_ADMIN)
    _open_editor_from_dashboard(admin, "Draft")
    expect(admin.locator("#customization-state")).to_have_text("Draft")
    # The preview works for a draft never published, with the draft's text and policy.
    admin.get_by_role("link", name="Preview as a learner").click()
    assert_accessible(admin, "the preview page of a draft")
    admin.get_by_role("button", name=f"Preview {KNOWLEDGE_CHECK}").click()
    frame = _au(admin, "knowledge check")
    _answer(frame, "q01", right=False)
    expect(_feedback(frame, "q01")).to_contain_text(VALLEY_Q01_WRONG)
    draft_href = _policy_href(frame)
    assert draft_href.endswith(f"/agency/customizations/{_course_id(live_app)}/policy")
    served = admin.request.get(draft_href)
    assert served.status == 200 and served.body().startswith(b"%PDF-")
    admin.get_by_role("link", name=f"← Preview {TITLE}").click()
    admin.get_by_role("link", name=f"← Customize {TITLE}").click()
    _publish(admin, 1)

    learner.goto("/dashboard")
    expect(learner.locator("li.course-row", has_text=TITLE)).not_to_contain_text(REFUSAL)
    learner.get_by_role("link", name=re.compile(rf"^Open course.*{TITLE}")).click()
    frame = _start_knowledge_check(learner)
    _answer(frame, "q01", right=True)
    expect(_feedback(frame, "q01")).to_contain_text(VALLEY_Q01_RIGHT)
    expect(_feedback(frame, "q01")).not_to_contain_text(CAPITOL_Q01)

    other = new_page()
    _learner_opens_course(other, second)
    frame = _start_knowledge_check(other)
    _answer(frame, "q01", right=False)
    expect(_feedback(frame, "q01")).to_contain_text(VALLEY_Q01_WRONG)
    expect(_feedback(frame, "q01")).not_to_contain_text(CAPITOL_Q01)
    href = _policy_href(frame)
    assert _version_id_of(href) == _newest_version(live_app, VALLEY).id
    assert other.request.get(href).status == 200
    # Capitol City's policy is not for Valley County's people.
    capitol_policy = f"/agency/policies/{_newest_version(live_app, CAPITOL).id}"
    assert other.request.get(capitol_policy).status == 404

    admin.goto("/dashboard")
    expect(
        admin.locator("#customization-tasks li", has_text=TITLE).locator(".task-state")
    ).to_have_text("Published")


def test_a_non_sworn_administrator_only_reads_the_customization(
    new_page: NewPage, live_app: Flask
) -> None:
    with live_app.app_context():
        capitol = db.session.scalar(select(Agency).where(Agency.agency_number == CAPITOL))
        email = make_person(
            Role.LP_ADMINISTRATOR, Role.DISPATCHER, agency=capitol, post_id="D99-000-099"
        ).email
    page = new_page()
    sign_in(page, email, PASSWORD)
    _open_editor_from_dashboard(page, "Published")
    expect(page.locator("#read-only")).to_contain_text("sworn peace officer")
    expect(page.locator("textarea")).to_have_count(0)
    expect(page.locator("input[type=file]")).to_have_count(0)
    expect(page.get_by_role("link", name="Review and publish")).to_have_count(0)
    expect(page.locator("#question-q01")).to_contain_text(CAPITOL_Q01)


def test_a_learner_who_started_stays_on_the_version_they_started(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    first, second = _officer(live_app, CAPITOL), _officer(live_app, CAPITOL)
    version_1 = _newest_version(live_app, CAPITOL)

    officer_a = new_page()
    _learner_opens_course(officer_a, first)
    frame = _start_knowledge_check(officer_a)
    old_href = _policy_href(frame)
    # Capitol City's own text for question 1, its formatting kept.
    _answer(frame, "q01", right=False)
    expect(_feedback(frame, "q01")).to_contain_text("General Order 4.12, section 1")
    expect(
        _feedback(frame, "q01").locator("strong", has_text="willful failure to yield")
    ).to_be_visible()
    assert _version_id_of(old_href) == version_1.id

    policy_file = tmp_path / "CCPD General Order 4.12 (2027).pdf"
    policy_file.write_bytes(policy_pdf("CCPD General Order 4.12, 2027 edition", pages=2))
    admin = new_page()
    sign_in(admin, *CAPITOL_ADMIN)
    admin.goto(f"/agency/customizations/{_course_id(live_app)}")
    _upload(admin, policy_file)
    expect(admin.locator(".flashes")).to_contain_text("is uploaded to the draft")
    revised = "Not quite. The 2027 edition of General Order 4.12 defines it in section 1.1."
    _type(admin, "q01", "incorrect", revised)
    expect(_save_state(admin, "q01")).to_have_text("Saved.", timeout=SAVE_TIMEOUT_MS)
    _publish(admin, 2)
    version_2 = _newest_version(live_app, CAPITOL)
    assert version_2.number == 2 and version_2.id != version_1.id

    # Officer A, back at the course, starts the knowledge check again: still version 1.
    launches = _launch_data(officer_a)
    officer_a.goto("/dashboard")
    officer_a.get_by_role("link", name=re.compile(rf"^Open course.*{TITLE}")).click()
    frame = _start_knowledge_check(officer_a)
    assert _policy_href(frame) == old_href
    # Their answer to question 1 comes back with version 1's feedback, not the revised text.
    expect(_feedback(frame, "q01")).to_contain_text("General Order 4.12, section 1")
    expect(_feedback(frame, "q01")).not_to_contain_text("2027 edition")
    parameters = launches[-1]["launchParameters"]
    parameters = json.loads(parameters) if isinstance(parameters, str) else parameters
    assert parameters["customization"]["number"] == 1

    # Officer B, new to the course, gets version 2.
    officer_b = new_page()
    _learner_opens_course(officer_b, second)
    frame = _start_knowledge_check(officer_b)
    new_href = _policy_href(frame)
    assert new_href != old_href
    assert _version_id_of(new_href) == version_2.id
    _answer(frame, "q01", right=False)
    expect(_feedback(frame, "q01")).to_have_text(f"Not quite. {revised}")


def test_bad_input_is_refused_beside_its_field_and_changes_nothing(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    course_id = _course_id(live_app)
    editor = f"/agency/customizations/{course_id}"
    policy_before = _draft_policy(live_app, CAPITOL)
    q01_before = _draft_texts(live_app, CAPITOL, "q01")
    assert q01_before is not None

    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # leaving with unsaved text asks first
    sign_in(page, *CAPITOL_ADMIN)
    page.goto(editor)

    # A text file named policy.pdf.
    not_pdf = tmp_path / "policy.pdf"
    not_pdf.write_text("General Order 4.12: this is only text.\n")
    _upload(page, not_pdf)
    expect(page.locator("#policy-error")).to_contain_text("not a PDF")
    assert_accessible(page, "the editor with the policy refused")
    assert _draft_policy(live_app, CAPITOL) == policy_before

    # A PDF too large: 11 MB.
    _upload(
        page,
        name="huge.pdf",
        mimeType="application/pdf",
        buffer=b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024),
    )
    expect(page.locator("#policy-error")).to_contain_text("at most 10 MB")
    assert _draft_policy(live_app, CAPITOL) == policy_before
    page.goto(editor)
    expect(_policy_input(page)).to_be_attached()
    expect(page.get_by_role("link", name=policy_before[1])).to_be_visible()

    # A script as feedback.
    _type(page, "q01", "correct", "<script>alert(1)</script>")
    expect(page.locator("#q01-correct-error")).to_contain_text(
        "may not hold <script>", timeout=SAVE_TIMEOUT_MS
    )
    expect(page.locator("#q01-correct")).to_have_attribute("aria-invalid", "true")
    expect(_save_state(page, "q01")).to_contain_text("Not saved.")
    assert_accessible(page, "the editor with the feedback refused")
    assert _draft_texts(live_app, CAPITOL, "q01") == q01_before
    page.reload()
    expect(page.locator("#q01-correct")).to_have_value(q01_before[0])
    expect(page.locator("#q01-correct-error")).to_have_text("")
    assert _draft_texts(live_app, CAPITOL, "q01") == q01_before

    # A stale save: another administrator saved question 3 after this one opened the page.
    with live_app.app_context():
        capitol = db.session.scalar(select(Agency).where(Agency.agency_number == CAPITOL))
        second_email = make_administrator(capitol).email
    second = new_page()
    sign_in(second, second_email, PASSWORD)
    second.goto(editor)
    expect(second.locator("#q03-correct")).to_have_value("")

    theirs = "Right. Weigh the offense against the danger first (General Order 4.12, section 3)."
    _type(page, "q03", "correct", theirs)
    expect(_save_state(page, "q03")).to_have_text("Saved.", timeout=SAVE_TIMEOUT_MS)
    assert _draft_texts(live_app, CAPITOL, "q03") == (theirs, "")

    mine = "Right. The offense and the need for capture come first."
    _type(second, "q03", "correct", mine)
    state = _save_state(second, "q03")
    expect(state).to_contain_text("Not saved.", timeout=SAVE_TIMEOUT_MS)
    expect(state).to_contain_text("was saved by Morgan Chen")
    expect(state).to_contain_text("Your text was not saved")
    expect(second.locator("#q03-correct")).to_have_value(mine)
    assert_accessible(second, "the editor with a stale save")
    assert _draft_texts(live_app, CAPITOL, "q03") == (theirs, "")
    # Reloading, as the message says, shows the other administrator's text.
    second.on("dialog", lambda dialog: dialog.accept())
    second.reload()
    expect(second.locator("#q03-correct")).to_have_value(theirs)
    assert _draft_texts(live_app, CAPITOL, "q03") == (theirs, "")

    # A stale policy upload: the first administrator uploaded a policy after the second opened
    # the page; the second's upload is refused beside the field and the first's policy stays.
    first_policy = tmp_path / "CCPD General Order 4.12 (first).pdf"
    first_policy.write_bytes(policy_pdf("CCPD General Order 4.12, first"))
    _upload(page, first_policy)
    expect(page.locator(".flashes")).to_contain_text("is uploaded to the draft")
    uploaded = _draft_policy(live_app, CAPITOL)
    assert uploaded[1] == "CCPD General Order 4.12 (first).pdf"
    second_policy = tmp_path / "CCPD General Order 4.12 (second).pdf"
    second_policy.write_bytes(policy_pdf("CCPD General Order 4.12, second"))
    _upload(second, second_policy)
    expect(second.locator("#policy-error")).to_contain_text("The policy was changed by Morgan Chen")
    assert_accessible(second, "the editor with a stale upload")
    assert _draft_policy(live_app, CAPITOL) == uploaded
