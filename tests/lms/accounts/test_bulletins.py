"""POST staff publish bulletins (a title, a date, plain text, an optional PDF); every signed-in
person sees them on the dashboard, newest first, the unread ones marked New until opened."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from lms import unit_of_work
from lms.accounts import bulletins
from lms.accounts.interfaces import BulletinFields, BulletinRefused, OnlyStaffPublish
from lms.accounts.models import Bulletin, BulletinRead
from lms.db import db
from tests.builders.policy import policy_pdf
from tests.conftest import csrf_token, sign_in
from tests.factories import PASSWORD, make_administrator, make_agency, make_officer, make_post_staff

STAFF = "staff@example.org"
OFFICER = "officer@example.org"


@pytest.fixture
def people(app):
    staff = make_post_staff(email=STAFF)
    officer = make_officer(email=OFFICER)
    return staff, officer


def _publish(client, data: dict, pdf: tuple[bytes, str] | None = None):
    form = {
        "csrf_token": csrf_token(client, "/staff/bulletins"),
        "title": "",
        "published_on": "2026-12-01",
        "text": "",
        **data,
    }
    if pdf is not None:
        form["pdf"] = (io.BytesIO(pdf[0]), pdf[1])
    return client.post("/staff/bulletins", data=form, content_type="multipart/form-data")


def _count() -> int:
    db.session.expire_all()
    return db.session.query(Bulletin).count()


def test_the_form_offers_today_as_the_date(client, people):
    sign_in(client, STAFF, PASSWORD)
    page = client.get("/staff/bulletins").get_data(as_text=True)
    assert f'value="{dt.date.today().isoformat()}"' in page
    assert 'enctype="multipart/form-data"' in page


def test_staff_publish_a_bulletin_with_a_pdf_that_everyone_can_open(client, people):
    sign_in(client, STAFF, PASSWORD)
    pdf = policy_pdf("Training Bulletin 26-04")
    response = _publish(
        client,
        {"title": "New pursuit guidelines", "text": "First paragraph.\n\nSecond paragraph."},
        (pdf, "bulletin-26-04.pdf"),
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/bulletins")
    bulletin = db.session.query(Bulletin).one()
    assert bulletin.title == "New pursuit guidelines"
    assert bulletin.published_on == dt.date(2026, 12, 1)
    assert bulletin.pdf_filename == "bulletin-26-04.pdf" and bulletin.pdf_size == len(pdf)
    assert bulletin.created_by_id == people[0].id
    listing = client.get("/staff/bulletins").get_data(as_text=True)
    assert "New pursuit guidelines" in listing and "bulletin-26-04.pdf" in listing

    officer = client.application.test_client()
    sign_in(officer, OFFICER, PASSWORD)
    page = officer.get(f"/bulletins/{bulletin.id}").get_data(as_text=True)
    assert '<p class="bulletin-text">First paragraph.</p>' in page
    assert '<p class="bulletin-text">Second paragraph.</p>' in page
    served = officer.get(f"/bulletins/{bulletin.id}/pdf")
    assert served.status_code == 200
    assert served.mimetype == "application/pdf" and served.get_data() == pdf
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_a_bulletin_without_a_pdf_has_no_pdf_to_fetch(client, people):
    sign_in(client, STAFF, PASSWORD)
    assert (
        _publish(client, {"title": "Office closed", "text": "Closed on Friday."}).status_code == 303
    )
    bulletin = db.session.query(Bulletin).one()
    assert bulletin.pdf_key is None
    assert client.get(f"/bulletins/{bulletin.id}/pdf").status_code == 404
    assert "Open the PDF" not in client.get(f"/bulletins/{bulletin.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"text": "Body."}, "title", "This field is required."),
        ({"title": "x" * 201, "text": "Body."}, "title", "Field cannot be longer than 200"),
        ({"title": "Title"}, "text", "This field is required."),
        ({"title": "Title", "text": "Body.", "published_on": "next week"}, "published_on", ""),
        ({"title": "   ", "text": "Body."}, "title", ""),
    ],
)
def test_a_bad_field_is_shown_beside_it_and_nothing_is_published(
    client, people, data, field, message
):
    sign_in(client, STAFF, PASSWORD)
    response = _publish(client, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    assert error, page
    assert message in error.group(1)
    assert _count() == 0


@pytest.mark.parametrize("value", ["\x00", "x\x00" * 3000])
def test_garbage_is_refused_without_a_write(client, people, value):
    sign_in(client, STAFF, PASSWORD)
    response = _publish(client, {"title": value, "text": value, "published_on": value})
    assert response.status_code in (400, 422)
    assert _count() == 0


def test_a_file_that_is_not_a_pdf_is_refused_beside_the_field(client, people):
    sign_in(client, STAFF, PASSWORD)
    response = _publish(
        client, {"title": "Title", "text": "Body."}, (b"MZ\x90\x00 not a pdf", "bulletin.pdf")
    )
    assert response.status_code == 422
    error = re.search(r'<p class="error" id="pdf-error">(.*?)</p>', response.get_data(as_text=True))
    assert error and "not a PDF file" in error.group(1)
    assert _count() == 0


def test_a_damaged_pdf_is_refused(app, people):
    staff, _ = people
    fields = BulletinFields("Title", dt.date(2026, 12, 1), "Body.")
    with pytest.raises(BulletinRefused, match="damaged") as refused, unit_of_work.job():
        bulletins.publish(staff, fields, b"%PDF-1.4 garbage", "x.pdf")
    assert refused.value.field == "pdf"


def test_a_pdf_over_ten_megabytes_is_refused(app, people, monkeypatch):
    staff, _ = people
    monkeypatch.setattr(bulletins, "BULLETIN_PDF_MAX_BYTES", 1024)
    fields = BulletinFields("Title", dt.date(2026, 12, 1), "Body.")
    with pytest.raises(BulletinRefused, match="at most") as refused, unit_of_work.job():
        bulletins.publish(staff, fields, policy_pdf() + b" " * 2048, "big.pdf")
    assert refused.value.field == "pdf"


def test_only_post_staff_publish(app, client, people):
    _, officer = people
    admin = make_administrator(make_agency(), email="admin@example.org")
    for email in (OFFICER, "admin@example.org"):
        other = app.test_client()
        sign_in(other, email, PASSWORD)
        token = csrf_token(other, "/dashboard")
        assert other.get("/staff/bulletins").status_code == 403
        response = other.post(
            "/staff/bulletins",
            data={"csrf_token": token, "title": "Hi", "published_on": "2026-12-01", "text": "x"},
        )
        assert response.status_code == 403
    assert _count() == 0
    fields = BulletinFields("Title", dt.date(2026, 12, 1), "Body.")
    for person in (officer, admin):
        with pytest.raises(OnlyStaffPublish), unit_of_work.job():
            bulletins.publish(person, fields, None)


def _publish_directly(staff, title: str, on: dt.date) -> Bulletin:
    with unit_of_work.job():
        bulletin = bulletins.publish(staff, BulletinFields(title, on, f"{title} text."), None)
    return bulletin


def test_the_dashboard_shows_the_newest_first_and_marks_the_unread(client, people):
    staff, officer = people
    older = _publish_directly(staff, "Older bulletin", dt.date(2026, 11, 1))
    _publish_directly(staff, "Newest bulletin", dt.date(2026, 12, 2))
    _publish_directly(staff, "Middle bulletin", dt.date(2026, 11, 15))
    assert [view.bulletin.title for view in bulletins.list_for(officer)] == [
        "Newest bulletin",
        "Middle bulletin",
        "Older bulletin",
    ]

    sign_in(client, OFFICER, PASSWORD)
    page = client.get("/dashboard").get_data(as_text=True)
    panel = page[page.index('id="bulletins-heading"') :]
    assert panel.index("Newest bulletin") < panel.index("Middle bulletin")
    assert panel.index("Middle bulletin") < panel.index("Older bulletin")
    assert "3 new" in panel
    assert panel.count(">New</span>") == 3

    assert "Older bulletin text." in client.get(f"/bulletins/{older.id}").get_data(as_text=True)
    page = client.get("/dashboard").get_data(as_text=True)
    panel = page[page.index('id="bulletins-heading"') :]
    assert "2 new" in panel and panel.count(">New</span>") == 2
    rows = re.findall(r'<li class="course-row bulletin-row[^"]*">.*?</li>', panel, re.S)
    row = next(row for row in rows if "Older bulletin" in row)
    assert ">New</span>" not in row and "unread" not in row
    # Opening it again records nothing more; another person's reading is theirs alone.
    client.get(f"/bulletins/{older.id}")
    assert db.session.query(BulletinRead).filter_by(person_id=officer.id).count() == 1
    assert [view.read for view in bulletins.list_for(staff)] == [False, False, False]


def test_an_unknown_bulletin_is_404(client, people):
    sign_in(client, OFFICER, PASSWORD)
    assert client.get("/bulletins/999").status_code == 404
    assert client.get("/bulletins/999/pdf").status_code == 404


def test_the_bulletin_pages_need_a_sign_in(client, people):
    staff, _ = people
    bulletin = _publish_directly(staff, "Notice", dt.date(2026, 12, 1))
    for url in ("/bulletins", f"/bulletins/{bulletin.id}", f"/bulletins/{bulletin.id}/pdf"):
        assert client.get(url).headers["Location"].startswith("/sign-in")


def test_the_publish_form_needs_its_csrf_token(client, people):
    sign_in(client, STAFF, PASSWORD)
    response = client.post(
        "/staff/bulletins", data={"title": "Hi", "published_on": "2026-12-01", "text": "x"}
    )
    assert response.status_code == 400
    assert _count() == 0
