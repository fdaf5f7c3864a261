"""What the browser tests share: signing in as a person would, importing a package as POST staff
do, and reading the page's layout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

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
