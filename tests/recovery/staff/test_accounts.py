"""Staff accounts: password rules, and sign-in checks that give nothing away by their timing."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from recovery.models import StaffUser
from recovery.runtime import Runtime, utc_now
from recovery.staff.accounts import AccountError, create_user, verify_sign_in

PASSWORD = "correct-horse-battery"


@pytest.mark.parametrize(
    ("password", "words"),
    [
        ("", "at least 12 characters"),
        ("elevenchars", "at least 12 characters"),
        ("x" * 129, "at most 128 characters"),
        (" " * 14, "not be only spaces"),
        ("nurse@example.org!", "not contain the email"),
    ],
)
def test_a_weak_password_is_refused_with_a_clear_reason(runtime: Runtime, password, words) -> None:
    with runtime.transaction() as session, pytest.raises(AccountError, match=words):
        create_user(session, "nurse@example.org", "nurse", password, actor="t", now=utc_now())


def test_a_twelve_character_password_is_enough(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        create_user(session, "a@example.org", "nurse", "twelve-chars", actor="t", now=utc_now())


def _slowest_of_fastest(runtime: Runtime, email: str) -> float:
    """The quickest of three refused sign-ins for an email (the least noisy measure)."""
    times = []
    for _ in range(3):
        with runtime.transaction() as session:
            started = time.perf_counter()
            assert verify_sign_in(session, email, "wrong-password", now=utc_now()) is None
            times.append(time.perf_counter() - started)
    return min(times)


def test_a_locked_account_takes_as_long_to_refuse_as_an_unknown_email(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        user = create_user(session, "n@example.org", "nurse", PASSWORD, actor="t", now=utc_now())
        user.locked_until = utc_now() + timedelta(minutes=10)
    unknown = _slowest_of_fastest(runtime, "nobody@example.org")
    locked = _slowest_of_fastest(runtime, "n@example.org")
    # A password hash takes tens of milliseconds; skipping it would take well under one.
    assert locked > unknown / 3


def test_a_locked_account_refuses_even_the_right_password(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        user = create_user(session, "n@example.org", "nurse", PASSWORD, actor="t", now=utc_now())
        user.locked_until = utc_now() + timedelta(minutes=10)
    with runtime.transaction() as session:
        assert verify_sign_in(session, "n@example.org", PASSWORD, now=utc_now()) is None
        assert session.get(StaffUser, user.id).locked_until is not None
