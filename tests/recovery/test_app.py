"""The app factory: a half-set-up production refuses to start, and machines post small bodies."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recovery import MAX_MACHINE_REQUEST_BYTES
from recovery.flags.lifecycle import raise_flag
from recovery.models import Enrollment, Flag, Message, Patient
from recovery.sending.due_work import run_due_work
from recovery.sending.signing import public_url, sign
from recovery.states import Direction, FlagKind, FlagStatus, MessageKind, MessageStatus
from tests.support.dates import D0
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import twilio_form
from tests.support.staff_client import post, sign_in
from tests.support.staff_fixtures import NURSE_EMAIL, add_user

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+14155550123"
PADDING = "x" * (MAX_MACHINE_REQUEST_BYTES + 1024)
PRODUCTION = {
    "RECOVERY_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret",
    "PUBLIC_BASE_URL": "https://checkin.example.org",
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TWILIO_AUTH_TOKEN": "secret-token",
    "TWILIO_FROM_NUMBER": "+15005550006",
}


def flask(tmp_path: Path, environ: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "RECOVERY_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/recovery.db", **environ)
    for name in ("SECRET_KEY", "PUBLIC_BASE_URL", "SMS_BACKEND"):
        if name not in environ:
            env.pop(name, None)
    command = [sys.executable, "-m", "flask", "--app", "recovery", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        (list(PRODUCTION)[1:], ["SECRET_KEY", "PUBLIC_BASE_URL", "SMS backend"]),
        (["SECRET_KEY"], ["SECRET_KEY"]),
        (["PUBLIC_BASE_URL"], ["PUBLIC_BASE_URL"]),
        (["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"], ["SMS backend"]),
        (["TWILIO_FROM_NUMBER"], ["TWILIO_FROM_NUMBER"]),
    ],
)
def test_production_refuses_to_start_in_one_line_naming_what_is_missing(
    tmp_path, missing, named
) -> None:
    environ = {k: v for k, v in PRODUCTION.items() if k not in missing}
    result = flask(tmp_path, environ, "init-db")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: Recovery Check-in cannot start:")
    assert all(name in lines[0] for name in named), lines[0]
    assert not (tmp_path / "recovery.db").exists()


def test_production_with_everything_set_starts(tmp_path) -> None:
    result = flask(tmp_path, PRODUCTION, "init-db")
    assert result.returncode == 0, result.stderr
    assert "Database is ready" in result.stdout


def count(runtime, model, *where) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def post_signed(client, settings, path: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    signature = sign(settings, public_url(settings, path), form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def test_an_oversize_enrollment_gets_413_in_json_and_stores_nothing(client, auth, runtime) -> None:
    body = {"patient": {"name": "Ann Lee", "phone": PHONE, "sms_consent": True}}
    body["procedure"] = {"performed_at": f"{D0}T09:30:00-08:00", "levels": PADDING}
    response = client.post("/api/v1/enrollments", data=json.dumps(body), headers=auth)
    assert response.status_code == 413
    assert "64 KB" in response.get_json()["error"]
    assert (count(runtime, Patient), count(runtime, Enrollment)) == (0, 0)


def test_an_enrollment_body_under_the_limit_is_taken(client, auth) -> None:
    body = {"patient": {"name": "Ann Lee", "phone": PHONE, "sms_consent": True}}
    body["procedure"] = {"performed_at": f"{D0}T09:30:00-08:00"}
    body["padding"] = "x" * (MAX_MACHINE_REQUEST_BYTES - 2048)
    assert client.post("/api/v1/enrollments", json=body, headers=auth).status_code == 201


def test_an_oversize_flag_note_gets_413_in_json_and_the_flag_stays_open(
    client, auth, runtime
) -> None:
    enrollment_id = enroll_patient(runtime, PHONE)
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        flag = raise_flag(session, enrollment, FlagKind.SEVERE_PAIN, reason="Pain 10", now=MORNING)
        session.flush()
        flag_id = flag.id
    path = f"/api/v1/flags/{flag_id}/resolve"
    response = client.post(path, json={"note": PADDING}, headers=auth)
    assert response.status_code == 413
    assert response.mimetype == "application/json"
    assert count(runtime, Flag, Flag.status == FlagStatus.OPEN) == 1


def test_an_oversize_inbound_text_gets_413_and_stores_nothing(client, settings, runtime) -> None:
    enroll_patient(runtime, PHONE)
    path = "/webhooks/twilio/sms"
    response = post_signed(client, settings, path, twilio_form("7", PHONE, Padding=PADDING))
    assert response.status_code == 413
    assert count(runtime, Message, Message.direction == Direction.INBOUND) == 0
    assert post_signed(client, settings, path, twilio_form("7", PHONE)).status_code == 200
    assert count(runtime, Message, Message.direction == Direction.INBOUND) == 1


def test_an_oversize_status_callback_gets_413_and_changes_nothing(
    client, settings, runtime
) -> None:
    enroll_patient(runtime, PHONE)
    run_due_work(runtime, now=MORNING)
    with runtime.sessions() as session:
        query = select(Message).where(Message.kind == MessageKind.CHECK_IN)
        text = session.scalars(query).one()
    form = {"MessageSid": str(text.sid), "MessageStatus": "undelivered", "ErrorCode": "30003"}
    path = "/webhooks/twilio/status"
    response = post_signed(client, settings, path, {**form, "Padding": PADDING})
    assert response.status_code == 413
    assert count(runtime, Message, Message.status == MessageStatus.UNDELIVERED) == 0
    assert count(runtime, Flag) == 0
    assert post_signed(client, settings, path, form).status_code == 204
    assert count(runtime, Message, Message.status == MessageStatus.UNDELIVERED) == 1


def test_the_staff_csv_upload_may_be_larger_than_the_machine_limit(client, runtime) -> None:
    add_user(runtime, NURSE_EMAIL, "nurse")
    assert sign_in(client, NURSE_EMAIL).status_code == 302
    csv = f"name,phone,performed_at,consent,notes\nAnn Lee,{PHONE},{D0}T09:30:00-08:00,yes,"
    upload = {"file": (io.BytesIO((csv + PADDING + "\n").encode()), "patients.csv")}
    response = post(client, "/patients/import", upload, content_type="multipart/form-data")
    assert response.status_code == 200
    assert count(runtime, Enrollment) == 1
