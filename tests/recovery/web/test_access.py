"""Who gets into which page: anonymous visitors sign in first, admin pages are for admins,
sessions end after 30 minutes without activity."""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select

from recovery.models import ApiToken, AuditEvent, Protocol, StaffUser
from recovery.runtime import Runtime, utc_now
from recovery.states import FlagKind
from recovery.web.access import SEEN_KEY, is_expired, safe_next
from tests.support.staff_client import csrf_token, post, sign_in
from tests.support.staff_fixtures import (
    ADMIN_EMAIL,
    NURSE_EMAIL,
    add_flag,
    add_user,
    enroll_patient,
)

# Every GET page, and what a nurse gets (admins get 200, or the same redirect).
PAGES = [
    ("/", 302),
    ("/flags", 200),
    ("/flags?status=acknowledged", 200),
    ("/flags?status=resolved", 200),
    ("/flags/rows", 200),
    ("/flags/{flag}", 302),
    ("/flags/{flag}/resolve", 200),
    ("/patients", 200),
    ("/patients?q=maria", 200),
    ("/patients/new", 200),
    ("/patients/import", 200),
    ("/patients/{patient}", 200),
    ("/simulator", 200),
    ("/simulator?patient={patient}", 200),
    ("/admin/protocols", 403),
    ("/admin/protocols?name=vertebroplasty", 403),
    ("/admin/users", 403),
    ("/admin/tokens", 403),
    ("/admin/audit", 403),
]

# Every staff form's target (sign-in and sign-out aside), with the records it names.
FORMS = [
    "/flags/{flag}/acknowledge",
    "/flags/{flag}/resolve",
    "/patients/new",
    "/patients/import",
    "/patients/{patient}/enrollments/{enrollment}/pause",
    "/simulator/{patient}",
    "/admin/protocols/vertebroplasty",
    "/admin/users",
    "/admin/users/1/unlock",
    "/admin/tokens",
    "/admin/tokens/1/revoke",
]
# Blueprints with their own authentication (or none by design), and the sign-in form.
OUTSIDE_STAFF = ("api.", "webhooks.", "health.", "metrics.", "static", "auth.")


@pytest.fixture
def records(runtime: Runtime) -> dict[str, int]:
    """A patient with a flag, for the pages that show one."""
    patient_id, enrollment_id = enroll_patient(runtime)
    flag_id = add_flag(runtime, enrollment_id, FlagKind.PERSISTENT_PAIN)
    return {"patient": patient_id, "enrollment": enrollment_id, "flag": flag_id}


@pytest.mark.parametrize(("page", "nurse_status"), PAGES)
def test_every_page_sends_anonymous_visitors_to_sign_in(
    client, records, page, nurse_status
) -> None:
    path = page.format(**records)
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == [path]


@pytest.mark.parametrize(("page", "nurse_status"), PAGES)
def test_nurses_get_staff_pages_and_403_on_admin_pages(
    nurse_client, records, page, nurse_status
) -> None:
    response = nurse_client.get(page.format(**records))
    assert response.status_code == nurse_status
    if nurse_status == 403:
        assert "for administrators only" in response.get_data(as_text=True)


@pytest.mark.parametrize(("page", "nurse_status"), PAGES)
def test_admins_get_every_page(admin_client, records, page, nurse_status) -> None:
    response = admin_client.get(page.format(**records))
    assert response.status_code == (302 if nurse_status == 302 else 200)


def test_nurses_cannot_post_to_admin_pages(nurse_client, runtime) -> None:
    response = post(nurse_client, "/admin/users", {"email": "x@example.org", "role": "admin"})
    assert response.status_code == 403


def test_signing_in_returns_to_the_page_asked_for(client, nurse, records) -> None:
    path = f"/patients/{records['patient']}"
    response = post(
        client, "/login", {"email": NURSE_EMAIL, "password": "correct-horse-battery", "next": path}
    )
    assert response.headers["Location"] == path


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "flags",
    ],
)
def test_next_never_leads_off_the_site(client, nurse, target) -> None:
    response = post(
        client,
        "/login",
        {"email": NURSE_EMAIL, "password": "correct-horse-battery", "next": target},
    )
    assert response.headers["Location"] == "/flags"


def test_safe_next_keeps_paths_with_queries() -> None:
    assert safe_next("/flags?status=resolved", "/") == "/flags?status=resolved"
    assert safe_next("/x\r\nSet-Cookie: a=b", "/") == "/"


def test_a_session_idle_for_30_minutes_ends(nurse_client) -> None:
    assert nurse_client.get("/flags").status_code == 200
    with nurse_client.session_transaction() as session:
        session[SEEN_KEY] = time.time() - 31 * 60
    response = nurse_client.get("/flags")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    page = nurse_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "30 minutes without activity" in page
    assert nurse_client.get("/flags").status_code == 302


def test_activity_keeps_the_session_but_auto_refresh_does_not(nurse_client) -> None:
    with nurse_client.session_transaction() as session:
        session[SEEN_KEY] = time.time() - 29 * 60
    assert nurse_client.get("/flags/rows").status_code == 200
    with nurse_client.session_transaction() as session:
        assert session[SEEN_KEY] < time.time() - 28 * 60
    assert nurse_client.get("/flags").status_code == 200
    with nurse_client.session_transaction() as session:
        assert session[SEEN_KEY] > time.time() - 60


def test_is_expired_after_30_minutes() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert not is_expired(now.timestamp() - 30 * 60, now)
    assert is_expired(now.timestamp() - 30 * 60 - 1, now)
    assert is_expired(None, now)


def test_a_deactivated_user_is_out_at_the_next_request(runtime, client, admin) -> None:
    nurse_id = add_user(runtime, "other@example.org", "nurse")
    assert sign_in(client, "other@example.org").status_code == 302
    admin_client = client.application.test_client()
    sign_in(admin_client, ADMIN_EMAIL)
    assert post(admin_client, f"/admin/users/{nurse_id}/deactivate").status_code == 302
    assert client.get("/flags").status_code == 302


def _endpoints(app: Flask, paths: list[str], method: str) -> set[str]:
    adapter = app.url_map.bind("localhost")
    return {adapter.match(urlsplit(path).path, method=method)[0] for path in paths}


def _staff_endpoints(app: Flask, method: str) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if method in (rule.methods or ()) and not rule.endpoint.startswith(OUTSIDE_STAFF)
    }


def test_the_walk_covers_every_staff_page_and_form(app: Flask) -> None:
    sample = {"flag": 1, "patient": 1, "enrollment": 1}
    assert _endpoints(app, [p.format(**sample) for p, _ in PAGES], "GET") == _staff_endpoints(
        app, "GET"
    )
    assert _endpoints(app, [p.format(**sample) for p in FORMS], "POST") == _staff_endpoints(
        app, "POST"
    )


@pytest.mark.parametrize("form", FORMS)
def test_every_staff_form_sends_anonymous_visitors_to_sign_in(client, records, form) -> None:
    token = csrf_token(client, "/login")
    response = client.post(form.format(**records), data={"csrf_token": token, "note": "x"})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


ADMIN_FORMS = [form for form in FORMS if form.startswith("/admin/")]


def _admin_state(runtime: Runtime) -> list[object]:
    """Everything an admin form could change."""
    with runtime.sessions() as session:
        users = session.scalars(select(StaffUser).order_by(StaffUser.id)).all()
        tokens = session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
        protocols = session.scalars(select(Protocol).order_by(Protocol.id)).all()
        return [
            [(u.email, u.role, u.is_active, u.locked_until) for u in users],
            [(t.name, t.revoked_at) for t in tokens],
            [(p.name, p.version) for p in protocols],
            session.scalar(select(func.count()).select_from(AuditEvent)),
        ]


@pytest.mark.parametrize("form", ADMIN_FORMS)
def test_a_nurse_posting_to_any_admin_form_gets_403_and_nothing_changes(
    nurse_client, runtime, api_token, nurse, form
) -> None:
    with runtime.transaction() as session:
        session.get(StaffUser, nurse).locked_until = utc_now() + timedelta(minutes=5)
    before = _admin_state(runtime)
    data = {"email": "x@example.org", "role": "admin", "password": "long-enough-password"}
    response = post(nurse_client, form, {**data, "name": "Stolen"})
    assert response.status_code == 403
    assert "for administrators only" in response.get_data(as_text=True)
    assert _admin_state(runtime) == before


@pytest.mark.parametrize("form", [*FORMS, "/logout"])
def test_every_staff_form_without_a_csrf_token_is_refused(nurse_client, records, form) -> None:
    response = nurse_client.post(form.format(**records), data={"note": "x", "name": "x"})
    assert response.status_code == 400
    assert nurse_client.get("/flags").status_code == 200  # still signed in


@pytest.mark.parametrize(
    "target",
    [
        "///evil.example/",
        "/\t/evil.example",
        "/\n/evil.example",
        "\\\\evil.example",
        "https:evil.example",
        " //evil.example",
        "/\\/evil.example",
    ],
)
def test_next_with_browser_quirks_never_leads_off_the_site(client, nurse, target) -> None:
    data = {"email": NURSE_EMAIL, "password": "correct-horse-battery", "next": target}
    response = post(client, "/login", data)
    assert response.headers["Location"] == "/flags"
    assert client.get("/login", query_string={"next": target}).headers["Location"] == "/flags"
