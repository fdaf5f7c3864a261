"""Completion certificates in the browser: a learner downloads their own from the Training
Profile; the training manager downloads a course's as one zip from the compliance page; anyone,
signed in or not, checks a certificate's code on the verify page."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.helpers import NewPage, assert_accessible, record_completion, sign_in

pytestmark = pytest.mark.e2e

DISPATCHER = ("dispatcher@example.org", "dispatcher-demo-2026")
MANAGER = ("admin@example.org", "admin-demo-2026")
COURSE = "Dispatcher Critical Incidents"
# Dispatcher Critical Incidents is completed by its post-test's passed.
PASSED = "http://adlnet.gov/expapi/verbs/passed"
CODE = re.compile(r"Verification code:\s*([A-Z2-7]{4}(?:-[A-Z2-7]{4}){5})")
VERIFY_URL = re.compile(r"Verify at:\s*(\S+/verify/[A-Z2-7-]+)")


def _text(pdf: bytes) -> str:
    """The PDF's text, its lines joined by single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _download(page: Page, link_name: str, tmp_path: Path) -> tuple[str, bytes]:
    """Click the link (or button) and return the download's suggested name and its bytes."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).first.click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    return download.suggested_filename, saved.read_bytes()


def test_a_learner_downloads_their_certificate(
    new_page: NewPage, live_app: Flask, tmp_path: Path
) -> None:
    record_completion(live_app, "D21-000-002", COURSE, PASSED)
    page = new_page()
    sign_in(page, *DISPATCHER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Training Profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training Profile")
    row = page.locator("#completed-courses tbody tr").filter(has_text=COURSE)
    expect(row).to_have_count(1)
    assert_accessible(page, "training profile")

    with page.expect_download() as download_info:
        row.get_by_role("link", name=re.compile(r"^Certificate \(PDF\)")).click()
    download = download_info.value
    assert download.suggested_filename.startswith("certificate_Dispatcher-Critical-Incidents_")
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    pdf = saved.read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = _text(pdf)
    assert "Certificate of Completion" in text
    assert "Jordan Lee" in text
    assert "POST-ID: D21-000-002" in text
    assert "Capitol City Police Department" in text
    assert COURSE in text
    assert "CPT hours: 2" in text
    found = CODE.search(text)
    assert found, text
    code = found.group(1)
    assert f"/verify/{code}" in text

    # The same completion downloaded again is the same certificate: the code does not change.
    with page.expect_download() as again_info:
        row.get_by_role("link", name=re.compile(r"^Certificate \(PDF\)")).click()
    again = tmp_path / "again.pdf"
    again_info.value.save_as(again)
    assert CODE.search(_text(again.read_bytes())).group(1) == code


def test_the_training_manager_downloads_a_course_as_one_zip(
    new_page: NewPage, tmp_path: Path
) -> None:
    page = new_page()
    sign_in(page, *MANAGER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance").click()
    page.get_by_role("link", name="Certificates", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Certificates: Capitol City Police Department"
    )
    assert_accessible(page, "course certificates")
    course = page.get_by_label("Course", exact=True)
    label = course.locator("option", has_text=COURSE).text_content() or ""
    course.select_option(label=label.strip())
    # The form starts at this cycle's first day; both demo completions are before it or in it,
    # so the range asked for reaches back far enough for both.
    page.get_by_label("Completed from").fill("2020-01-01")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download certificates (zip)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("certificates_")
    assert download.suggested_filename.endswith(".zip")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    with zipfile.ZipFile(saved) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        texts = {name: _text(archive.read(name)) for name in names}
    assert len(names) == 2, names
    assert all(name.endswith(".pdf") for name in names)
    assert sorted(name.split("_")[1] for name in names) == ["Renee-Holloway", "Theo-Marchetti"]
    holders = {"Renee Holloway": 0, "Theo Marchetti": 0}
    codes = set()
    for name, text in texts.items():
        assert COURSE in text, name
        assert "Capitol City Police Department" in text, name
        assert "CPT hours: 2" in text, name
        for holder in holders:
            holders[holder] += holder in text
        found = CODE.search(text)
        assert found, text
        codes.add(found.group(1))
    assert holders == {"Renee Holloway": 1, "Theo Marchetti": 1}
    assert len(codes) == 2  # each certificate has a code of its own

    # A range with no completion says so instead of sending an empty zip (the download left
    # the form on the page as it was filled in).
    page.get_by_label("Completed to").fill("2020-12-31")
    page.get_by_role("button", name="Download certificates (zip)").click()
    expect(page.locator("#no-certificates")).to_contain_text("No certificates")


def test_anyone_verifies_a_certificate_by_its_code(new_page: NewPage, tmp_path: Path) -> None:
    # The training manager downloads Renee Holloway's certificate from her activity page.
    manager = new_page()
    sign_in(manager, *MANAGER)
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance").click()
    manager.get_by_role("link", name="Learner activity").click()
    manager.locator("#activity-table").get_by_role("link", name="Renee Holloway").first.click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Renee Holloway")
    _, pdf = _download(manager, f"Certificate for {COURSE} (PDF)", tmp_path)
    text = _text(pdf)
    assert "Renee Holloway" in text
    code = CODE.search(text).group(1)
    url = VERIFY_URL.search(text).group(1)
    assert url.endswith(f"/verify/{code}")

    # Someone with no account opens the address printed on the certificate.
    anyone = new_page()
    response = anyone.goto(url)
    assert response is not None and response.status == 200
    expect(anyone.get_by_role("heading", level=1)).to_have_text("Certificate verification")
    expect(anyone.locator("#standing")).to_have_text("Valid")
    expect(anyone.locator("#standing-text")).to_contain_text("This certificate is valid")
    expect(anyone.locator("#holder")).to_have_text("Renee Holloway")
    expect(anyone.locator("#course")).to_have_text(COURSE)
    expect(anyone.locator("#hours")).to_have_text("2")
    expect(anyone.locator("#code")).to_have_text(code)
    assert_accessible(anyone, "verification")

    # The code typed by hand, in lower case and without dashes, finds the same certificate.
    anyone.get_by_role("link", name="Verify another certificate").click()
    expect(anyone.get_by_role("heading", level=1)).to_have_text("Verify a certificate")
    assert_accessible(anyone, "verify form")
    anyone.get_by_label("Verification code").fill(code.lower().replace("-", " "))
    anyone.get_by_role("button", name="Verify").click()
    expect(anyone.locator("#standing")).to_have_text("Valid")
    expect(anyone.locator("#holder")).to_have_text("Renee Holloway")

    # A code no certificate has is not found, and the page says so.
    anyone.get_by_role("link", name="Verify another certificate").click()
    unknown = "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"
    with anyone.expect_response(re.compile(r"/verify/")) as answer:
        anyone.get_by_label("Verification code").fill(unknown)
        anyone.get_by_role("button", name="Verify").click()
    assert answer.value.status == 404
    expect(anyone.get_by_role("heading", level=1)).to_have_text("No such certificate")
    expect(anyone.locator("#verify-unknown")).to_contain_text(
        f"No certificate has the code {unknown}."
    )
    expect(anyone.locator("#standing")).to_have_count(0)
    assert_accessible(anyone, "unknown certificate")
