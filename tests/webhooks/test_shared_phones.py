"""Texts from a phone that two patients share (spouses, a caregiver's mobile): each text
belongs to the phone's active follow-up, else to its most recent one; STOP and START are
the phone's, so they hold for everyone on it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from recovery.models import AuditEvent, CheckIn, Enrollment, Flag, Message, Patient
from recovery.patients.follow_up import reinstate, withdraw
from recovery.sending.due_work import run_due_work
from recovery.states import CheckInStatus, Direction, FlagKind
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import post_sms, replies

PHONE = "+14155550123"


def say(client, settings, body: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = post_sms(client, settings, body, PHONE)
    assert response.status_code == 200
    return replies(response)


def change(runtime, service, enrollment_id: int, hours_before_morning: float) -> None:  # type: ignore[no-untyped-def]
    """Withdraw or reinstate a follow-up as a nurse would, at a given time."""
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        now = MORNING - timedelta(hours=hours_before_morning)
        service(session, enrollment, actor="nurse", now=now)


def last_inbound(runtime) -> Message:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        query = select(Message).where(Message.direction == Direction.INBOUND)
        return session.scalars(query.order_by(Message.id.desc())).first()


def patient_of(runtime, enrollment_id: int) -> Patient:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        return session.get(Patient, enrollment.patient_id)


def check_ins(runtime, enrollment_id: int) -> list[CheckIn]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        query = select(CheckIn).where(CheckIn.enrollment_id == enrollment_id)
        return list(session.scalars(query.order_by(CheckIn.due_at)))


def spouses(runtime) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """María's follow-up, withdrawn; then her husband's on her phone, active and texted."""
    maria = enroll_patient(
        runtime,
        PHONE,
        name="María López",
        language="es",
        performed_at=MORNING - timedelta(hours=48),
    )
    change(runtime, withdraw, maria, 30)
    mario = enroll_patient(runtime, PHONE, name="Mario López", now=MORNING - timedelta(hours=25))
    run_due_work(runtime, now=MORNING)
    return maria, mario


def test_a_text_from_a_shared_phone_answers_its_active_follow_up(client, settings, runtime) -> None:
    maria, mario = spouses(runtime)
    [ask] = say(client, settings, "7")
    assert "Which best fits your day?" in ask  # Mario's English, not María's Spanish
    assert check_ins(runtime, mario)[0].pain == 7
    assert all(c.pain is None for c in check_ins(runtime, maria))
    text = last_inbound(runtime)
    assert (text.patient_id, text.enrollment_id) == (patient_of(runtime, mario).id, mario)


def test_the_active_follow_up_wins_over_a_more_recent_one(client, settings, runtime) -> None:
    maria, mario = spouses(runtime)
    change(runtime, withdraw, mario, 0.5)
    change(runtime, reinstate, maria, 0.25)
    say(client, settings, "hola")
    text = last_inbound(runtime)
    assert (text.patient_id, text.enrollment_id) == (patient_of(runtime, maria).id, maria)


def test_with_no_active_follow_up_a_text_goes_to_the_most_recent_one(
    client, settings, runtime
) -> None:
    _maria, mario = spouses(runtime)
    change(runtime, withdraw, mario, -0.5)
    say(client, settings, "thanks for checking on us")
    text = last_inbound(runtime)
    assert (text.patient_id, text.enrollment_id) == (patient_of(runtime, mario).id, mario)


def test_stop_from_a_shared_phone_opts_out_everyone_on_it_and_flags_the_follow_up(
    client, settings, runtime
) -> None:
    maria, mario = spouses(runtime)
    assert say(client, settings, "STOP") == []
    assert patient_of(runtime, maria).opted_out_at is not None
    assert patient_of(runtime, mario).opted_out_at is not None
    with runtime.sessions() as session:
        flags = session.scalars(select(Flag).where(Flag.kind == FlagKind.OPTED_OUT)).all()
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "patient.opt_out")
        ).all()
    assert [flag.enrollment_id for flag in flags] == [mario]
    assert sorted(event.record_id for event in events) == sorted(
        [patient_of(runtime, maria).id, patient_of(runtime, mario).id]
    )
    assert check_ins(runtime, mario)[-1].status == CheckInStatus.CANCELLED


def test_start_from_a_shared_phone_opts_everyone_on_it_back_in(client, settings, runtime) -> None:
    maria, mario = spouses(runtime)
    say(client, settings, "STOP")
    say(client, settings, "START")
    assert patient_of(runtime, maria).opted_out_at is None
    assert patient_of(runtime, mario).opted_out_at is None
    assert check_ins(runtime, mario)[-1].status == CheckInStatus.SCHEDULED


def test_stop_while_the_older_follow_up_is_active_flags_that_one(client, settings, runtime) -> None:
    maria, mario = spouses(runtime)
    change(runtime, withdraw, mario, 0.5)
    change(runtime, reinstate, maria, 0.25)
    say(client, settings, "STOP")
    with runtime.sessions() as session:
        [flag] = session.scalars(select(Flag).where(Flag.kind == FlagKind.OPTED_OUT)).all()
    assert flag.enrollment_id == maria
    assert patient_of(runtime, mario).opted_out_at is not None
