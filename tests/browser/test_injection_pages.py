"""Markup and SQL typed by staff or texted by patients are stored as typed and shown inert on
every page: no script runs, no dialog opens, the text reads literally."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import func, select

from recovery.models import Patient
from recovery.runtime import Runtime, utc_now
from recovery.states import FlagKind
from tests.support.staff_fixtures import ADMIN_EMAIL, add_flag

pytestmark = pytest.mark.browser

IMG_NAME = "<img src=x onerror=alert(1)>"
SQL_NAME = "Robert'); DROP TABLE patients;--"
IMG_MRN = '"><script>alert(2)</script>'
SQL_MRN = "' OR '1'='1"
REPLY = "<script>alert(3)</script> it's <b>bad</b>"


def _enroll(page: Page, name: str, phone: str, mrn: str) -> None:
    performed = (utc_now() - timedelta(hours=20)).astimezone(ZoneInfo("America/Los_Angeles"))
    page.goto("/patients/new")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Mobile phone").fill(phone)
    page.get_by_label("Procedure time").fill(performed.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Baseline pain").fill("8")
    page.get_by_label("MRN").fill(mrn)
    page.get_by_label("Patient agreed to receive texts").check()
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def test_markup_and_sql_in_names_mrns_notes_and_texts_stay_inert(
    page: Page, runtime: Runtime, admin: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    sign_in(page, ADMIN_EMAIL)
    _enroll(page, IMG_NAME, "(562) 555-0123", IMG_MRN)
    expect(page.get_by_text(IMG_MRN, exact=True)).to_be_visible()
    _enroll(page, SQL_NAME, "(562) 555-0124", SQL_MRN)
    expect(page.get_by_text(SQL_MRN, exact=True)).to_be_visible()

    page.goto("/patients")
    for name in (IMG_NAME, SQL_NAME):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    page.get_by_label("Search").fill(SQL_NAME)
    page.get_by_label("Search").press("Enter")
    expect(page.get_by_role("link", name=SQL_NAME)).to_be_visible()
    expect(page.get_by_role("link", name=IMG_NAME)).to_have_count(0)

    page.goto("/simulator")
    page.get_by_label("Patient").select_option(IMG_NAME)
    page.get_by_label("Message").fill(REPLY)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("list", name="Texts").get_by_text(REPLY)).to_be_visible()

    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name=IMG_NAME).click()
    expect(page.get_by_role("heading", name=IMG_NAME, level=1)).to_be_visible()
    expect(page.get_by_text(REPLY).first).to_be_visible()

    with runtime.sessions() as session:
        patient = session.scalars(select(Patient).where(Patient.name == SQL_NAME)).one()
        enrollment_id = patient.enrollments[0].id
    add_flag(runtime, enrollment_id, FlagKind.SEVERE_PAIN, reason=f"Said {REPLY}")
    page.goto("/flags")
    expect(page.get_by_role("link", name=SQL_NAME)).to_be_visible()
    expect(page.get_by_text(f"Said {REPLY}")).to_be_visible()

    page.goto(f"/admin/audit?actor={IMG_NAME}")
    expect(page.get_by_label("Actor")).to_have_value(IMG_NAME)
    expect(page.get_by_text("No events match.")).to_be_visible()
    page.goto("/admin/audit")
    expect(page.get_by_role("table", name="Audit events")).to_contain_text("patient.view")

    assert dialogs == []
    assert page.locator("img[src=x]").count() == 0
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 2
