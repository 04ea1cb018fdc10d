"""The nurses' worklist in Chromium: order, acknowledge, resolve with a note, refresh."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from recovery.runtime import Runtime
from recovery.states import FlagKind
from tests.support.staff_fixtures import NURSE_EMAIL, add_flag, answer, enroll_patient

pytestmark = pytest.mark.browser
REFRESH_MS = 31_000


@pytest.fixture
def two_flags(runtime: Runtime) -> dict[str, int]:
    """An older persistent-pain flag and a newer urgent warning-signs flag."""
    maria_id, maria = enroll_patient(runtime)
    john_id, john = enroll_patient(runtime, name="John Smith", phone="+14155552671")
    answer(runtime, maria, "24h", 8, 2)
    return {
        "maria": maria_id,
        "john": john_id,
        "pain": add_flag(runtime, maria, FlagKind.PERSISTENT_PAIN, age=timedelta(hours=3)),
        "urgent": add_flag(
            runtime,
            john,
            FlagKind.RED_FLAG_SYMPTOMS,
            reason="Mentions numb legs",
            age=timedelta(minutes=4),
        ),
    }


def test_an_urgent_flag_is_above_a_persistent_pain_flag(
    page: Page, nurse: int, two_flags, sign_in
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    rows = page.get_by_role("row")
    expect(rows).to_have_count(3)  # the header and two flags
    expect(rows.nth(1)).to_contain_text("John Smith")
    expect(rows.nth(1)).to_contain_text("Warning signs")
    expect(rows.nth(1)).to_contain_text("Urgent")
    expect(rows.nth(1)).to_contain_text("4 min")
    expect(rows.nth(2)).to_contain_text("Maria Lopez")
    expect(rows.nth(2)).to_contain_text("Persistent pain")
    expect(rows.nth(2)).to_contain_text("3 h")
    expect(rows.nth(2)).to_contain_text("8/10")


def test_a_nurse_acknowledges_opens_the_patient_and_resolves_with_a_note(
    page: Page,
    nurse: int,
    two_flags,
    sign_in,  # type: ignore[no-untyped-def]
) -> None:
    sign_in(page, NURSE_EMAIL)
    urgent = page.get_by_role("row").filter(has_text="John Smith")
    urgent.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged: Warning signs for John Smith.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="John Smith")).to_have_count(0)
    page.get_by_role("link", name="Acknowledged").click()
    expect(page.get_by_role("row").filter(has_text="John Smith")).to_contain_text(
        f"Acknowledged by {NURSE_EMAIL}"
    )

    page.get_by_role("link", name="Open").click()
    page.get_by_role("link", name="Maria Lopez").click()
    expect(page.get_by_role("heading", name="Maria Lopez", level=1)).to_be_visible()
    chart = page.get_by_role("img", name="Pain over time")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("7/10 threshold")

    page.get_by_role("button", name="Resolve").click()
    page.get_by_label("Note").fill("Called her: pain settling with medication.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("Resolved: Persistent pain for Maria Lopez.")).to_be_visible()
    expect(page.get_by_text("Note: Called her: pain settling with medication.")).to_be_visible()
    page.get_by_role("link", name="Flags", exact=True).click()
    page.get_by_role("link", name="Resolved").click()
    expect(page.get_by_role("row").filter(has_text="Maria Lopez")).to_contain_text(
        "Called her: pain settling with medication."
    )


def test_resolving_from_the_worklist_asks_for_a_note_in_place(
    page: Page, nurse: int, two_flags, sign_in
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    row = page.get_by_role("row").filter(has_text="Maria Lopez")
    row.get_by_role("button", name="Resolve").click()
    expect(page).to_have_url(re.compile(r"/flags$"))  # no page change: the form opens here
    note = row.get_by_label("Note")
    expect(note).to_be_focused()
    row.get_by_role("button", name="Cancel").click()
    expect(note).to_be_hidden()
    row.get_by_role("button", name="Resolve").click()
    note.fill("Spoke with the patient.")
    row.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("Resolved: Persistent pain for Maria Lopez.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Maria Lopez")).to_have_count(0)


def test_the_worklist_refreshes_itself_but_not_under_an_open_note(
    page: Page,
    runtime: Runtime,
    nurse: int,
    two_flags,
    sign_in,  # type: ignore[no-untyped-def]
) -> None:
    page.clock.install()
    sign_in(page, NURSE_EMAIL)
    _, third = enroll_patient(runtime, name="Ann Lee", phone="+14155552672")
    add_flag(runtime, third, FlagKind.NO_RESPONSE, reason="No answer to the 24h check-in")
    page.clock.run_for(REFRESH_MS)
    expect(page.get_by_role("row").filter(has_text="Ann Lee")).to_contain_text("No response")
    expect(page.get_by_text("Updated at")).to_be_visible()

    row = page.get_by_role("row").filter(has_text="John Smith")
    row.get_by_role("button", name="Resolve").click()
    row.get_by_label("Note").fill("Calling him now")
    _, fourth = enroll_patient(runtime, name="Bo Diaz", phone="+14155552673")
    add_flag(runtime, fourth, FlagKind.SEVERE_PAIN, reason="Pain 10/10")
    page.clock.run_for(REFRESH_MS)
    expect(page.get_by_text("Not refreshed while you are working in the list.")).to_be_visible()
    expect(row.get_by_label("Note")).to_have_value("Calling him now")
    expect(page.get_by_role("row").filter(has_text="Bo Diaz")).to_have_count(0)

    row.get_by_role("button", name="Cancel").click()
    page.locator("body").click(position={"x": 5, "y": 5})  # focus leaves the table
    page.clock.run_for(REFRESH_MS)
    expect(page.get_by_role("row").filter(has_text="Bo Diaz")).to_contain_text("Severe pain")


def test_the_worklist_reads_at_768_pixels(page: Page, nurse: int, two_flags, sign_in) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, NURSE_EMAIL)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768, "nothing sticks out sideways"
    for name in ("Acknowledge", "Resolve"):
        expect(page.get_by_role("button", name=name).first).to_be_in_viewport()
    expect(page.get_by_role("link", name="Open")).to_be_visible()


def test_the_worklist_works_without_javascript(
    browser, live_server, runtime: Runtime, nurse: int, two_flags
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("Email").fill(NURSE_EMAIL)
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Sign in").click()
        row = page.get_by_role("row").filter(has_text="Maria Lopez")
        row.get_by_role("button", name="Resolve").click()
        expect(page.get_by_role("heading", name="Resolve: Persistent pain")).to_be_visible()
        page.get_by_label("Note").fill("Done by phone.")
        page.get_by_role("button", name="Resolve").click()
        expect(page.get_by_role("heading", name="Flags")).to_be_visible()
        expect(page.get_by_role("row").filter(has_text="Maria Lopez")).to_have_count(0)
    finally:
        context.close()


def test_the_status_tabs_are_tabs_and_links(page: Page, nurse: int, two_flags, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    expect(page.get_by_role("tab", name="Open")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tab")).to_have_count(3)
    page.get_by_role("tab", name="Resolved").click()
    expect(page.get_by_role("tab", name="Resolved")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("row").filter(has_text="John Smith")).to_have_count(0)
    page.get_by_role("link", name="Open").click()
    expect(page.get_by_role("row").filter(has_text="John Smith")).to_have_count(1)
