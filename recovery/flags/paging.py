"""Paging the on-call nurse for urgent flags: once when the flag opens, and once more when
it is still not acknowledged ``escalation_repeat_minutes`` after the first page. A page
names the patient's initials and links the flag; never symptoms or the name.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from recovery.models import Flag, Message
from recovery.protocols.definitions import spec_of
from recovery.runtime import OnCall
from recovery.staff.audit import record_event
from recovery.states import Direction, FlagStatus, MessageKind, MessageStatus, Severity


def paged_once() -> list[ColumnElement[bool]]:
    """Urgent flags still open after one page: the repeat may be due."""
    return [
        Flag.severity == Severity.URGENT,
        Flag.status == FlagStatus.OPEN,
        Flag.escalations == 1,
        Flag.escalated_at.is_not(None),
    ]


def escalate_unacknowledged(session: Session, *, now: datetime, on_call: OnCall) -> int:
    """Page the on-call nurse once more for urgent flags still open after the repeat time."""
    if not on_call.phone:
        return 0
    query = (
        select(Flag)
        .where(*paged_once())
        .order_by(Flag.escalated_at)
        .with_for_update(skip_locked=True)
    )
    count = 0
    for flag in session.scalars(query):
        repeat = spec_of(flag.enrollment.protocol).escalation_repeat_minutes
        if flag.escalated_at is None or now < flag.escalated_at + timedelta(minutes=repeat):
            continue
        page(session, flag, on_call, now=now)
        count += 1
    return count


def page(session: Session, flag: Flag, on_call: OnCall, *, now: datetime) -> Message:
    """Queue a text to the on-call nurse: initials and a link, never symptoms or the name."""
    enrollment = flag.enrollment
    spec = spec_of(enrollment.protocol)
    mark = initials(enrollment.patient.name)
    body = spec.text("on_call", "en", initials=mark, flag_url=on_call.flag_url(flag.id))
    message = Message(
        direction=Direction.OUTBOUND,
        kind=MessageKind.ON_CALL,
        patient_id=None,
        enrollment_id=enrollment.id,
        flag_id=flag.id,
        to_number=on_call.phone,
        body=body,
        status=MessageStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    flag.escalated_at = flag.escalated_at or now  # the first page: the repeat counts from it
    flag.escalations = (flag.escalations or 0) + 1
    record_event(
        session,
        actor="system",
        action="flag.escalate",
        record_type="flag",
        record_id=flag.id,
        now=now,
        detail={"kind": flag.kind.value, "page": flag.escalations},
    )
    return message


def initials(name: str) -> str:
    """The initials of the first and last names, e.g. "M.L." for Maria Lopez."""
    words = name.split()
    chosen = words[:1] + words[1:][-1:]
    return "".join(f"{word[0].upper()}." for word in chosen)
