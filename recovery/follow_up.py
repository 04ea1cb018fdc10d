"""A nurse's say over an enrollment's follow-up: pause, resume, withdraw.

Pausing holds back scheduled check-ins (the sender skips enrollments with ``paused_at``
set) without changing them; resuming lets them go again (a check-in that became too late
meanwhile is ended as ``missed``/``stale`` by the sender, like after downtime). Withdrawing
ends the follow-up for good: what has not been sent is cancelled, what was sent stays.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from recovery.audit import record_event
from recovery.models import CheckIn, Enrollment, Message
from recovery.states import CheckInStatus, Direction, EnrollmentStatus, MessageStatus

WITHDRAWN_REASON = "withdrawn"


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
