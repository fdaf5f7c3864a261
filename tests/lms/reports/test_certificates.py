"""Completion certificates: the PDF read back with pypdf, the verification code, the public verify
page (valid, unknown, revoked, not valid), who may download what, and a course's zip."""

from __future__ import annotations

import io
import logging
import re
import uuid
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from lms.accounts.interfaces import Role
from lms.db import db
from lms.player import records
from lms.player.identity import actor
from lms.reports import certificates
from lms.reports.models import Certificate
from lms.training.models import CptEntry
from tests.conftest import sign_in
from tests.factories import (
    PASSWORD,
    completion_statement,
    make_administrator,
    make_agency,
    make_course,
    make_cpt_entry,
    make_officer,
    make_person,
    make_post_staff,
)

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
CODE = re.compile(r"Verification code: ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){5})")


@pytest.fixture
def capitol(app):
    return make_agency("Capitol City Police Department")


@pytest.fixture
def learner(capitol):
    return make_officer(
        capitol,
        email="learner@example.org",
        post_id="A12-345-678",
        first_name="Văn An",
        last_name="Nguyễn",
    )


@pytest.fixture
def pursuit(app):
    return make_course("1850-21796", "2", title="Vehicle Pursuit Policy Update")


@pytest.fixture
def entry(learner, pursuit) -> CptEntry:
    return make_cpt_entry(learner, pursuit, "2026-03-04T10:00:00-08:00")


def signed_in(app, email: str):
    client = app.test_client()
    sign_in(client, email, PASSWORD)
    return client


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def code_in(text: str) -> str:
    match = CODE.search(text)
    assert match, text
    return match.group(1)


def void(statement_id: str, person) -> None:
    """The completion's statement voided by its authority (the portal recorded it), and the
    bridge left to run by itself."""
    records.record(
        [
            {
                "id": str(uuid.uuid4()),
                "actor": actor(person, records.base_url()),
                "verb": {"id": VOIDED},
                "object": {"objectType": "StatementRef", "id": statement_id},
            }
        ]
    )


# --- The PDF ----------------------------------------------------------------------------------


def test_the_learner_downloads_a_pdf_that_says_everything_it_certifies(app, learner, entry):
    response = signed_in(app, "learner@example.org").get(f"/profile/certificates/{entry.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith('.pdf"')
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9_.-]+"', disposition)
    text = pdf_text(response.data)
    for fact in (
        "Nguyễn",  # the Unicode font draws the name as it is written
        "Văn An Nguyễn",
        "POST-ID: A12-345-678",
        "Capitol City Police Department",
        "Vehicle Pursuit Policy Update",
        "Course Certification Number: 1850-21796",
        "Completed on: March 4, 2026",
        "CPT hours: 2",
    ):
        assert fact in text, fact
    code = code_in(text)
    assert f"Verify at: http://lms.test/verify/{code}" in text
    assert db.session.scalar(select(Certificate.code)) == code


def test_the_hours_are_what_the_completion_is_worth_even_for_a_repeat_in_the_cycle(
    app, learner, pursuit, entry
):
    repeat = make_cpt_entry(learner, pursuit, "2026-05-01T10:00:00Z")
    assert repeat.credited_hours == 0
    client = signed_in(app, "learner@example.org")
    text = pdf_text(client.get(f"/profile/certificates/{repeat.id}.pdf").data)
    assert "CPT hours: 2" in text and "Completed on: May 1, 2026" in text


def test_the_qr_code_is_an_image_on_the_page(app, entry):
    client = signed_in(app, "learner@example.org")
    page = PdfReader(io.BytesIO(client.get(f"/profile/certificates/{entry.id}.pdf").data)).pages[0]
    assert len(page.images) == 1


def test_without_the_unicode_font_a_core_font_prints_names_without_their_accents(
    app, entry, monkeypatch, tmp_path
):
    monkeypatch.setattr(certificates, "FONT_FILE", tmp_path / "missing.ttf")
    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("lms.reports.certificates")
    logger.addHandler(handler)
    try:
        response = signed_in(app, "learner@example.org").get(
            f"/profile/certificates/{entry.id}.pdf"
        )
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "Van An Nguyen" in text and "Vehicle Pursuit Policy Update" in text
    assert any("fonts-dejavu-core" in warning for warning in warnings)


# --- The code ---------------------------------------------------------------------------------


def test_the_code_has_120_random_bits_and_two_certificates_of_one_person_differ(
    app, learner, pursuit, entry
):
    other = make_cpt_entry(learner, make_course("1850-30000", "4"), "2026-04-01T10:00:00Z")
    client = signed_in(app, "learner@example.org")
    first = code_in(pdf_text(client.get(f"/profile/certificates/{entry.id}.pdf").data))
    second = code_in(pdf_text(client.get(f"/profile/certificates/{other.id}.pdf").data))
    assert first != second
    for code in (first, second):
        letters = code.replace("-", "")
        assert len(letters) * 5 >= 80 and len(letters) * 5 == 120  # base32: 5 bits a letter
        assert learner.post_id.replace("-", "") not in letters


def test_the_code_comes_from_the_cryptographic_source(app, monkeypatch):
    asked = []

    def token_bytes(n: int) -> bytes:
        asked.append(n)
        return bytes(range(n))

    monkeypatch.setattr(certificates.secrets, "token_bytes", token_bytes)
    assert certificates.new_code() == "AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO"
    assert asked == [15]


def test_the_same_entry_gives_the_same_certificate_twice(app, entry):
    client = signed_in(app, "learner@example.org")
    first = client.get(f"/profile/certificates/{entry.id}.pdf").data
    second = client.get(f"/profile/certificates/{entry.id}.pdf").data
    assert code_in(pdf_text(first)) == code_in(pdf_text(second))
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_a_simultaneous_request_that_issued_first_wins_and_nothing_is_issued_twice(
    app, entry, monkeypatch
):
    issued = certificates.issue(entry)
    db.session.commit()
    # The other request's lookup ran before this one committed: it found nothing, so it inserts.
    monkeypatch.setattr(certificates, "_issued", lambda statement_ids: {})
    again = certificates.issue(entry)
    db.session.commit()
    assert again.code == issued.code
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_the_certificate_keeps_what_it_certified_at_issue(app, learner, entry):
    client = signed_in(app, "learner@example.org")
    client.get(f"/profile/certificates/{entry.id}.pdf")
    learner.last_name = "Tran"
    db.session.commit()
    text = pdf_text(client.get(f"/profile/certificates/{entry.id}.pdf").data)
    assert "Văn An Nguyễn" in text


# --- The verify page --------------------------------------------------------------------------


def issued_code(app, entry) -> str:
    client = signed_in(app, "learner@example.org")
    return code_in(pdf_text(client.get(f"/profile/certificates/{entry.id}.pdf").data))


def test_anyone_sees_a_valid_certificate_without_signing_in(app, learner, entry):
    code = issued_code(app, entry)
    page = app.test_client().get(f"/verify/{code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert ">Valid<" in html
    for fact in ("Văn An Nguyễn", "Vehicle Pursuit Policy Update", "3/4/2026", ">2<", code):
        assert fact in html, fact
    assert learner.post_id not in html and learner.email not in html


def test_a_code_typed_in_lower_case_without_dashes_finds_the_certificate(app, entry):
    code = issued_code(app, entry)
    anonymous = app.test_client()
    sent = anonymous.get("/verify", query_string={"code": code.replace("-", " ").lower()})
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/verify/{code}")
    assert anonymous.get(f"/verify/{code.lower()}").status_code == 200


def test_an_unknown_code_is_a_404_that_says_no_certificate_has_it(app, entry):
    issued_code(app, entry)
    anonymous = app.test_client()
    for code in ("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", "not-a-code"):
        page = anonymous.get(f"/verify/{code}")
        assert page.status_code == 404
        assert f"No certificate has the code {code}." in page.get_data(as_text=True)
    assert anonymous.get("/verify").status_code == 200


def test_voiding_the_completion_revokes_its_certificate(app, learner, entry):
    code, entry_id = issued_code(app, entry), entry.id
    void(entry.statement_id, learner)
    assert app.extensions["bridge"].wait_idle(10)
    db.session.expire_all()
    assert db.session.get(CptEntry, entry_id) is None
    page = app.test_client().get(f"/verify/{code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert ">Revoked<" in html and "Vehicle Pursuit Policy Update" in html
    db.session.expire_all()
    revoked = db.session.scalar(select(Certificate))
    assert revoked.revoked_at is not None  # recorded when first seen
    assert ">Revoked<" in app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    client = signed_in(app, "learner@example.org")
    assert client.get(f"/profile/certificates/{entry_id}.pdf").status_code == 404


def test_a_completion_reported_again_as_the_same_finish_makes_its_certificate_not_valid(
    app, learner, pursuit
):
    """Tin Can content reports one finish twice (passed with completion, then completed): the
    bridge removes the entry of the first report when the second arrives. Its certificate is not
    voided, so not revoked, but no longer valid; the completion's own certificate is."""
    registration = {"registration": str(uuid.uuid4())}
    passed = completion_statement(learner, pursuit, "2026-03-04T10:00:00Z", PASSED)
    passed |= {"result": {"completion": True, "success": True}, "context": registration}
    records.record([passed])
    assert app.extensions["bridge"].wait_idle(10)
    first = db.session.scalar(select(CptEntry).filter_by(statement_id=passed["id"]))
    code = issued_code(app, first)
    completed = completion_statement(learner, pursuit, "2026-03-04T10:00:01Z")
    records.record([completed | {"context": registration}])
    assert app.extensions["bridge"].wait_idle(10)
    db.session.expire_all()
    assert db.session.scalar(select(CptEntry).filter_by(statement_id=passed["id"])) is None
    html = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert ">Not valid<" in html and ">Revoked<" not in html
    assert "no longer on the holder" in html
    assert db.session.scalar(select(Certificate.revoked_at)) is None
    current = db.session.scalar(select(CptEntry).filter_by(statement_id=completed["id"]))
    assert ">Valid<" in app.test_client().get(f"/verify/{issued_code(app, current)}").get_data(
        as_text=True
    )


# --- Who may download what --------------------------------------------------------------------


def test_a_learner_gets_404_for_someone_elses_entry(app, capitol, pursuit, entry):
    make_officer(capitol, email="colleague@example.org")
    client = signed_in(app, "colleague@example.org")
    assert client.get(f"/profile/certificates/{entry.id}.pdf").status_code == 404
    assert client.get(f"/agencies/{capitol.id}/certificates/{entry.id}.pdf").status_code == 403
    assert client.get("/profile/certificates/999999.pdf").status_code == 404


def test_the_agencys_managers_and_post_staff_download_a_learners_certificate(app, capitol, entry):
    make_administrator(capitol, email="admin@example.org")
    make_person(Role.TRAINING_MANAGER, agency=capitol, email="manager@example.org")
    make_post_staff(email="staff@example.org")
    url = f"/agencies/{capitol.id}/certificates/{entry.id}.pdf"
    for email in ("admin@example.org", "manager@example.org", "staff@example.org"):
        response = signed_in(app, email).get(url)
        assert response.status_code == 200, email
        assert "Văn An Nguyễn" in pdf_text(response.data)


def test_another_agencys_admin_gets_404_for_the_pdf_the_zip_and_the_page(
    app, capitol, pursuit, entry
):
    valley = make_agency("Valley County Sheriff's Office")
    make_administrator(valley, email="valley@example.org")
    make_person(Role.TRAINING_MANAGER, agency=valley, email="valley.tm@example.org")
    zip_query = f"course={pursuit.id}&since=2026-01-01&until=2026-12-31"
    for email in ("valley@example.org", "valley.tm@example.org"):
        client = signed_in(app, email)
        assert client.get(f"/agencies/{capitol.id}/certificates/{entry.id}.pdf").status_code == 404
        # Their own agency's address with the other agency's entry: 404 as well.
        assert client.get(f"/agencies/{valley.id}/certificates/{entry.id}.pdf").status_code == 404
        assert client.get(f"/agencies/{capitol.id}/certificates").status_code == 404
        zipped = client.get(f"/agencies/{capitol.id}/certificates.zip?{zip_query}")
        assert zipped.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    make_post_staff(email="staff@example.org")
    staff = signed_in(app, "staff@example.org")
    assert staff.get(f"/agencies/{capitol.id}/certificates").status_code == 200
    assert staff.get(f"/agencies/{capitol.id}/certificates.zip?{zip_query}").status_code == 200


# --- A course's zip ---------------------------------------------------------------------------


@pytest.fixture
def manager(capitol):
    return make_person(Role.TRAINING_MANAGER, agency=capitol, email="manager@example.org")


def test_the_zip_holds_one_pdf_per_completion_in_the_range_and_none_outside(
    app, capitol, learner, pursuit, manager
):
    colleague = make_officer(capitol, first_name="Ana", last_name="O'Brien / Ruiz")
    in_range = [
        make_cpt_entry(learner, pursuit, "2026-03-04T10:00:00-08:00"),
        make_cpt_entry(colleague, pursuit, "2026-03-31T10:00:00-07:00"),
        make_cpt_entry(colleague, pursuit, "2026-03-01T10:00:00-08:00"),
    ]
    make_cpt_entry(learner, pursuit, "2026-04-01T10:00:00-07:00")  # after the range
    make_cpt_entry(colleague, pursuit, "2026-02-28T10:00:00-08:00")  # before it
    make_cpt_entry(learner, make_course("1850-30000", "4"), "2026-03-10T10:00:00Z")  # another
    make_cpt_entry(make_officer(make_agency()), pursuit, "2026-03-10T10:00:00Z")  # elsewhere
    client = signed_in(app, "manager@example.org")
    page = client.get(f"/agencies/{capitol.id}/certificates").get_data(as_text=True)
    assert "Vehicle Pursuit Policy Update (1850-21796)" in page
    response = client.get(
        f"/agencies/{capitol.id}/certificates.zip",
        query_string={"course": pursuit.id, "since": "2026-03-01", "until": "2026-03-31"},
    )
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=certificates_1850-21796_2026-03-01_2026-03-31.zip"
    )
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        texts = [pdf_text(archive.read(name)) for name in names]
    assert len(names) == 3 and all(re.fullmatch(r"[A-Za-z0-9_.-]+\.pdf", n) for n in names)
    assert names[0] == f"2026-03-01_Ana-O-Brien-Ruiz_{in_range[2].id}.pdf"
    assert names[1] == f"2026-03-04_Van-An-Nguyen_{in_range[0].id}.pdf"
    dates = sorted(re.search(r"Completed on: (.+)", text).group(1) for text in texts)
    assert dates == ["March 1, 2026", "March 31, 2026", "March 4, 2026"]
    assert len({code_in(text) for text in texts}) == 3
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 3


def test_a_range_with_no_completion_says_so_instead_of_an_empty_zip(app, capitol, pursuit, manager):
    client = signed_in(app, "manager@example.org")
    response = client.get(
        f"/agencies/{capitol.id}/certificates.zip",
        query_string={"course": pursuit.id, "since": "2025-01-01", "until": "2025-12-31"},
    )
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "No certificates: nobody of Capitol City Police Department completed" in (
        response.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"since": "2026-01-01", "until": "2026-12-31"}, "course", "Choose the course."),
        ({"course": "999999", "since": "2026-01-01", "until": "2026-12-31"}, "course", "no such"),
        ({"course": "x", "since": "2026-01-01", "until": "2026-12-31"}, "course", "no such"),
        ({"course": "{course}", "until": "2026-12-31"}, "since", "first completion date"),
        ({"course": "{course}", "since": "2026-13-01", "until": "2026-12-31"}, "since", "a date"),
        ({"course": "{course}", "since": "2026-01-01", "until": "soon"}, "until", "not a date"),
        ({"course": "{course}", "since": "2026-12-31", "until": "2026-01-01"}, "since", "after"),
    ],
)
def test_bad_or_missing_filters_are_422_naming_the_field_and_issue_nothing(
    app, capitol, pursuit, entry, manager, query, field, message
):
    query = {name: value.format(course=pursuit.id) for name, value in query.items()}
    response = signed_in(app, "manager@example.org").get(
        f"/agencies/{capitol.id}/certificates.zip", query_string=query
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1), html
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_more_certificates_than_a_zip_holds_ask_for_a_narrower_range(
    app, capitol, learner, pursuit, manager, monkeypatch
):
    make_cpt_entry(learner, pursuit, "2026-03-04T10:00:00Z")
    make_cpt_entry(learner, pursuit, "2026-03-05T10:00:00Z")
    monkeypatch.setattr(certificates, "ZIP_LIMIT", 1)
    response = signed_in(app, "manager@example.org").get(
        f"/agencies/{capitol.id}/certificates.zip",
        query_string={"course": pursuit.id, "since": "2026-03-01", "until": "2026-03-31"},
    )
    assert response.status_code == 422
    assert "2 certificates match; one zip holds at most 1. Choose a narrower date range." in (
        response.get_data(as_text=True)
    )
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_the_training_profile_links_each_completions_certificate(app, entry):
    html = signed_in(app, "learner@example.org").get("/profile").get_data(as_text=True)
    link = re.search(rf'<a href="/profile/certificates/{entry.id}.pdf" download>(.*?)</a>', html)
    assert link and "Certificate (PDF)" in link.group(1)
    assert "Vehicle Pursuit Policy Update" in link.group(1)
