"""The administrators' pages in Chromium: protocols (live segment counts, an edit that moves
the next check-in), the audit log with a nurse's actions, users, tokens, patients."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from recovery.models import CheckIn
from recovery.protocols.definitions import Step, Window
from recovery.protocols.schedule import plan_due_at
from recovery.runtime import Runtime, utc_now
from recovery.states import FlagKind
from recovery.web.vocabulary import local_time
from tests.browser.widths import assert_fits
from tests.support.staff_fixtures import ADMIN_EMAIL, NURSE_EMAIL, add_flag, answer, enroll_patient

pytestmark = pytest.mark.browser
LOS_ANGELES = "America/Los_Angeles"


def test_an_admin_reaches_every_admin_page(
    page: Page, runtime: Runtime, admin: int, nurse: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    enroll_patient(runtime)
    sign_in(page, ADMIN_EMAIL)
    page.get_by_role("link", name="Protocols").click()
    expect(page.get_by_role("heading", name="Protocols")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    expect(page.get_by_label("Step 1 offset in hours")).to_have_value("24")
    expect(page.get_by_label("Check-in (Spanish)")).to_contain_text("Responda con UN número")

    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("table", name="Staff accounts")).to_contain_text(NURSE_EMAIL)

    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("EHR interface")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("New token").input_value()
    assert token.startswith("rc_")
    expect(page.get_by_role("table", name="API tokens")).to_contain_text(token[:10])
    page.get_by_role("link", name="API tokens").click()  # the token is never shown again
    expect(page.get_by_role("table", name="API tokens")).to_contain_text("EHR interface")
    expect(page.get_by_label("New token")).to_have_count(0)

    page.get_by_role("link", name="Patients").click()
    expect(page.get_by_role("link", name="Maria Lopez")).to_be_visible()


def test_the_audit_log_shows_what_the_nurse_did(
    browser: Browser,
    page: Page,
    live_server,
    runtime: Runtime,
    admin: int,
    nurse: int,
    sign_in,  # type: ignore[no-untyped-def]
) -> None:
    patient_id, enrollment_id = enroll_patient(runtime)
    add_flag(runtime, enrollment_id, FlagKind.SEVERE_PAIN)
    nurse_context = browser.new_context(base_url=live_server.url)
    try:
        nurse_page = nurse_context.new_page()
        sign_in(nurse_page, NURSE_EMAIL)
        nurse_page.get_by_role("button", name="Acknowledge").click()
        expect(nurse_page.get_by_text("Acknowledged: Severe pain")).to_be_visible()
        nurse_page.goto(f"/patients/{patient_id}")
    finally:
        nurse_context.close()

    sign_in(page, ADMIN_EMAIL)
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Actor").fill(NURSE_EMAIL)
    page.get_by_role("button", name="Filter").click()
    events = page.get_by_role("table", name="Audit events")
    expect(events.get_by_role("row")).to_have_count(4)  # header, view, acknowledge, sign-in
    expect(events.get_by_role("row").nth(1)).to_contain_text("patient.view")
    expect(events.get_by_role("row").nth(2)).to_contain_text("flag.acknowledge")
    expect(events.get_by_role("row").nth(3)).to_contain_text("auth.sign_in")
    page.get_by_label("Action").select_option("flag.acknowledge")
    page.get_by_role("button", name="Filter").click()
    expect(events.get_by_role("row")).to_have_count(2)


def test_a_protocol_edit_moves_the_next_check_in(
    page: Page, runtime: Runtime, admin: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    performed = utc_now() - timedelta(hours=2)
    patient_id, _ = enroll_patient(runtime, performed_at=performed)
    zone = ZoneInfo(LOS_ANGELES)
    window = Window(
        datetime.strptime("09:00", "%H:%M").time(), datetime.strptime("20:00", "%H:%M").time()
    )
    before = local_time(plan_due_at(performed, Step("24h", 24), zone, window), LOS_ANGELES)
    after = local_time(plan_due_at(performed, Step("24h", 36), zone, window), LOS_ANGELES)
    sign_in(page, ADMIN_EMAIL)
    page.goto(f"/patients/{patient_id}")
    checkins = page.get_by_role("table", name="Check-ins")
    expect(checkins.get_by_role("row").filter(has_text="scheduled").first).to_contain_text(before)

    page.get_by_role("link", name="Protocols").click()
    page.get_by_label("Step 1 offset in hours").fill("36")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Saved vertebroplasty version 2; 1 active enrollment(s) re-planned.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="vertebroplasty (version 2)")).to_be_visible()

    page.goto(f"/patients/{patient_id}")
    expect(checkins.get_by_role("row").filter(has_text="scheduled").first).to_contain_text(after)
    # The moved check-in is the same row: nothing is cancelled and planned again.
    expect(checkins.get_by_role("row").filter(has_text="protocol changed")).to_have_count(0)
    expect(page.get_by_text("vertebroplasty, version 2")).to_be_visible()
    with runtime.sessions() as session:
        offsets = session.scalars(select(CheckIn.offset_hours).where(CheckIn.status == "scheduled"))
        assert sorted(offsets) == [36, 48]


def test_protocol_errors_are_shown_by_their_fields(page: Page, admin: int, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, ADMIN_EMAIL)
    page.goto("/admin/protocols")
    page.get_by_label("Step 2 offset in hours").fill("-4")
    page.get_by_label("Help (English)").fill("Call us {at once")
    page.get_by_label("Delivery window opens").fill("07:00")
    page.get_by_label("Latest lateness (hours)").fill("72")
    page.get_by_label("Welcome (English)").fill("Hi {first_name}, we will text you.")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Nothing was saved: please correct the fields marked below.")
    ).to_be_visible()
    expect(page.get_by_text("must be a number of hours above 0")).to_be_visible()
    expect(page.get_by_text("has a { or } that does not close")).to_be_visible()
    expect(page.get_by_label("Step 2 offset in hours")).to_have_value("-4")
    expect(page.get_by_label("Help (English)")).to_have_value("Call us {at once")
    expect(page.get_by_text("must lie within 08:00-21:00")).to_be_visible()
    expect(page.get_by_label("Delivery window opens")).to_have_value("07:00")
    expect(page.get_by_label("Latest lateness (hours)")).to_have_value("72")
    expect(page.get_by_text("must be between 1 and 48 hours")).to_be_visible()
    expect(page.get_by_text("must tell how to opt out and get help")).to_be_visible()
    expect(page.get_by_label("Welcome (English)")).to_have_value(
        "Hi {first_name}, we will text you."
    )


def test_segment_counts_follow_the_text_as_it_is_typed(page: Page, admin: int, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, ADMIN_EMAIL)
    page.goto("/admin/protocols")
    field = page.locator("[data-text-field]").filter(has=page.get_by_label("Help (English)"))
    count = field.locator(".segments")
    page.get_by_label("Help (English)").fill("Hi {first_name}, call {clinic_name}.")
    expect(count).to_have_text("GSM-7, 1 segment")
    expect(field.locator("[data-preview]")).to_have_text("Hi Maria, call Valley Spine Clinic.")
    page.get_by_label("Help (English)").fill("x" * 161)
    expect(count).to_have_text("GSM-7, 2 segments")
    page.get_by_label("Help (English)").fill("¿Cómo está? " * 6)
    expect(count).to_have_text("UCS-2, 2 segments")
    page.get_by_label("Help (English)").fill("[" * 81)  # extended characters count twice: 162 units
    expect(count).to_have_text("GSM-7, 2 segments")


def test_add_step_adds_a_row(page: Page, admin: int, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, ADMIN_EMAIL)
    page.goto("/admin/protocols")
    page.get_by_role("button", name="Add step").click()
    expect(page.get_by_label("Step 4 label")).to_be_focused()
    page.get_by_label("Step 4 label").fill("7d")
    page.get_by_label("Step 4 offset in hours").fill("168")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved vertebroplasty version 2")).to_be_visible()
    expect(page.get_by_label("Step 3 label")).to_have_value("7d")


SAMPLES = [
    "",
    "a" * 160,
    "a" * 161,
    "€" * 80,
    "€" * 81,
    "é" * 160,
    "á" * 70,
    "á" * 71,
    "😀" * 35,
    "😀" * 36,
    "Línea\nnueva " * 12,
    "Hi {first_name} {{literal}}",
    "Broken {brace",
    "Unknown {placeholder}",
]


def test_the_page_counts_segments_as_the_server_does(page: Page, admin: int, sign_in) -> None:  # type: ignore[no-untyped-def]
    from recovery.protocols.segments import encoding, segment_count
    from recovery.web.protocol_form import fill

    sample = {
        "first_name": "Maria",
        "clinic_name": "Valley Spine Clinic",
        "clinic_phone": "+15625550100",
        "initials": "M.L.",
        "flag_url": "http://testserver/flags/123",
    }
    sign_in(page, ADMIN_EMAIL)
    page.goto("/admin/protocols")
    textarea = page.get_by_label("Welcome (Spanish)")
    field = page.locator("[data-text-field]").filter(has=textarea)
    for wording in SAMPLES:
        textarea.fill(wording)
        sent = fill(wording.strip(), sample)
        count = segment_count(sent)
        word = "segment" if count == 1 else "segments"
        expect(field.locator(".segments")).to_have_text(f"{encoding(sent)}, {count} {word}")
        expect(field.locator("[data-preview]")).to_have_text(sent)


def test_the_admin_pages_read_at_768_pixels(
    page: Page, runtime: Runtime, admin: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    enroll_patient(runtime)
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, ADMIN_EMAIL)
    for path in ("/admin/protocols", "/admin/users", "/admin/tokens", "/admin/audit"):
        page.goto(path)
        assert_fits(page, 768)


def test_renaming_an_answered_step_asks_nothing_again(
    page: Page, runtime: Runtime, admin: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    patient_id, enrollment_id = enroll_patient(
        runtime, performed_at=utc_now() - timedelta(hours=26)
    )
    answer(runtime, enrollment_id, "24h", pain=4, activity=3)
    sign_in(page, ADMIN_EMAIL)
    page.get_by_role("link", name="Protocols").click()
    page.get_by_label("Step 1 label").fill("Day 1")
    page.get_by_label("Step 1 offset in hours").fill("30")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Saved vertebroplasty version 2; 1 active enrollment(s) re-planned.")
    ).to_be_visible()
    expect(page.get_by_label("Step 1 label")).to_have_value("Day 1")

    page.goto(f"/patients/{patient_id}")
    checkins = page.get_by_role("table", name="Check-ins")
    expect(checkins.get_by_role("row")).to_have_count(3)  # header, 24h answered, 48h
    expect(checkins.get_by_role("row").nth(1)).to_contain_text("24h")
    expect(checkins.get_by_role("row").nth(2)).to_contain_text("48h")
    expect(checkins.get_by_role("row").filter(has_text="Day 1")).to_have_count(0)
    with runtime.sessions() as session:
        keys = session.scalars(select(CheckIn.step_key).order_by(CheckIn.id)).all()
    assert keys == ["24h", "48h"]
