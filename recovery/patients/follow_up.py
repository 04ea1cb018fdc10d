"""A follow-up's course: a nurse's pause, resume, withdraw and reinstate, and completion.

Pausing holds back scheduled check-ins (the sender skips enrollments with ``paused_at``
set) without changing them; resuming lets them go again (a check-in that became too late
meanwhile is ended as ``missed``/``stale`` by the sender, like after downtime). Withdrawing
ends the follow-up at once: what has not been sent is cancelled, what was sent stays.
Reinstating undoes a withdrawal (``withdrawn`` -> ``active``): the check-ins it cancelled
are scheduled again while still on time; texts it cancelled stay cancelled.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from recovery.models import CheckIn, Enrollment, Message
from recovery.patients.identity import active_follow_ups, describe_follow_up, lock_identity
from recovery.protocols.definitions import spec_of
from recovery.staff.audit import record_event
from recovery.states import CheckInStatus, Direction, EnrollmentStatus, MessageStatus

WITHDRAWN_REASON = "withdrawn"
WAITING = (CheckInStatus.SENT, CheckInStatus.PARTIAL)


class FollowUpError(ValueError):
    """A change the enrollment's state does not allow."""


def pause(session: Session, enrollment: Enrollment, *, actor: str, now: datetime) -> None:
    """Hold back the enrollment's scheduled check-ins until it is resumed."""
    _require_active(enrollment, "paused")
    if enrollment.paused_at is not None:
        raise FollowUpError("check-ins are already paused")
    enrollment.paused_at = now
    _audit(session, enrollment, "enrollment.pause", actor, now)


def resume(session: Session, enrollment: Enrollment, *, actor: str, now: datetime) -> None:
    """Let a paused enrollment's check-ins be sent again."""
    _require_active(enrollment, "resumed")
    if enrollment.paused_at is None:
        raise FollowUpError("check-ins are not paused")
    paused_at = enrollment.paused_at
    enrollment.paused_at = None
    _audit(session, enrollment, "enrollment.resume", actor, now, paused_at=paused_at.isoformat())


def withdraw(session: Session, enrollment: Enrollment, *, actor: str, now: datetime) -> None:
    """End the follow-up: cancel every check-in and text not yet sent."""
    _require_active(enrollment, "withdrawn")
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.ended_at = now
    enrollment.paused_at = None
    check_in_ids = _cancel_check_ins(session, enrollment, now)
    message_ids = _cancel_texts(session, enrollment, now)
    _audit(
        session,
        enrollment,
        "enrollment.withdraw",
        actor,
        now,
        cancelled_check_ins=check_in_ids,
        cancelled_messages=message_ids,
    )


def reinstate(session: Session, enrollment: Enrollment, *, actor: str, now: datetime) -> None:
    """Undo a withdrawal: follow up again, with the cancelled check-ins still on time."""
    _require_reinstatable(session, enrollment)
    lateness = timedelta(hours=spec_of(enrollment.protocol).latest_lateness_hours)
    withdrawn = [c for c in enrollment.check_ins if _was_withdrawn(c)]
    restorable = [c for c in withdrawn if c.due_at + lateness > now]
    too_late = [c for c in withdrawn if c.due_at + lateness <= now]
    if not restorable and not _has_check_ins_waiting(enrollment):
        raise FollowUpError("every check-in the withdrawal cancelled is now too late to send")
    enrollment.status = EnrollmentStatus.ACTIVE
    enrollment.ended_at = None
    for check_in in restorable:
        check_in.status = CheckInStatus.SCHEDULED
        check_in.reason = None
        check_in.queued_at = None
        check_in.ended_at = None
    _audit(
        session,
        enrollment,
        "enrollment.reinstate",
        actor,
        now,
        restored_check_ins=sorted(c.id for c in restorable),
        too_late_check_ins=sorted(c.id for c in too_late),
    )


def _require_reinstatable(session: Session, enrollment: Enrollment) -> None:
    if enrollment.status != EnrollmentStatus.WITHDRAWN:
        raise FollowUpError(
            f"the enrollment is {enrollment.status.value}: only a withdrawn one can be reinstated"
        )
    if enrollment.patient.opted_out_at is not None:
        raise FollowUpError(
            "the patient has opted out of texts, so the check-ins stay cancelled;"
            " reinstate once they opt back in"
        )
    if any(_is_same_follow_up(other, enrollment) for other in enrollment.patient.enrollments):
        raise FollowUpError("the patient is already enrolled again for this procedure")
    patient = enrollment.patient
    lock_identity(session, patient.phone, patient.mrn)
    others = [
        e for e in active_follow_ups(session, patient.phone, patient) if e.id != enrollment.id
    ]
    if others:
        raise FollowUpError(
            f"{describe_follow_up(others[0])} is active on this phone or for this patient,"
            " and a phone takes one follow-up at a time"
        )


def _is_same_follow_up(other: Enrollment, enrollment: Enrollment) -> bool:
    """An active enrollment since made for the same procedure (reinstating would text twice)."""
    return (
        other.id != enrollment.id
        and other.status == EnrollmentStatus.ACTIVE
        and other.performed_at == enrollment.performed_at
        and other.protocol.name == enrollment.protocol.name
    )


def _was_withdrawn(check_in: CheckIn) -> bool:
    return (
        check_in.status == CheckInStatus.CANCELLED
        and check_in.reason == WITHDRAWN_REASON
        and check_in.sent_at is None
    )


def _has_check_ins_waiting(enrollment: Enrollment) -> bool:
    """A check-in sent before the withdrawal whose answer is still awaited."""
    return any(c.status in WAITING and c.ended_at is None for c in enrollment.check_ins)


def _cancel_check_ins(session: Session, enrollment: Enrollment, now: datetime) -> list[int]:
    check_ins = session.scalars(
        select(CheckIn).where(
            CheckIn.enrollment_id == enrollment.id, CheckIn.status == CheckInStatus.SCHEDULED
        )
    ).all()
    for check_in in check_ins:
        check_in.status = CheckInStatus.CANCELLED
        check_in.reason = WITHDRAWN_REASON
        check_in.ended_at = now
    return [check_in.id for check_in in check_ins]


def _cancel_texts(session: Session, enrollment: Enrollment, now: datetime) -> list[int]:
    messages = session.scalars(
        select(Message).where(
            Message.enrollment_id == enrollment.id,
            Message.direction == Direction.OUTBOUND,
            Message.status == MessageStatus.PENDING,
        )
    ).all()
    for message in messages:
        message.status = MessageStatus.CANCELLED
        message.status_at = now
        message.next_attempt_at = None
    return [message.id for message in messages]


def _require_active(enrollment: Enrollment, verb: str) -> None:
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise FollowUpError(
            f"the enrollment is {enrollment.status.value}: only an active one can be {verb}"
        )


def _audit(
    session: Session,
    enrollment: Enrollment,
    action: str,
    actor: str,
    now: datetime,
    **detail: object,
) -> None:
    record_event(
        session,
        actor=actor,
        action=action,
        record_type="enrollment",
        record_id=enrollment.id,
        now=now,
        detail={"patient_id": enrollment.patient_id, **detail},
    )


def complete_if_done(enrollment: Enrollment, *, now: datetime) -> None:
    """Mark an active enrollment completed once none of its check-ins is still to come."""
    open_statuses = (CheckInStatus.SCHEDULED, *WAITING)
    if enrollment.status != EnrollmentStatus.ACTIVE:
        return
    if any(c.status in open_statuses and c.ended_at is None for c in enrollment.check_ins):
        return
    enrollment.status = EnrollmentStatus.COMPLETED
    enrollment.ended_at = now
