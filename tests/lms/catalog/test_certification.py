"""Course certification: a presenter submits, POST staff return or approve, the presenter
resubmits, staff put the approved request in the catalog; every step is kept."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.accounts.interfaces import Role
from lms.catalog import certification
from lms.catalog.interfaces import (
    CertificationDelivery,
    CertificationError,
    CertificationStatus,
    CreditRule,
    Delivery,
    Mandate,
    PspCategory,
)
from lms.catalog.models import CertificationEvent, CertificationRequest, Course
from lms.db import db
from tests.builders.policy import policy_pdf
from tests.conftest import csrf_token, sign_in
from tests.factories import (
    PASSWORD,
    make_administrator,
    make_agency,
    make_course,
    make_officer,
    make_person,
    make_post_staff,
)

AGENCY = "/agency/certification-requests"
STAFF = "/staff/certification-requests"


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Tactical Communications",
        "delivery": "facilitated",
        "hours": "8",
        "mandates": ["psp_strategic_communications"],
        "psp_category": "strategic_communications",
        "instructors": "Dana Reyes\nLee Park",
    }
    data.update(overrides)
    return data


def _send(client, url: str, data: dict[str, object], outline: tuple[bytes, str] | None):
    body = {"csrf_token": csrf_token(client, url), **data}
    if outline is not None:
        body["outline"] = (io.BytesIO(outline[0]), outline[1])
    return client.post(url, data=body, content_type="multipart/form-data")


def _post(client, url: str, page: str, data: dict[str, object] | None = None):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **(data or {})})


@pytest.fixture
def people(app):
    agency = make_agency("Harbor City PD")
    presenter = make_administrator(agency, email="presenter@example.org")
    other = make_administrator(make_agency("Valley PD"), email="other@example.org")
    staff = make_post_staff(email="staff@example.org")
    return agency, presenter, other, staff


def _client(app, email: str):
    client = app.test_client()
    sign_in(client, email, PASSWORD)
    return client


def test_from_submission_through_return_resubmission_and_approval_to_the_catalog(app, people):
    agency, presenter, _, staff = people
    mine = _client(app, "presenter@example.org")
    post = _client(app, "staff@example.org")

    sent = _send(mine, f"{AGENCY}/new", _form(), (policy_pdf("Outline"), "outline.pdf"))
    assert sent.status_code == 303, sent.get_data(as_text=True)
    request = db.session.scalars(select(CertificationRequest)).one()
    page = f"{AGENCY}/{request.id}"
    assert sent.headers["Location"].endswith(page)
    assert request.agency_id == agency.id and request.status == CertificationStatus.SUBMITTED
    assert request.instructor_names == ["Dana Reyes", "Lee Park"]
    assert mine.get(f"{page}/outline").data.startswith(b"%PDF-")
    assert "Tactical Communications" in mine.get(AGENCY).get_data(as_text=True)
    assert "Tactical Communications" in post.get(STAFF).get_data(as_text=True)

    review = f"{STAFF}/{request.id}"
    empty = _post(post, f"{review}/return", review, {"comments": " "})
    assert empty.status_code == 422
    assert "Say what the presenter should change" in empty.get_data(as_text=True)
    returned = _post(post, f"{review}/return", review, {"comments": "Give 10 hours of content."})
    assert returned.status_code == 303
    db.session.expire_all()
    assert request.status == CertificationStatus.RETURNED
    shown = mine.get(page).get_data(as_text=True)
    assert "Give 10 hours of content." in shown and "Modify and resubmit" in shown

    modify = f"{page}/modify"
    assert mine.get(modify).status_code == 200
    resent = _send(
        mine,
        modify,
        _form(hours="10", delivery="classroom", instructors="Dana Reyes"),
        (policy_pdf("Outline, second edition", pages=2), "outline-v2.pdf"),
    )
    assert resent.status_code == 303, resent.get_data(as_text=True)
    db.session.expire_all()
    assert request.status == CertificationStatus.SUBMITTED
    assert request.hours == Decimal("10") and request.outline_filename == "outline-v2.pdf"
    resubmitted = request.events[-1]
    assert resubmitted.action == "resubmitted" and resubmitted.by_id == presenter.id
    assert resubmitted.changes == {
        "delivery": ["Facilitated video", "Classroom"],
        "hours": ["8", "10"],
        "outline": [
            f"outline.pdf (SHA-256 {resubmitted.changes['outline'][0].split()[-1]}",
            f"outline-v2.pdf (SHA-256 {request.outline_sha256[:12]})",
        ],
        "instructors": ["Dana Reyes; Lee Park", "Dana Reyes"],
    }
    history = mine.get(page).get_data(as_text=True)
    for text in ("Submitted", "Returned with comments", "Modified and resubmitted", "Lee Park"):
        assert text in history

    approved = _post(
        post,
        f"{review}/approve",
        review,
        {"certification_number": "1850-21796", "cpt_hours": "10"},
    )
    assert approved.status_code == 303
    db.session.expire_all()
    assert request.status == CertificationStatus.APPROVED
    assert request.certification_number == "1850-21796" and request.cpt_hours == Decimal("10")
    assert "1850-21796" in mine.get(page).get_data(as_text=True)

    put = _post(post, f"{review}/catalog", review)
    assert put.status_code == 303
    db.session.expire_all()
    course = db.session.get(Course, request.course_id)
    assert put.headers["Location"].endswith(f"/staff/courses/{course.id}")
    assert request.status == CertificationStatus.IN_CATALOG
    assert course.title == "Tactical Communications"
    assert course.delivery == Delivery.FACILITATED  # a classroom course is given in person
    assert course.certification.certification_number == "1850-21796"
    assert course.certification.cpt_hours == Decimal("10")
    assert course.certification.credit_rule == CreditRule.AUTOMATIC
    assert course.certification.mandate_codes == Mandate.STRATEGIC_COMMUNICATIONS.value
    assert course.certification.psp_category == PspCategory.STRATEGIC_COMMUNICATIONS.value
    assert [e.action for e in request.events] == [
        "submitted",
        "returned",
        "resubmitted",
        "approved",
        "put_in_catalog",
    ]
    assert _post(post, f"{review}/catalog", review).status_code == 303  # refused: flashed
    assert db.session.scalar(select(func.count()).select_from(Course)) == 1


def test_a_facilitated_video_gets_credit_from_its_roster(app, people):
    _, presenter, _, staff = people
    outline = certification.store_outline(policy_pdf(), "outline.pdf")
    fields = certification.RequestFields(
        "Use of Force Video", CertificationDelivery.FACILITATED, Decimal(2), set(), None, ["A B"]
    )
    request = certification.submit(presenter, fields, outline)
    certification.approve(staff, request.id, "1850-21800", Decimal(2))
    course = certification.put_in_catalog(staff, request.id)
    assert course.certification.credit_rule == CreditRule.ROSTER
    assert course.delivery == Delivery.FACILITATED and not course.published


def test_a_non_pdf_outline_is_refused_and_nothing_is_written(app, people):
    mine = _client(app, "presenter@example.org")
    refused = _send(mine, f"{AGENCY}/new", _form(), (b"PK\x03\x04 a zip", "outline.pdf"))
    assert refused.status_code == 422
    assert "not a PDF file" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CertificationRequest)) == 0
    assert db.session.scalar(select(func.count()).select_from(CertificationEvent)) == 0
    big = certification.OUTLINE_MAX_BYTES + 1
    with pytest.raises(CertificationError, match="at most 10 MB"):
        certification.store_outline(b"%PDF-" + b"0" * big, "huge.pdf")


def test_a_duplicate_certification_number_is_refused(app, people):
    _, presenter, _, staff = people
    make_course("1850-21796")
    outline = certification.store_outline(policy_pdf(), "outline.pdf")
    fields = certification.RequestFields(
        "Another course", CertificationDelivery.DISTANCE, Decimal(4), set(), None, ["A B"]
    )
    first = certification.submit(presenter, fields, outline)
    second = certification.submit(presenter, fields, outline)
    db.session.commit()
    post = _client(app, "staff@example.org")
    review = f"{STAFF}/{first.id}"
    taken = _post(
        post,
        f"{review}/approve",
        review,
        {"certification_number": "1850-21796", "cpt_hours": "4"},
    )
    assert taken.status_code == 422
    assert "Another course has this certification number" in taken.get_data(as_text=True)
    db.session.expire_all()
    assert first.status == CertificationStatus.SUBMITTED and first.certification_number is None
    assert len(first.events) == 1
    certification.approve(staff, first.id, "1850-21797", Decimal(4))
    with pytest.raises(CertificationError, match="Another course"):
        certification.approve(staff, second.id, "1850-21797", Decimal(4))
    badly = _post(
        post,
        f"{STAFF}/{second.id}/approve",
        f"{STAFF}/{second.id}",
        {"certification_number": "185021797", "cpt_hours": "4"},
    )
    assert badly.status_code == 422 and "4 digits, a dash" in badly.get_data(as_text=True)


def test_another_agencys_presenter_gets_404(app, people):
    _, presenter, _, _ = people
    outline = certification.store_outline(policy_pdf(), "outline.pdf")
    fields = certification.RequestFields(
        "Ours", CertificationDelivery.DISTANCE, Decimal(4), set(), None, ["A B"]
    )
    request = certification.submit(presenter, fields, outline)
    db.session.commit()
    other = _client(app, "other@example.org")
    for url in ("", "/modify", "/outline"):
        assert other.get(f"{AGENCY}/{request.id}{url}").status_code == 404
    assert "Ours" not in other.get(AGENCY).get_data(as_text=True)


def test_only_post_staff_review(app, people):
    agency, presenter, _, _ = people
    outline = certification.store_outline(policy_pdf(), "outline.pdf")
    fields = certification.RequestFields(
        "Ours", CertificationDelivery.DISTANCE, Decimal(4), set(), None, ["A B"]
    )
    request = certification.submit(presenter, fields, outline)
    make_officer(agency, email="officer@example.org")
    make_person(Role.TRAINING_MANAGER, agency=agency, email="manager@example.org")
    db.session.commit()
    review = f"{STAFF}/{request.id}"
    for email in ("presenter@example.org", "officer@example.org", "manager@example.org"):
        client = _client(app, email)
        assert client.get(STAFF).status_code == 403
        assert client.get(review).status_code == 403
        token = csrf_token(client, "/dashboard")
        for action, data in (
            ("approve", {"certification_number": "1850-21796", "cpt_hours": "4"}),
            ("return", {"comments": "No."}),
            ("catalog", {}),
        ):
            answer = client.post(f"{review}/{action}", data={"csrf_token": token, **data})
            assert answer.status_code == 403
    db.session.expire_all()
    assert request.status == CertificationStatus.SUBMITTED and len(request.events) == 1
    with pytest.raises(Exception) as raised:
        certification.approve(presenter, request.id, "1850-21796", Decimal(4))
    assert type(raised.value).__name__ == "NotAllowed"
