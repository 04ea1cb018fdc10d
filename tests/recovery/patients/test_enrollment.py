"""Enrolling a patient who had opted out: nothing is texted until they opt back in.

A phone takes one active follow-up at a time, so the first one is withdrawn before the
patient is enrolled again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from recovery.models import CheckIn, Enrollment, Message
from recovery.patients.follow_up import withdraw
from recovery.states import OPTED_OUT_REASON, CheckInStatus, MessageKind
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import post_sms

PHONE = "+14155550123"


def enroll_by_api(client, auth, performed_at) -> dict:  # type: ignore[no-untyped-def]
    body = {
        "patient": {"name": "Ann Lee", "phone": "(415) 555-0123", "sms_consent": True},
        "procedure": {"performed_at": performed_at.isoformat()},
    }
    response = client.post("/api/v1/enrollments", json=body, headers=auth)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def check_ins_of(runtime, enrollment_id: int) -> list[CheckIn]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        query = select(CheckIn).where(CheckIn.enrollment_id == enrollment_id)
        return list(session.scalars(query.order_by(CheckIn.due_at)))


def welcome_texts(runtime, enrollment_id: int) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        query = select(Message).where(
            Message.enrollment_id == enrollment_id, Message.kind == MessageKind.WELCOME
        )
        return len(session.scalars(query).all())


def withdraw_follow_up(runtime, enrollment_id: int) -> None:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        withdraw(session, enrollment, actor="nurse", now=MORNING - timedelta(hours=1))


def test_an_opted_out_patient_is_enrolled_with_check_ins_held_for_their_opt_out(
    client, settings, runtime, auth
) -> None:
    first = enroll_patient(runtime, PHONE, now=MORNING - timedelta(hours=30))
    assert post_sms(client, settings, "STOP", PHONE).status_code == 200
    withdraw_follow_up(runtime, first)
    document = enroll_by_api(client, auth, MORNING)
    assert document["patient"]["opted_out"] is True
    assert [(c["status"], c["reason"]) for c in document["check_ins"]] == [
        ("cancelled", OPTED_OUT_REASON),
        ("cancelled", OPTED_OUT_REASON),
    ]
    assert welcome_texts(runtime, document["id"]) == 0


def test_start_after_a_new_enrollment_schedules_its_check_ins_again(
    client, settings, runtime, auth
) -> None:
    first = enroll_patient(runtime, PHONE, now=MORNING - timedelta(hours=30))
    assert post_sms(client, settings, "STOP", PHONE).status_code == 200
    withdraw_follow_up(runtime, first)
    document = enroll_by_api(client, auth, MORNING)
    assert post_sms(client, settings, "START", PHONE).status_code == 200
    check_ins = check_ins_of(runtime, document["id"])
    assert [(c.status, c.reason) for c in check_ins] == [
        (CheckInStatus.SCHEDULED, None),
        (CheckInStatus.SCHEDULED, None),
    ]
    read_back = client.get(f"/api/v1/enrollments/{document['id']}", headers=auth).get_json()
    assert read_back["patient"]["opted_out"] is False
