"""What the browser tests share: signing in as a person would, importing a package as POST staff
do, reading the page's layout, and recording a completion as the player would."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from playwright.sync_api import Frame, Page, expect

from lms.catalog.models import Course
from lms.db import db
from lms.player import records
from lms.player.identity import course_iri

# Opens a page in a fresh browser context; keyword arguments go to `browser.new_context`.
NewPage = Callable[..., Page]


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill in and send the sign-in form."""
    page.goto("/sign-in")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


STAFF = ("staff@example.org", "staff-demo-2026")
# An import of a small package takes well under a second; a slow CI machine gets more.
IMPORT_TIMEOUT_MS = 30_000


def import_in_browser(page: Page, package: Path) -> None:
    """Open the import page from the main menu and send the package's file."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import packages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a course package")
    page.get_by_label("Package file").set_input_files(str(package))
    page.get_by_role("button", name="Import").click()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# The rules of WCAG 2.1 A and AA, and axe's best practices; serious and critical fail the test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def assert_accessible(target: Page | Frame, where: str = "") -> None:
    """axe-core (from npm, injected into the page or frame) finds no serious or critical
    violation of WCAG 2.1 AA in what is shown now. `where` names the page in the failure."""
    if not target.evaluate("() => typeof window.axe !== 'undefined'"):
        target.add_script_tag(path=str(AXE))
    results = target.evaluate(
        "async (tags) => {"
        " const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
        " return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }",
        AXE_TAGS,
    )
    assert not results, f"accessibility violations on {where or target.url}: {results}"


def frame_overflow(frame: Frame) -> int:
    """How many CSS pixels a frame's document is wider than the frame (0 when it fits)."""
    return frame.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def record_completion(app: Flask, post_id: str, title: str, verb: str) -> str:
    """Record a completion of the demo course as the player would, and let the bridge run."""
    with app.app_context():
        course = db.session.query(Course).filter_by(title=title).one()
        statement_id = str(uuid.uuid4())
        records.record(
            [
                {
                    "id": statement_id,
                    "actor": {
                        "objectType": "Agent",
                        "account": {"homePage": records.base_url(), "name": post_id},
                    },
                    "verb": {"id": verb},
                    "object": {
                        "objectType": "Activity",
                        "id": course_iri(course, records.base_url()),
                    },
                    "timestamp": dt.datetime.now(dt.UTC).isoformat(),
                }
            ]
        )
    assert app.extensions["bridge"].wait_idle(10)
    return statement_id
