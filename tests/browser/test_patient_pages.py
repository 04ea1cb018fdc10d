"""Patients in Chromium: enrolling (errors kept by their fields), searching, the patient's
page, pausing, withdrawing and reinstating, and the phone simulator."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from recovery.runtime import Runtime, utc_now
from recovery.web.vocabulary import local_time
from tests.browser.widths import assert_fits
from tests.support.dates import D0
from tests.support.staff_fixtures import NURSE_EMAIL, answer, enroll_patient

pytestmark = pytest.mark.browser


def test_enrollment_errors_are_shown_by_their_fields_and_input_kept(
    page: Page, nurse: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    page.get_by_role("link", name="Patients").click()
    page.get_by_role("button", name="Enroll patient").click()
    expect(page.get_by_role("heading", name="Enroll patient")).to_be_visible()
    page.get_by_label("Name").fill("Maria Lopez")
    page.get_by_label("Mobile phone").fill("555-01")
    page.get_by_label("Language").select_option("es")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_label("Procedure", exact=True).select_option("kyphoplasty")
    page.get_by_label("Procedure time").fill(f"{D0}T09:30")
    page.get_by_label("Baseline pain").fill("11")
    page.get_by_label("MRN").fill("A12345")
    page.get_by_role("button", name="Enroll").click()

    expect(page.get_by_text("Mobile phone: not a valid phone number")).to_be_visible()
    expect(page.get_by_text("Baseline pain must be a whole number from 0 to 10")).to_be_visible()
    expect(
        page.get_by_text("Patient agreed to receive texts: the patient must agree")
    ).to_be_visible()
    expect(page.get_by_label("Mobile phone")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name")).to_have_value("Maria Lopez")
    expect(page.get_by_label("Mobile phone")).to_have_value("555-01")
    expect(page.get_by_label("Language")).to_have_value("es")
    expect(page.get_by_label("Time zone")).to_have_value("America/Chicago")
    expect(page.get_by_label("Procedure", exact=True)).to_have_value("kyphoplasty")
    expect(page.get_by_label("Procedure time")).to_have_value(f"{D0}T09:30")
    expect(page.get_by_label("MRN")).to_have_value("A12345")

    page.get_by_label("Mobile phone").fill("(562) 555-0123")
    page.get_by_label("Baseline pain").fill("8")
    page.get_by_label("Patient agreed to receive texts").check()
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_role("heading", name="Maria Lopez", level=1)).to_be_visible()
    performed = datetime.fromisoformat(f"{D0}T09:30").replace(tzinfo=ZoneInfo("America/Chicago"))
    shown = local_time(performed, "America/Chicago")
    expect(page.locator("dd").filter(has_text=f"{shown} (America/Chicago)")).to_be_visible()


def test_search_by_phone_in_another_format(
    page: Page, runtime: Runtime, nurse: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    enroll_patient(runtime)
    enroll_patient(runtime, name="John Smith", phone="+14155552671")
    sign_in(page, NURSE_EMAIL)
    page.goto("/patients")
    page.get_by_label("Search").fill("562.555.0123")
    page.get_by_label("Search").press("Enter")
    expect(page.get_by_role("link", name="Maria Lopez")).to_be_visible()
    expect(page.get_by_role("link", name="John Smith")).to_have_count(0)


def test_search_ignores_accents(page: Page, runtime: Runtime, nurse: int, sign_in) -> None:  # type: ignore[no-untyped-def]
    enroll_patient(runtime, name="María López")
    enroll_patient(runtime, name="John Smith", phone="+14155552671")
    sign_in(page, NURSE_EMAIL)
    page.goto("/patients")
    page.get_by_label("Search").fill("maria lopez")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="María López")).to_be_visible()
    expect(page.get_by_role("link", name="John Smith")).to_have_count(0)


def test_the_patient_pages_read_at_768_pixels(
    page: Page, runtime: Runtime, nurse: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    patient_id, enrollment_id = enroll_patient(runtime, mrn="A12345")
    answer(runtime, enrollment_id, "24h", 8, 1)
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, NURSE_EMAIL)
    for path in ("/patients", "/patients/new", f"/patients/{patient_id}", "/simulator"):
        page.goto(path)
        assert_fits(page, 768)
    page.goto(f"/patients/{patient_id}")
    chart = page.get_by_role("img", name="Pain over time").bounding_box()
    assert chart is not None and chart["x"] + chart["width"] <= 768
    check_ins = page.get_by_role("table", name="Check-ins")
    expect(check_ins.get_by_role("row").filter(has_text="24h")).to_contain_text("8/10")


def test_pause_resume_withdraw_at_once_and_reinstate(
    page: Page, runtime: Runtime, nurse: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    patient_id, _ = enroll_patient(runtime, performed_at=utc_now() - timedelta(hours=2))
    sign_in(page, NURSE_EMAIL)
    page.goto(f"/patients/{patient_id}")
    page.get_by_role("button", name="Pause check-ins").click()
    expect(page.get_by_text("Check-ins are paused.")).to_be_visible()
    expect(page.get_by_role("button", name="Pause check-ins")).to_be_disabled()
    page.get_by_role("button", name="Resume check-ins").click()
    expect(page.get_by_text("Check-ins are resumed.")).to_be_visible()
    expect(page.get_by_role("button", name="Reinstate follow-up")).to_have_count(0)

    # No dialog handler: a confirmation dialog would be dismissed and withdraw nothing.
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("Withdrawn: check-ins and texts not yet sent")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/patients/{patient_id}$"))
    expect(page.locator("dd").filter(has_text="Withdrawn, ended")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw")).to_be_disabled()
    for name in ("Pause check-ins", "Resume check-ins", "Withdraw", "Reinstate follow-up"):
        expect(page.get_by_role("button", name=name)).to_have_count(1)
    rows = page.get_by_role("table", name="Check-ins").get_by_role("row")
    for label in ("24h", "48h"):
        expect(rows.filter(has_text=label)).to_contain_text("cancelled (withdrawn)")

    page.get_by_role("button", name="Reinstate follow-up").click()
    expect(page.get_by_text("Follow-up reinstated")).to_be_visible()
    expect(page.locator("dd").filter(has_text="Active")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw")).to_be_enabled()
    expect(page.get_by_role("button", name="Reinstate follow-up")).to_have_count(0)
    for label in ("24h", "48h"):
        expect(rows.filter(has_text=label)).to_contain_text("scheduled")
        expect(rows.filter(has_text=label)).not_to_contain_text("cancelled")


def test_the_simulator_shows_the_phone_and_sends_a_reply(
    page: Page, runtime: Runtime, nurse: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    enroll_patient(runtime)
    sign_in(page, NURSE_EMAIL)
    page.get_by_role("link", name="Phone simulator").click()
    page.wait_for_load_state("load")  # the script that opens the phone on a choice has run
    page.get_by_label("Patient").select_option("Maria Lopez")
    expect(page.get_by_role("heading", name="Maria Lopez's phone")).to_be_visible()
    page.get_by_label("Message").fill("7")
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(re.compile(r"/simulator\?patient=\d+$"))
    thread = page.get_by_role("list", name="Texts")
    expect(thread.get_by_text("7", exact=True)).to_be_visible()
    expect(thread).to_contain_text("Thank you, your care team will see your message.")
