"""POST staff import a course package in the browser, watch it upload and import, and find its
versions on the course page; a refused package says why; the form works without JavaScript."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.builders.scorm import scorm12_zip
from tests.e2e.helpers import IMPORT_TIMEOUT_MS, STAFF, NewPage, import_in_browser, sign_in

pytestmark = pytest.mark.e2e


def test_staff_import_a_package_then_a_new_version_and_see_both_on_the_course(
    new_page: NewPage, tmp_path: Path
) -> None:
    page = new_page()
    sign_in(page, *STAFF)
    import_in_browser(page, scorm12_zip(tmp_path, "Use of Force.zip"))

    expect(page).to_have_url(re.compile(r"/staff/packages/imports/\d+$"))
    expect(page.locator("#import-state")).to_have_text("done", timeout=IMPORT_TIMEOUT_MS)
    expect(page.locator("#import-message")).to_have_text("Imported as version 1 of the course.")
    result = page.locator("#import-result")
    expect(result).to_contain_text("version 1, scorm12")
    title = result.get_by_role("link").inner_text()

    import_in_browser(page, scorm12_zip(tmp_path, "Use of Force v2.zip"))
    expect(page.locator("#import-state")).to_have_text("done", timeout=IMPORT_TIMEOUT_MS)
    expect(page.locator("#import-result")).to_contain_text("version 2, scorm12")
    page.locator("#import-result").get_by_role("link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    rows = page.locator("#package-versions tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("2 newest")
    expect(rows.nth(1)).to_contain_text("1")
    page.get_by_role("link", name="← Courses").click()
    expect(page.locator("tr", has_text=title)).to_contain_text("version 2 · scorm12")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import packages").click()
    recent = page.locator("section", has=page.get_by_role("heading", name="Recent imports"))
    expect(recent.locator("tbody tr")).to_have_count(2)
    expect(recent).to_contain_text("Use of Force v2.zip")


def test_the_upload_shows_its_progress_while_it_is_sent(new_page: NewPage, tmp_path: Path) -> None:
    package = tmp_path / "Pursuit video.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("cmi5.xml", _cmi5_xml())
        archive.writestr("au/video.mp4", os.urandom(6 * 1024 * 1024))
        archive.writestr("au/index.html", "<p>video</p>")
    page = new_page()
    sign_in(page, *STAFF)
    # About three seconds to send 6 MB: long enough to see the bar move.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": 2 * 1024 * 1024,
        },
    )
    import_in_browser(page, package)
    expect(page.locator("#upload-progress")).to_be_visible()
    expect(page.locator("#upload-text")).to_have_text(re.compile(r"MB of 6\.\d MB \(\d+%\)"))
    expect(page.get_by_role("button", name="Import")).to_be_disabled()
    expect(page.locator("#import-state")).to_have_text("done", timeout=IMPORT_TIMEOUT_MS)
    expect(page.locator("#import-result")).to_contain_text("cmi5")


def test_a_refused_package_says_which_entry_and_rule(new_page: NewPage, tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest/>")
        archive.writestr("../../etc/cron.d/evil", "* * * * * root sh")
    page = new_page()
    sign_in(page, *STAFF)
    import_in_browser(page, evil)
    expect(page.locator("#import-state")).to_have_text("failed", timeout=IMPORT_TIMEOUT_MS)
    expect(page.locator("#import-message")).to_contain_text("evil.zip: ../../etc/cron.d/evil")


def test_a_file_that_is_no_package_is_refused_on_the_page(
    new_page: NewPage, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a package")
    page = new_page()
    sign_in(page, *STAFF)
    import_in_browser(page, notes)
    expect(page.locator("#package-error")).to_contain_text("notes.txt: a package is a .zip file")
    expect(page.get_by_label("Package file")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/staff/packages$"))


def test_the_import_works_without_javascript(new_page: NewPage, tmp_path: Path) -> None:
    page = new_page(java_script_enabled=False)
    sign_in(page, *STAFF)
    import_in_browser(page, scorm12_zip(tmp_path, "plain form.zip"))
    expect(page).to_have_url(re.compile(r"/staff/packages/imports/\d+$"))
    # The page refreshes itself every few seconds until the import is over.
    expect(page.locator("#import-state")).to_have_text("done", timeout=IMPORT_TIMEOUT_MS)
    expect(page.locator("#import-result")).to_contain_text("version 1, scorm12")


def test_an_officer_has_no_import_page(new_page: NewPage) -> None:
    page = new_page()
    sign_in(page, "admin@example.org", "admin-demo-2026")
    expect(page.get_by_role("link", name="Import packages")).to_have_count(0)
    response = page.goto("/staff/packages")
    assert response is not None and response.status == 403


def _cmi5_xml() -> str:
    return """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://lms.test/e2e/pursuit-video">
    <title><langstring lang="en-US">Pursuit video</langstring></title>
    <description><langstring lang="en-US">A video AU.</langstring></description>
  </course>
  <au id="https://lms.test/e2e/pursuit-video/au" moveOn="Completed">
    <title><langstring lang="en-US">Video</langstring></title>
    <description><langstring lang="en-US">Watch it.</langstring></description>
    <url>au/index.html</url>
  </au>
</courseStructure>
"""
