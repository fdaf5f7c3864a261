"""What the browser tests share: signing in as a person would, and reading the page's layout."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

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
