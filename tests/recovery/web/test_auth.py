"""Signing in and out: one refusal for every failure, lockout, audit without passwords."""

from __future__ import annotations

from sqlalchemy import select

from recovery.models import AuditEvent, StaffUser
from recovery.runtime import utc_now
from tests.support.staff_client import csrf_token, post, sign_in, text
from tests.support.staff_fixtures import NURSE_EMAIL, PASSWORD

REFUSAL = "Wrong email or password."


def _events(runtime, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list(session.scalars(query))


def test_the_login_page_has_email_password_and_sign_in(client) -> None:
    page = text(client.get("/login"))
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page
    assert '<button type="submit">Sign in</button>' in page


def test_signing_in_opens_the_worklist_and_is_audited(client, runtime, nurse) -> None:
    response = sign_in(client, NURSE_EMAIL)
    assert response.status_code == 302
    assert response.headers["Location"] == "/flags"
    assert "<h1>Flags</h1>" in text(client.get("/flags"))
    [event] = _events(runtime, "auth.sign_in")
    assert event.actor == f"user:{nurse}:{NURSE_EMAIL}"
    assert event.record_id == nurse


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, runtime, nurse) -> None:
    wrong_password = sign_in(client, NURSE_EMAIL, "not-the-password")
    unknown_email = sign_in(client, "nobody@example.org", "not-the-password")
    for response, email in ((wrong_password, NURSE_EMAIL), (unknown_email, "nobody@example.org")):
        page = text(response)
        assert response.status_code == 200
        assert REFUSAL in page
        assert f'value="{email}"' in page  # the typed email is kept
    assert text(wrong_password).replace(NURSE_EMAIL, "X") == text(unknown_email).replace(
        "nobody@example.org", "X"
    ).replace(_token(unknown_email), _token(wrong_password))
    assert client.get("/flags").status_code == 302


def _token(response) -> str:  # type: ignore[no-untyped-def]
    page = text(response)
    start = page.index('name="csrf_token" value="') + len('name="csrf_token" value="')
    return page[start : page.index('"', start)]


def test_failed_sign_ins_are_audited_without_the_password(client, runtime, nurse) -> None:
    sign_in(client, NURSE_EMAIL, "hunter2-secret")
    sign_in(client, "nobody@example.org", "hunter2-secret")
    events = _events(runtime, "auth.sign_in_failed")
    assert [(e.record_id, e.detail["email"]) for e in events] == [
        (nurse, NURSE_EMAIL),
        (None, "nobody@example.org"),
    ]
    assert all("hunter2" not in str(e.detail) for e in events)


def test_five_wrong_passwords_lock_the_account(client, runtime, nurse) -> None:
    for _ in range(5):
        assert REFUSAL in text(sign_in(client, NURSE_EMAIL, "wrong-password"))
    response = sign_in(client, NURSE_EMAIL, PASSWORD)
    assert REFUSAL in text(response)
    assert client.get("/flags").status_code == 302
    with runtime.sessions() as session:
        user = session.get(StaffUser, nurse)
        assert user.locked_until is not None and user.locked_until > utc_now()
    assert _events(runtime, "auth.sign_in_failed")[-1].detail["locked"] is True


def test_a_lock_ends_after_its_time(client, runtime, nurse) -> None:
    for _ in range(5):
        sign_in(client, NURSE_EMAIL, "wrong-password")
    with runtime.transaction() as session:
        user = session.get(StaffUser, nurse)
        user.locked_until = utc_now()
    assert sign_in(client, NURSE_EMAIL).status_code == 302


def test_a_deactivated_account_cannot_sign_in(client, runtime, nurse) -> None:
    with runtime.transaction() as session:
        session.get(StaffUser, nurse).is_active = False
    assert REFUSAL in text(sign_in(client, NURSE_EMAIL))


def test_signing_out_ends_the_session(nurse_client, runtime, nurse) -> None:
    response = post(nurse_client, "/logout")
    assert response.headers["Location"] == "/login"
    assert "You are signed out." in text(nurse_client.get("/login"))
    assert nurse_client.get("/flags").status_code == 302
    assert len(_events(runtime, "auth.sign_out")) == 1


def test_the_login_page_sends_signed_in_users_on(nurse_client) -> None:
    assert nurse_client.get("/login").headers["Location"] == "/flags"
    assert nurse_client.get("/login?next=/patients").headers["Location"] == "/patients"


def test_a_lockout_is_audited_with_the_email_and_never_the_password(client, runtime, nurse) -> None:
    for _ in range(5):
        sign_in(client, NURSE_EMAIL, "hunter2-wrong-password")
    [lockout] = _events(runtime, "auth.lockout")
    assert lockout.record_id == nurse
    assert lockout.detail["email"] == NURSE_EMAIL
    assert "hunter2" not in str(lockout.detail) + lockout.actor


def test_signing_in_renews_the_session(client, nurse) -> None:
    token_before = csrf_token(client)
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    sign_in(client, NURSE_EMAIL)
    with client.session_transaction() as after:
        assert "planted" not in after
    form = {"email": NURSE_EMAIL, "password": PASSWORD, "csrf_token": token_before}
    assert client.post("/login", data=form).status_code == 400


def test_signing_out_clears_the_whole_session(nurse_client) -> None:
    with nurse_client.session_transaction() as before:
        before["planted"] = "kept?"
    post(nurse_client, "/logout")
    with nurse_client.session_transaction() as after:
        assert "user_id" not in after and "planted" not in after


def test_signing_out_needs_the_forms_csrf_token(nurse_client) -> None:
    assert nurse_client.post("/logout").status_code == 400
    assert nurse_client.get("/flags").status_code == 200


def test_a_copy_of_the_session_cookie_stops_working_at_sign_out(app, nurse_client) -> None:
    cookie = nurse_client.get_cookie("session")
    assert cookie is not None
    post(nurse_client, "/logout")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    response = thief.get("/flags")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
