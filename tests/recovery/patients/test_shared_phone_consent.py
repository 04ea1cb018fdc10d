"""Opting out is a phone's, as it is at the carrier: when the carrier reports a shared phone
unsubscribed on a text of a patient whose follow-up has ended, the other person's active
follow-up is stopped and flagged too, so no follow-up goes quiet without a nurse knowing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from recovery.models import CheckIn, Enrollment, Flag, Patient
from recovery.patients.consent import opt_in, opt_out
from recovery.patients.follow_up import withdraw
from recovery.states import CheckInStatus, FlagKind
from tests.support.factories import MORNING, enroll_patient

PHONE = "+14155550123"


def shared_phone(runtime) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Ann's follow-up withdrawn, then Bob's on the same phone, active."""
    ann = enroll_patient(runtime, PHONE, name="Ann Lee", now=MORNING - timedelta(hours=30))
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, ann)
        withdraw(session, enrollment, actor="nurse", now=MORNING - timedelta(hours=29))
    bob = enroll_patient(runtime, PHONE, name="Bob Ray", now=MORNING - timedelta(hours=28))
    return ann, bob


def change_consent(runtime, change, enrollment_id: int, how: str) -> bool:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        patient = session.get(Enrollment, enrollment_id).patient
        return bool(change(session, patient, how=how, now=MORNING - timedelta(hours=2)))


def test_the_carrier_opting_out_one_patient_stops_and_flags_the_others_follow_up(
    runtime,
) -> None:
    ann, bob = shared_phone(runtime)
    assert change_consent(runtime, opt_out, ann, "the carrier reports the number unsubscribed")
    with runtime.sessions() as session:
        assert all(p.opted_out_at is not None for p in session.scalars(select(Patient)))
        [flag] = session.scalars(select(Flag).where(Flag.kind == FlagKind.OPTED_OUT)).all()
        statuses = session.scalars(select(CheckIn.status).where(CheckIn.enrollment_id == bob))
        assert set(statuses) == {CheckInStatus.CANCELLED}
    assert flag.enrollment_id == bob
    assert flag.reason.startswith("The phone this patient shares with A.L. was opted out")
    assert not change_consent(runtime, opt_out, bob, "replied STOP")


def test_opting_the_phone_back_in_restores_everyone_on_it(runtime) -> None:
    _ann, bob = shared_phone(runtime)
    change_consent(runtime, opt_out, bob, "replied STOP")
    assert change_consent(runtime, opt_in, bob, "replied START")
    with runtime.sessions() as session:
        assert all(p.opted_out_at is None for p in session.scalars(select(Patient)))
        statuses = session.scalars(select(CheckIn.status).where(CheckIn.enrollment_id == bob))
        assert set(statuses) == {CheckInStatus.SCHEDULED}
