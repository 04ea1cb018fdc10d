"""Check-ins falling due, as of ``now``: texts to queue, reminders, waits that end.

Each function works in the caller's transaction and returns counts. Rows are taken with
``FOR UPDATE SKIP LOCKED`` so that several scheduler processes share the work on PostgreSQL
(SQLite's write lock serializes them), and each row's own state says whether it was done,
so a repeat does nothing twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from recovery.flags.lifecycle import evaluate_enrollment, raise_flag
from recovery.models import CheckIn, Enrollment, Message, Patient
from recovery.patients.follow_up import WAITING, complete_if_done
from recovery.protocols.definitions import ProtocolSpec, spec_of
from recovery.protocols.schedule import is_in_window
from recovery.runtime import Clinic, OnCall
from recovery.states import (
    CheckInStatus,
    Direction,
    EnrollmentStatus,
    FlagKind,
    MessageKind,
    MessageStatus,
)

BATCH = 500


def at_instant(now: datetime) -> BindParameter[datetime]:
    """``now`` written into the statement rather than bound, so each pass is planned for it.

    With a bound ``now`` the statement text never changes, psycopg prepares it, and
    PostgreSQL may then settle on a generic plan that cannot see how few rows are due: it
    read every check-in (20 ms a pass at 200,000 check-ins, against 1 ms planned for ``now``).
    """
    return bindparam(None, now, type_=CheckIn.due_at.type, literal_execute=True)


def due_to_queue(now: datetime) -> list[ColumnElement[bool]]:
    """Check-ins due by ``now`` whose text is not queued yet (before the follow-up checks)."""
    return [
        CheckIn.status == CheckInStatus.SCHEDULED,
        CheckIn.queued_at.is_(None),
        CheckIn.due_at <= at_instant(now),
    ]


def waiting(now: datetime) -> list[ColumnElement[bool]]:
    """Check-ins sent by ``now`` and still waiting for answers: a reminder or an end may be due."""
    return [
        CheckIn.status.in_(WAITING),
        CheckIn.ended_at.is_(None),
        CheckIn.sent_at <= at_instant(now),
    ]


def _followed(query: Select[CheckIn]) -> Select[CheckIn]:
    """Only check-ins of active, unpaused enrollments of patients who still take texts."""
    return (
        query.join(Enrollment, Enrollment.id == CheckIn.enrollment_id)
        .join(Patient, Patient.id == Enrollment.patient_id)
        .where(
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.paused_at.is_(None),
            Patient.opted_out_at.is_(None),
            Patient.consent_at.is_not(None),
        )
        .options(contains_eager(CheckIn.enrollment).contains_eager(Enrollment.patient))
        .with_for_update(skip_locked=True, of=CheckIn)
    )


def queue_due_check_ins(session: Session, *, clinic: Clinic, now: datetime) -> Counter[str]:
    """Queue the text of every due check-in in its window; mark the too-late ones missed."""
    counts: Counter[str] = Counter()
    query = _followed(select(CheckIn).where(*due_to_queue(now))).order_by(CheckIn.id)
    last_id = 0
    while batch := session.scalars(query.where(CheckIn.id > last_id).limit(BATCH)).all():
        for check_in in batch:
            counts[_queue_one(session, check_in, clinic, now)] += 1
        last_id = batch[-1].id
        session.flush()
    return counts


def _queue_one(session: Session, check_in: CheckIn, clinic: Clinic, now: datetime) -> str:
    enrollment = check_in.enrollment
    patient = enrollment.patient
    spec = spec_of(enrollment.protocol)
    if now - check_in.due_at > timedelta(hours=spec.latest_lateness_hours):
        end_as_missed(session, check_in, reason="stale", now=now)
        return "stale"
    if not is_in_window(now, ZoneInfo(patient.timezone), spec.window):
        return "outside_window"
    check_in.queued_at = now
    session.add(_text_for(check_in, MessageKind.CHECK_IN, "check_in", spec, clinic, now))
    return "queued"


def _text_for(
    check_in: CheckIn,
    kind: MessageKind,
    key: str,
    spec: ProtocolSpec,
    clinic: Clinic,
    now: datetime,
) -> Message:
    patient = check_in.enrollment.patient
    body = spec.text(
        key,
        patient.language,
        first_name=patient.name.split()[0],
        clinic_name=clinic.name,
        clinic_phone=clinic.phone,
    )
    return Message(
        direction=Direction.OUTBOUND,
        kind=kind,
        patient_id=patient.id,
        enrollment_id=check_in.enrollment_id,
        check_in_id=check_in.id,
        to_number=patient.phone,
        body=body,
        status=MessageStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )


def queue_reminders(session: Session, *, clinic: Clinic, now: datetime) -> int:
    """One reminder for each sent check-in still short of answers after the protocol's wait."""
    query = _followed(select(CheckIn).where(*waiting(now), CheckIn.reminders_sent == 0)).order_by(
        CheckIn.sent_at
    )
    count = 0
    for check_in in session.scalars(query):
        spec = spec_of(check_in.enrollment.protocol)
        assert check_in.sent_at is not None
        due = check_in.sent_at + timedelta(hours=spec.reminder_after_hours)
        if now < due or now > due + timedelta(hours=spec.latest_lateness_hours):
            continue  # not yet, or too late to ask again (the wait ends in ``end_waits``)
        if not is_in_window(now, ZoneInfo(check_in.enrollment.patient.timezone), spec.window):
            continue
        key = "reminder_pain" if check_in.pain is None else "reminder_activity"
        session.add(_text_for(check_in, MessageKind.REMINDER, key, spec, clinic, now))
        check_in.reminders_sent += 1
        check_in.reminded_at = now
        count += 1
    return count


def end_waits(session: Session, *, now: datetime, on_call: OnCall | None) -> Counter[str]:
    """End each check-in whose last wait is over: ``missed``, or ``partial`` kept.

    The wait ends ``missed_after_reminder_hours`` after the reminder. A reminder that could not
    go out before ``latest_lateness_hours`` (the service was down) is never sent, and the wait
    ends when it would have ended had the reminder gone on time: so an answer days later is
    not filed against a check-in asked about another day.
    """
    counts: Counter[str] = Counter()
    query = (
        select(CheckIn)
        .where(*waiting(now))
        .options(joinedload(CheckIn.enrollment))
        .with_for_update(skip_locked=True, of=CheckIn)
    )
    for check_in in session.scalars(query).unique():
        ended_at = _wait_end(check_in, now)
        if ended_at is None:
            continue
        if check_in.status == CheckInStatus.SENT:
            end_as_missed(session, check_in, reason="no answer", now=now)
            counts["missed"] += 1
        else:
            evaluate_enrollment(session, check_in.enrollment, now=now, on_call=on_call)
            counts["partial"] += 1
        check_in.ended_at = ended_at
        complete_if_done(check_in.enrollment, now=now)
    return counts


def _wait_end(check_in: CheckIn, now: datetime) -> datetime | None:
    """When the check-in's wait ended, or None while it goes on."""
    spec = spec_of(check_in.enrollment.protocol)
    wait = timedelta(hours=spec.missed_after_reminder_hours)
    if check_in.reminded_at is not None:
        return check_in.reminded_at + wait if now >= check_in.reminded_at + wait else None
    assert check_in.sent_at is not None
    reminder_due = check_in.sent_at + timedelta(hours=spec.reminder_after_hours)
    if now <= reminder_due + timedelta(hours=spec.latest_lateness_hours):
        return None  # the reminder may still go out
    return reminder_due + wait


def end_as_missed(session: Session, check_in: CheckIn, *, reason: str, now: datetime) -> None:
    """A check-in that got no answer (or was never sent in time): missed, and flagged."""
    check_in.status = CheckInStatus.MISSED
    check_in.reason = reason
    check_in.ended_at = now
    why = (
        "was not sent: it fell due while the service was down, and was too late to send"
        if reason == "stale"
        else "got no answer, even after a reminder"
    )
    raise_flag(
        session,
        check_in.enrollment,
        FlagKind.NO_RESPONSE,
        reason=f"The {check_in.label} check-in {why}.",
        check_in_ids=(check_in.id,),
        now=now,
    )
