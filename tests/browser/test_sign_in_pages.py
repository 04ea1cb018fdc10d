"""Signing in, in Chromium: anonymous visitors are sent to the form, refusals say little."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from recovery.runtime import Runtime, utc_now
from tests.support.staff_fixtures import ADMIN_EMAIL, NURSE_EMAIL, PASSWORD, beat

pytestmark = pytest.mark.browser


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(page: Page, nurse: int) -> None:
    page.goto("/patients")
    expect(page).to_have_url(re.compile(r"/login\?next=(%2F|/)patients$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(NURSE_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()


def test_a_wrong_password_is_refused_without_saying_more(page: Page, nurse: int) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(NURSE_EMAIL)
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password.")
    expect(page.get_by_label("Email")).to_have_value(NURSE_EMAIL)
    expect(page.get_by_label("Password")).to_have_value("")
    page.goto("/flags")
    expect(page).to_have_url(re.compile(r"/login"))


def test_a_nurse_gets_403_on_admin_pages(page: Page, nurse: int, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    for path in ("/admin/protocols", "/admin/users", "/admin/tokens", "/admin/audit"):
        response = page.goto(path)
        assert response is not None and response.status == 403
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_signing_out_ends_the_session(page: Page, admin: int, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, ADMIN_EMAIL)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto("/admin/users")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_every_staff_page_warns_when_the_scheduler_is_not_running(
    page: Page, nurse: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    for path in ("/flags", "/patients", "/simulator"):
        page.goto(path)
        expect(page.get_by_role("alert")).to_have_text(
            "Check-ins are not being sent: the scheduler has not run yet"
        )


def _try(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_five_wrong_passwords_lock_the_account_and_say_nothing_more(page: Page, nurse: int) -> None:
    page.goto("/login")
    for _ in range(5):
        _try(page, NURSE_EMAIL, "not-my-password")
        expect(page.get_by_role("alert")).to_contain_text("Wrong email or password.")
    _try(page, NURSE_EMAIL, PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password.")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    _try(page, "nobody@example.org", PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password.")


def test_a_form_with_a_stale_csrf_token_is_refused(page: Page, nurse: int, sign_in) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, NURSE_EMAIL)
    page.goto("/patients/new")
    page.locator("main input[name=csrf_token]").evaluate("field => { field.value = 'stale'; }")
    page.get_by_label("Name").fill("Maria Lopez")
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_role("heading", name="The form could not be accepted")).to_be_visible()
    page.goto("/patients")
    expect(page.get_by_role("link", name="Maria Lopez")).to_have_count(0)


def test_the_banner_says_how_long_ago_the_scheduler_last_ran(
    page: Page, runtime: Runtime, admin: int, sign_in
) -> None:  # type: ignore[no-untyped-def]
    beat(runtime, utc_now() - timedelta(minutes=12, seconds=5))
    sign_in(page, ADMIN_EMAIL)
    for path in ("/flags", "/patients", "/patients/new", "/admin/protocols", "/admin/audit"):
        page.goto(path)
        expect(page.get_by_role("alert")).to_have_text(
            "Check-ins are not being sent: the scheduler last ran 12 minutes ago"
        )
    beat(runtime)
    page.goto("/flags")
    expect(page.get_by_role("alert")).to_have_count(0)
