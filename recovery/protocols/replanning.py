"""Re-planning active enrollments onto a new protocol version (SPEC 4: edits apply to what
has not been sent; sent check-ins keep their history).

For each active enrollment of the protocol that is on an older version:

- its *unsent* check-ins (``scheduled`` and not yet queued; for a patient who opted out,
  also those cancelled by the opt-out, which an opt-in would bring back) are cancelled with
  the reason "protocol changed";
- each step of the new version gets a check-in at ``plan_due_at``, except
  * a step whose label is already taken by a check-in that was sent, queued or ended
    (the patient was asked that one already: it is never asked twice), and
  * a step whose due time has passed by more than the new version's latest lateness
    (it would be ``missed``/``stale`` at once, asking about "the last 24 hours" too late).
  A step due in the past but within the lateness is due at the next moment the delivery
  window allows, so that shortening an offset never silently drops a check-in;
- a patient who opted out gets the new check-ins cancelled the way an opt-out cancels
  them, so that opting back in restores them;
- the enrollment moves to the new version (its reminders and thresholds follow it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from recovery.models import CheckIn, Enrollment, Protocol
from recovery.protocols.definitions import ProtocolSpec, Step, spec_of
from recovery.protocols.schedule import into_window, plan_due_at
from recovery.staff.audit import record_event
from recovery.states import OPTED_OUT_REASON, CheckInStatus, EnrollmentStatus

PROTOCOL_CHANGED = "protocol changed"


@dataclass
class Replanned:
    """What re-planning one enrollment did, for the audit log."""

    cancelled: list[int] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def replan(session: Session, protocol_version: Protocol, *, actor: str, now: datetime) -> int:
    """Move every active enrollment of the protocol to this version; the number moved."""
    spec = spec_of(protocol_version)
    query = (
        select(Enrollment)
        .join(Protocol, Protocol.id == Enrollment.protocol_id)
        .where(
            Protocol.name == protocol_version.name,
            Enrollment.protocol_id != protocol_version.id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
        .order_by(Enrollment.id)
    )
    count = 0
    for enrollment in session.scalars(query):
        from_version = enrollment.protocol.version
        plan = replan_enrollment(enrollment, spec, now=now)
        enrollment.protocol = protocol_version
        session.flush()
        _audit(session, enrollment, plan, from_version, actor=actor, now=now)
        count += 1
    return count


def _audit(
    session: Session,
    enrollment: Enrollment,
    plan: Replanned,
    from_version: int,
    *,
    actor: str,
    now: datetime,
) -> None:
    record_event(
        session,
        actor=actor,
        action="enrollment.replan",
        record_type="enrollment",
        record_id=enrollment.id,
        now=now,
        detail={
            "protocol": enrollment.protocol.name,
            "from_version": from_version,
            "to_version": enrollment.protocol.version,
            "cancelled_check_ins": plan.cancelled,
            "created": plan.created,
            "skipped": plan.skipped,
        },
    )


def replan_enrollment(enrollment: Enrollment, spec: ProtocolSpec, *, now: datetime) -> Replanned:
    """Cancel the enrollment's unsent check-ins and plan the spec's steps in their place."""
    plan = Replanned()
    opted_out = enrollment.patient.opted_out_at is not None
    taken = set()
    for check_in in list(enrollment.check_ins):
        if _is_unsent(check_in, opted_out):
            check_in.status = CheckInStatus.CANCELLED
            check_in.reason = PROTOCOL_CHANGED
            check_in.ended_at = now
            plan.cancelled.append(check_in.id)
        elif check_in.status != CheckInStatus.CANCELLED:
            taken.add(check_in.label)
    zone = ZoneInfo(enrollment.patient.timezone)
    for step in spec.steps:
        if step.label in taken:
            plan.skipped[step.label] = "already sent"
            continue
        due_at = catch_up_due_at(enrollment.performed_at, step, zone, spec, now=now)
        if due_at is None:
            plan.skipped[step.label] = "too late"
            continue
        enrollment.check_ins.append(_check_in(step, due_at, opted_out=opted_out))
        plan.created.append(step.label)
    return plan


def catch_up_due_at(
    performed_at: datetime, step: Step, zone: ZoneInfo, spec: ProtocolSpec, *, now: datetime
) -> datetime | None:
    """When a re-planned step is due: as planned, or soon if that passed; None if too late."""
    planned = plan_due_at(performed_at, step, zone, spec.window)
    due_at = max(planned, into_window(now, zone, spec.window))
    if due_at - planned > timedelta(hours=spec.latest_lateness_hours):
        return None
    return due_at


def _is_unsent(check_in: CheckIn, opted_out: bool) -> bool:
    if check_in.status == CheckInStatus.SCHEDULED:
        return check_in.queued_at is None
    return (
        opted_out
        and check_in.status == CheckInStatus.CANCELLED
        and check_in.reason == OPTED_OUT_REASON
        and check_in.sent_at is None
    )


def _check_in(step: Step, due_at: datetime, *, opted_out: bool) -> CheckIn:
    return CheckIn(
        label=step.label,
        offset_hours=step.offset_hours,
        due_at=due_at,
        status=CheckInStatus.CANCELLED if opted_out else CheckInStatus.SCHEDULED,
        reason=OPTED_OUT_REASON if opted_out else None,
        reminders_sent=0,
    )
