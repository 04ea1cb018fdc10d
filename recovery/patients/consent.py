"""Consent to texts: opting out (STOP, a plain request, or Twilio's 21610) and back in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from recovery.flags.lifecycle import raise_flag, resolve_when_gone
from recovery.models import CheckIn, Enrollment, Message, Patient
from recovery.patients.identity import initials, sharing_phone
from recovery.protocols.definitions import spec_of
from recovery.staff.audit import record_event
from recovery.states import (
    OPTED_OUT_REASON,
    CheckInStatus,
    Direction,
    EnrollmentStatus,
    FlagKind,
    MessageKind,
    MessageStatus,
)


def active_enrollments(session: Session, patient: Patient) -> list[Enrollment]:
    """The patient's enrollments still being followed."""
    query = select(Enrollment).where(
        Enrollment.patient_id == patient.id, Enrollment.status == EnrollmentStatus.ACTIVE
    )
    return list(session.scalars(query))


def opt_out(
    session: Session,
    patient: Patient,
    *,
    how: str,
    now: datetime,
    words: str = "",
    message_ids: Iterable[int] = (),
) -> bool:
    """Stop all texts to the patient's phone: cancel what is unsent, flag it. False if the
    phone was already out.

    A STOP opts a phone out at the carrier, whoever on it typed it, so everyone sharing the
    phone is opted out with the patient, and each of their active follow-ups gets its own
    ``opted_out`` flag: no follow-up goes quiet without a nurse being told.
    ``words`` are the patient's own, quoted on the flag (not in the audit log) when they asked
    in a sentence, which may say more than "stop" ("my father passed away, stop these").
    """
    people = [p for p in _sharing_phone_first(session, patient) if p.opted_out_at is None]
    for person in people:
        if person is patient:
            reason = f"The patient opted out of texts ({how}); no more check-ins will reach them."
            _opt_out_one(session, person, how, now, reason, words, message_ids)
        else:
            reason = (
                f"The phone this patient shares with {initials(patient.name)} was opted out of"
                f" texts ({how}); no more check-ins will reach this patient either."
            )
            _opt_out_one(session, person, f"{how}, on a shared phone", now, reason, "", ())
    return bool(people)


def _opt_out_one(
    session: Session,
    patient: Patient,
    how: str,
    now: datetime,
    reason: str,
    words: str,
    message_ids: Iterable[int],
) -> None:
    patient.opted_out_at = now
    session.execute(
        update(Message)
        .where(
            Message.patient_id == patient.id,
            Message.direction == Direction.OUTBOUND,
            Message.status == MessageStatus.PENDING,
            Message.kind != MessageKind.ON_CALL,
        )
        .values(status=MessageStatus.CANCELLED, status_at=now),
        execution_options={"synchronize_session": False},
    )
    for enrollment in active_enrollments(session, patient):
        for check_in in enrollment.check_ins:
            _stop_waiting(check_in, now)
        raise_flag(
            session,
            enrollment,
            FlagKind.OPTED_OUT,
            reason=reason + (f" The patient wrote: {words}" if words else ""),
            now=now,
            message_ids=message_ids,
        )
    _audit(session, patient, "patient.opt_out", how, now)


def _sharing_phone_first(session: Session, patient: Patient) -> list[Patient]:
    """The patient, then everyone else on the same phone."""
    others = [p for p in sharing_phone(session, patient.phone) if p.id != patient.id]
    return [patient, *others]


def _stop_waiting(check_in: CheckIn, now: datetime) -> None:
    """Cancel a check-in not yet sent; one sent or partial keeps its status (a late answer to
    it is still recorded), but nothing more is asked and it never ends as missed."""
    if check_in.status == CheckInStatus.SCHEDULED:
        check_in.status = CheckInStatus.CANCELLED
        check_in.reason = OPTED_OUT_REASON
    if check_in.status in (CheckInStatus.CANCELLED, CheckInStatus.SENT, CheckInStatus.PARTIAL):
        check_in.ended_at = check_in.ended_at or now


def opt_in(session: Session, patient: Patient, *, how: str, now: datetime) -> bool:
    """Texts again to the patient's phone, for everyone on it (the carrier lifts a phone's
    opt-out): future check-ins cancelled by the opt-out are scheduled again."""
    people = [p for p in _sharing_phone_first(session, patient) if p.opted_out_at is not None]
    for person in people:
        person.opted_out_at = None
        for enrollment in active_enrollments(session, person):
            lateness = timedelta(hours=spec_of(enrollment.protocol).latest_lateness_hours)
            for check_in in enrollment.check_ins:
                if _is_restorable(check_in, now, lateness):
                    check_in.status = CheckInStatus.SCHEDULED
                    check_in.reason = None
                    check_in.queued_at = None
                    check_in.ended_at = None
            resolve_when_gone(
                session,
                enrollment,
                FlagKind.OPTED_OUT,
                why=f"The patient opted back in ({how}); check-ins still to come are scheduled.",
                now=now,
            )
        _audit(
            session,
            person,
            "patient.opt_in",
            how if person is patient else f"{how}, on a shared phone",
            now,
        )
    return bool(people)


def _is_restorable(check_in: CheckIn, now: datetime, lateness: timedelta) -> bool:
    return (
        check_in.status == CheckInStatus.CANCELLED
        and check_in.reason == OPTED_OUT_REASON
        and check_in.sent_at is None
        and check_in.due_at + lateness > now
    )


def _audit(session: Session, patient: Patient, action: str, how: str, now: datetime) -> None:
    record_event(
        session,
        actor="patient",
        action=action,
        record_type="patient",
        record_id=patient.id,
        now=now,
        detail={"how": how},
    )
