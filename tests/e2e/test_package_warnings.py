"""POST staff import a cmi5 course whose AUs ask nothing of the learner: the import's page
warns them, the course page shows the warning beside the Published box, and publishing needs
the warning read."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Route, expect

from tests.builders.manifests import cmi5
from tests.e2e.helpers import IMPORT_TIMEOUT_MS, STAFF, NewPage, import_in_browser, sign_in

pytestmark = pytest.mark.e2e

WARNING = re.compile(r'its AU has moveOn "NotApplicable".*registering satisfies the course')


def _no_op_course(tmp_path: Path) -> Path:
    path = tmp_path / "Range Safety Briefing.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "cmi5.xml",
            cmi5(url="index.html").replace(b">Course<", b">Range Safety Briefing<"),
        )
        archive.writestr("index.html", "<!doctype html><title>Briefing</title>")
    return path


def test_staff_see_a_no_op_move_on_warning_at_import_and_read_it_before_publishing(
    new_page: NewPage, tmp_path: Path
) -> None:
    page = new_page()
    sign_in(page, *STAFF)
    import_in_browser(page, _no_op_course(tmp_path))

    expect(page.locator("#import-state")).to_have_text("done", timeout=IMPORT_TIMEOUT_MS)
    warnings = page.locator("#import-warnings")
    expect(warnings).to_contain_text("Read before publishing the course")
    expect(warnings.get_by_role("listitem")).to_have_text(WARNING)

    page.locator("#import-result").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Range Safety Briefing")
    panel = page.locator("#package-warnings")
    expect(panel.get_by_role("listitem")).to_have_text(WARNING)
    published = page.get_by_label("Published in the catalog")
    # The warning comes right before the box it is about.
    assert panel.evaluate(
        "(box, next) => box.nextElementSibling.contains(next)", published.element_handle()
    )

    page.get_by_label("Course Certification Number").fill("1850-30077")
    page.get_by_label("CPT hours").fill("2")
    published.check()
    page.get_by_role("button", name="Save the course").click()
    expect(page.locator("#published-error")).to_contain_text(
        "tick “I have read the package warnings” to publish it"
    )
    expect(page.get_by_label("Published in the catalog")).to_be_checked()

    page.get_by_label("I have read the package warnings").check()
    page.get_by_role("button", name="Save the course").click()
    expect(page.get_by_text("Course “Range Safety Briefing” saved.")).to_be_visible()
    page.get_by_role("link", name="Range Safety Briefing").click()
    expect(page.get_by_label("Published in the catalog")).to_be_checked()
    expect(page.locator("#package-warnings").get_by_role("listitem")).to_have_text(WARNING)
    expect(page.get_by_label("I have read the package warnings")).to_have_count(0)


def test_the_page_following_an_import_draws_the_warning_when_the_import_ends(
    new_page: NewPage, tmp_path: Path
) -> None:
    """The status page as it is served while the import still runs: its script polls, and
    draws the outcome, warning included, when the import is done."""
    page = new_page()
    sign_in(page, *STAFF)
    served_pages: list[str] = []

    def as_if_still_running(route: Route) -> None:
        served = route.fetch()
        body = re.sub(
            r'(<div id="import-outcome" role="status">).*?(</div>\s*</section>)',
            r"\1\2",
            served.text().replace('data-status="done"', 'data-status="running"'),
            flags=re.DOTALL,
        )
        served_pages.append(body)
        route.fulfill(response=served, body=body)

    page.route(re.compile(r"/staff/packages/imports/\d+$"), as_if_still_running)
    import_in_browser(page, _no_op_course(tmp_path))

    expect(page.locator("#import-state")).to_have_text("done", timeout=IMPORT_TIMEOUT_MS)
    expect(page.locator("#import-warnings").get_by_role("listitem")).to_have_text(WARNING)
    expect(
        page.locator("#import-warnings").get_by_role("link", name="course page")
    ).to_have_attribute("href", re.compile(r"/staff/courses/\d+$"))
    # What the server drew is gone from the page the browser got: the script drew the warning.
    assert served_pages and all("import-warnings" not in body for body in served_pages)
