"""Staff accounts and API tokens, administered from the web; every change audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from recovery.models import ApiToken, AuditEvent, StaffUser
from recovery.runtime import utc_now
from tests.support.staff_client import post, sign_in, text
from tests.support.staff_fixtures import PASSWORD, add_user


def _actions(runtime) -> list[str]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        query = select(AuditEvent.action).where(AuditEvent.actor.like("user:%"))
        return list(session.scalars(query.order_by(AuditEvent.id)))


def _user(runtime, email: str) -> StaffUser:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        return user


def test_an_admin_creates_a_nurse_who_can_then_sign_in(admin_client, client, runtime, app) -> None:
    form = {"email": "New.Nurse@example.org", "role": "nurse", "password": PASSWORD}
    response = post(admin_client, "/admin/users", form)
    assert response.status_code == 302
    assert "new.nurse@example.org" in text(admin_client.get("/admin/users"))
    assert _user(runtime, "new.nurse@example.org").role.value == "nurse"
    assert sign_in(app.test_client(), "new.nurse@example.org").status_code == 302
    assert "user.create" in _actions(runtime)


def test_a_refused_account_says_why_and_keeps_the_email(admin_client) -> None:
    form = {"email": "short@example.org", "role": "nurse", "password": "short"}
    response = post(admin_client, "/admin/users", form)
    assert response.status_code == 400
    page = text(response)
    assert "Not created: the password must be at least 12 characters." in page
    assert 'value="short@example.org"' in page


def test_deactivate_reactivate_and_unlock(admin_client, runtime) -> None:
    nurse_id = add_user(runtime, "nurse2@example.org", "nurse")
    with runtime.transaction() as session:
        session.get(StaffUser, nurse_id).locked_until = utc_now().replace(year=2100)
    page = text(admin_client.get("/admin/users"))
    assert "locked until" in page and 'aria-label="Unlock nurse2@example.org"' in page
    post(admin_client, f"/admin/users/{nurse_id}/unlock")
    assert _user(runtime, "nurse2@example.org").locked_until is None
    post(admin_client, f"/admin/users/{nurse_id}/deactivate")
    assert _user(runtime, "nurse2@example.org").is_active is False
    assert "deactivated" in text(admin_client.get("/admin/users"))
    post(admin_client, f"/admin/users/{nurse_id}/reactivate")
    assert _user(runtime, "nurse2@example.org").is_active is True
    assert _actions(runtime)[-3:] == ["user.unlock", "user.deactivate", "user.reactivate"]


def test_the_last_admin_cannot_be_deactivated(admin_client, runtime, admin) -> None:
    response = post(admin_client, f"/admin/users/{admin}/deactivate", follow_redirects=True)
    assert "the last active administrator cannot be deactivated" in text(response)
    assert _user(runtime, "admin@example.org").is_active is True
    assert post(admin_client, f"/admin/users/{admin}/promote").status_code == 404


def test_a_new_token_is_shown_once_and_works(admin_client, client, runtime) -> None:
    response = post(admin_client, "/admin/tokens", {"name": "EHR interface"})
    page = text(response)
    token = re.search(r'id="new-token" readonly value="(rc_[^"]+)"', page)[1]
    assert token not in text(admin_client.get("/admin/tokens"))
    assert token[:10] in text(admin_client.get("/admin/tokens"))  # its prefix stays listed
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/flags", headers=headers).status_code == 200
    assert "never" not in text(admin_client.get("/admin/tokens"))  # last used is shown


def test_a_revoked_token_stops_working(admin_client, client, runtime) -> None:
    page = text(post(admin_client, "/admin/tokens", {"name": "Old interface"}))
    token = re.search(r'value="(rc_[^"]+)"', page)[1]
    with runtime.sessions() as session:
        token_id = session.scalars(select(ApiToken.id)).one()
    post(admin_client, f"/admin/tokens/{token_id}/revoke")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/flags", headers=headers).status_code == 401
    assert _actions(runtime)[-2:] == ["token.create", "token.revoke"]


def test_a_token_needs_a_name(admin_client) -> None:
    response = post(admin_client, "/admin/tokens", {"name": "  "})
    assert response.status_code == 400
    assert "Not created: a token needs a name" in text(response)
