"""Security promises of the staff pages: CSRF tokens, headers, cookies, no inline code."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config.settings import Settings
from recovery import create_app
from recovery.models import AuditEvent, Enrollment, Flag, StaffUser
from recovery.states import EnrollmentStatus, FlagKind, FlagStatus
from recovery.web.security import CONTENT_SECURITY_POLICY
from tests.support.staff_client import csrf_token, sign_in, text
from tests.support.staff_fixtures import NURSE_EMAIL, PASSWORD, add_flag, enroll_patient

TEMPLATES = Path(__file__).resolve().parents[3] / "recovery" / "templates"


def test_csrf_protection_is_on_in_this_app(app) -> None:
    assert app.config.get("WTF_CSRF_ENABLED", True) is True
    assert "csrf" in app.extensions


def test_a_sign_in_without_a_token_is_refused(client, nurse) -> None:
    response = client.post("/login", data={"email": NURSE_EMAIL, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/flags").status_code == 302


def test_a_flag_change_without_a_token_is_refused_and_changes_nothing(
    nurse_client, runtime
) -> None:
    _, enrollment_id = enroll_patient(runtime)
    flag_id = add_flag(runtime, enrollment_id, FlagKind.SEVERE_PAIN)
    response = nurse_client.post(f"/flags/{flag_id}/resolve", data={"note": "called"})
    assert response.status_code == 400
    assert "form could not be accepted" in text(response)
    with runtime.sessions() as session:
        assert session.get(Flag, flag_id).status == FlagStatus.OPEN
        assert session.scalar(select(func.count()).where(AuditEvent.record_type == "flag")) == 0


def test_a_withdrawal_with_a_wrong_token_is_refused(nurse_client, runtime) -> None:
    patient_id, enrollment_id = enroll_patient(runtime)
    path = f"/patients/{patient_id}/enrollments/{enrollment_id}/withdraw"
    response = nurse_client.post(path, data={"csrf_token": "forged"})
    assert response.status_code == 400
    with runtime.sessions() as session:
        assert session.get(Enrollment, enrollment_id).status == EnrollmentStatus.ACTIVE


def test_an_admin_change_without_a_token_is_refused(admin_client, runtime) -> None:
    form = {"email": "new@example.org", "role": "admin", "password": PASSWORD}
    assert admin_client.post("/admin/users", data=form).status_code == 400
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StaffUser)) == 1


def test_a_token_from_another_session_is_refused(client, app, nurse) -> None:
    other = app.test_client()
    token = csrf_token(other)
    form = {"email": NURSE_EMAIL, "password": PASSWORD, "csrf_token": token}
    assert client.post("/login", data=form).status_code == 400


def test_the_api_and_webhooks_take_no_csrf_token(client, auth) -> None:
    assert client.get("/api/v1/flags", headers=auth).status_code == 200
    response = client.post("/api/v1/enrollments", json={}, headers=auth)
    assert response.status_code == 400
    assert "error" in response.get_json()  # the API's own answer, not a CSRF refusal
    assert client.post("/webhooks/twilio/status", data={}).status_code != 400


@pytest.mark.parametrize("path", ["/login", "/flags", "/healthz", "/api/v1/openapi.json"])
def test_every_response_carries_the_security_headers(nurse_client, path) -> None:
    headers = nurse_client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_staff_pages_are_never_cached_but_static_files_may_be(nurse_client) -> None:
    assert nurse_client.get("/flags").headers["Cache-Control"] == "no-store"
    assert nurse_client.get("/login").headers["Cache-Control"] == "no-store"
    with nurse_client.get("/static/staff.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_the_session_cookie_is_http_only_and_same_site_lax(client, nurse) -> None:
    response = sign_in(client, NURSE_EMAIL)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over http in this test


def test_the_session_cookie_is_secure_behind_https(settings: Settings) -> None:
    app = create_app(replace(settings, public_base_url="https://checkin.example.org"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 30 * 60
    app.extensions["recovery"].engine.dispose()


def test_templates_have_no_inline_scripts_styles_or_outside_urls() -> None:
    for template in TEMPLATES.glob("*.html"):
        source = template.read_text("utf-8")
        assert not re.search(r"<script(?![^>]*\ssrc=)", source), template.name
        assert "<style" not in source and " style=" not in source, template.name
        assert not re.search(r"\son[a-z]+=", source), template.name
        assert "http://" not in source and "https://" not in source, template.name


def _assert_security_headers(response) -> None:  # type: ignore[no-untyped-def]
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, response.status
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/flags", 302),  # to sign in
        ("GET", "/no-such-page", 404),
        ("POST", "/login", 400),  # no CSRF token
        ("DELETE", "/login", 405),
        ("GET", "/api/v1/flags", 401),
        ("POST", "/webhooks/twilio/sms", 403),
        ("GET", "/api/v1/nothing", 404),
    ],
)
def test_redirects_and_errors_carry_the_security_headers(client, method, path, status) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status
    _assert_security_headers(response)


def test_the_csp_allows_no_inline_or_eval_script() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.fixture
def failing_app(settings: Settings):  # type: ignore[no-untyped-def]
    """The app as production runs it (no testing, no debug), with a page that fails."""
    application = create_app(settings)
    application.config.update(TESTING=False, DEBUG=False, PROPAGATE_EXCEPTIONS=False)

    @application.get("/patients/failing")
    def failing() -> str:
        raise RuntimeError("secret detail: Maria Lopez +15625550123")

    yield application
    application.extensions["recovery"].engine.dispose()


def test_a_failure_shows_no_stack_trace_or_detail(failing_app, caplog) -> None:
    caplog.set_level("CRITICAL")  # the failure is logged by Flask; the page is what counts
    response = failing_app.test_client().get("/patients/failing")
    page = text(response)
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "Traceback" not in page and "secret detail" not in page and "RuntimeError" not in page
    _assert_security_headers(response)


def test_https_sites_send_strict_transport_security(settings: Settings) -> None:
    app = create_app(replace(settings, public_base_url="https://checkin.example.org"))
    assert "max-age=" in app.test_client().get("/login").headers["Strict-Transport-Security"]
    app.extensions["recovery"].engine.dispose()


def test_form_fields_take_their_attributes_as_data_not_markup() -> None:
    source = (TEMPLATES / "_fields.html").read_text("utf-8")
    assert "|safe" not in source.replace(" ", "")
