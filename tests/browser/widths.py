"""Checks that a page fits a narrow screen: nothing sticks out, no table scrolls sideways."""

from __future__ import annotations

from playwright.sync_api import Page

SIDEWAYS_TABLES = """() => Array.from(document.querySelectorAll(".table-wrap"))
    .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
    .map((wrap) => wrap.querySelector("table").getAttribute("aria-label"))"""


def assert_fits(page: Page, width: int) -> None:
    """The open page is no wider than ``width`` and none of its tables scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
    assert page.evaluate(SIDEWAYS_TABLES) == [], f"tables scroll sideways on {page.url}"
