"""The accessible names of SPEC 6.5, in Chromium: each finds exactly one element by a plain
lookup (Playwright's default, a case-insensitive substring), so strict locators never meet
two matches, also on pages with several flags and while a note is being written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from recovery.runtime import Runtime
from recovery.states import FlagKind
from tests.support.staff_fixtures import ADMIN_EMAIL, NURSE_EMAIL, add_flag, answer, enroll_patient

pytestmark = pytest.mark.browser
ENROLLMENT_FIELDS = (
    "Name",
    "Mobile phone",
    "Language",
    "Time zone",
    "Procedure time",
    "Baseline pain",
    "MRN",
    "Patient agreed to receive texts",
)


def _is_one(locator: Locator) -> None:
    expect(locator).to_have_count(1)
    expect(locator).to_be_visible()


@pytest.fixture
def busy_patient(runtime: Runtime) -> int:
    """Maria Lopez with two open flags, and John Smith with one: three rows in the worklist."""
    maria_id, maria = enroll_patient(runtime)
    _, john = enroll_patient(runtime, name="John Smith", phone="+14155552671")
    answer(runtime, maria, "24h", 8, 2)
    add_flag(runtime, maria, FlagKind.PERSISTENT_PAIN, age=timedelta(hours=3))
    add_flag(runtime, maria, FlagKind.LIMITED_MOBILITY, reason="Mostly in bed")
    add_flag(runtime, john, FlagKind.SEVERE_PAIN, reason="Pain 10/10")
    return maria_id


def test_the_login_page_names_are_unique(page: Page, nurse: int) -> None:
    page.goto("/login")
    for locator in (
        page.get_by_label("Email"),
        page.get_by_label("Password"),
        page.get_by_role("button", name="Sign in"),
    ):
        _is_one(locator)


def test_the_worklist_names_are_unique(page: Page, nurse: int, busy_patient: int, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    _is_one(page.get_by_role("heading", name="Flags"))
    for tab in ("Open", "Acknowledged", "Resolved"):
        _is_one(page.get_by_role("link", name=tab))
    expect(page.get_by_label("Note")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text="John Smith")
    _is_one(row.get_by_role("button", name="Acknowledge"))
    row.get_by_role("button", name="Resolve").click()

    _is_one(page.get_by_label("Note"))
    _is_one(page.get_by_role("button", name="Resolve"))
    page.get_by_label("Note").fill("Spoke with him; pain medicine adjusted.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("Resolved: Severe pain for John Smith.")).to_be_visible()
    expect(page.get_by_role("button", name="Resolve")).to_have_count(2)  # Maria's two flags


def test_a_closed_note_leaves_one_note_field_per_opened_flag(
    page: Page, nurse: int, busy_patient: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    rows = page.get_by_role("row").filter(has_text="Maria Lopez")
    rows.first.get_by_role("button", name="Resolve").click()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_label("Note")).to_have_count(0)
    expect(page.get_by_role("button", name="Resolve")).to_have_count(3)
    rows.last.get_by_role("button", name="Resolve").click()
    _is_one(page.get_by_label("Note"))
    expect(rows.last.get_by_label("Note")).to_be_focused()


def test_the_patients_page_and_the_enrollment_form_names_are_unique(
    page: Page, nurse: int, busy_patient: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    page.get_by_role("link", name="Patients").click()
    _is_one(page.get_by_label("Search"))
    _is_one(page.get_by_role("searchbox", name="Search"))
    _is_one(page.get_by_role("button", name="Enroll patient"))

    page.get_by_role("button", name="Enroll patient").click()
    for label in ENROLLMENT_FIELDS:
        _is_one(page.get_by_label(label))
    # "Procedure" is part of "Procedure time": an exact label or the role tells them apart.
    _is_one(page.get_by_label("Procedure", exact=True))
    _is_one(page.get_by_role("combobox", name="Procedure"))
    _is_one(page.get_by_role("checkbox", name="Patient agreed to receive texts"))
    _is_one(page.get_by_role("button", name="Enroll"))
    expect(page.get_by_role("button", name="Enroll patient")).to_have_count(0)


def test_the_patient_page_names_are_unique(
    page: Page, nurse: int, busy_patient: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    page.goto(f"/patients/{busy_patient}")
    _is_one(page.get_by_role("heading", name="Maria Lopez"))
    _is_one(page.get_by_role("img", name="Pain over time"))
    for name in ("Pause check-ins", "Resume check-ins", "Withdraw"):
        expect(page.get_by_role("button", name=name)).to_have_count(1)
    expect(page.get_by_role("button", name="Resolve")).to_have_count(2)

    page.get_by_role("article", name="Limited mobility").get_by_role(
        "button", name="Resolve"
    ).click()
    _is_one(page.get_by_label("Note"))
    _is_one(page.get_by_role("button", name="Resolve"))
    page.get_by_label("Note").fill("She is walking more each day.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("Resolved: Limited mobility for Maria Lopez.")).to_be_visible()


def test_the_admin_and_simulator_names_are_unique(
    page: Page, admin: int, busy_patient: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, ADMIN_EMAIL)
    page.goto("/admin/protocols")
    _is_one(page.get_by_role("button", name="Save"))
    page.goto("/simulator")
    _is_one(page.get_by_label("Patient"))
    page.get_by_label("Patient").select_option("John Smith")  # opens the phone at once
    expect(page.get_by_role("heading", name="John Smith's phone")).to_be_visible()
    _is_one(page.get_by_label("Message"))
    _is_one(page.get_by_role("button", name="Send"))
