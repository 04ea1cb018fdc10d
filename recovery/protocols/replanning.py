"""Re-planning active enrollments onto a new protocol version (SPEC 4: edits apply to what
has not been sent; sent check-ins keep their history; no step is ever asked twice).

Check-ins and steps are matched by the step's stable key (``CheckIn.step_key``; a row
without one is matched through the label it has in the enrollment's current version). For
each active enrollment of the protocol that is on an older version:

- a check-in that was sent, queued or has ended (answered, missed, failed) is history: it is
  never touched, and its step is never planned again, whatever the new version calls it;
- an *unsent* check-in (``scheduled`` and not yet queued; for a patient who opted out, also
  one cancelled by the opt-out, which an opt-in would bring back) whose step is unchanged
  is left as it is (same row, same due time); one whose step's label or offset changed is
  updated in place (same row) to the new label, offset and due time; one whose step was
  removed is cancelled with the reason "protocol changed";
- a step that is new to the enrollment gets a check-in;
- a changed or new step is due at ``plan_due_at``; one due in the past but within the new
  version's latest lateness is due at the next moment the delivery window allows (so that
  shortening an offset never silently drops a check-in); one due further back is not asked
  (it would ask about "the last 24 hours" too late): its unsent check-in is cancelled;
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
    moved: list[int] = field(default_factory=list)
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
            "moved_check_ins": plan.moved,
            "created": plan.created,
            "skipped": plan.skipped,
        },
    )


def replan_enrollment(enrollment: Enrollment, spec: ProtocolSpec, *, now: datetime) -> Replanned:
    """Bring the enrollment's unsent check-ins in line with the spec's steps, by step key."""
    plan = Replanned()
    opted_out = enrollment.patient.opted_out_at is not None
    asked, unsent, doubles = _sort_by_key(enrollment, opted_out)
    for check_in in doubles:
        _cancel(check_in, plan, now)
    zone = ZoneInfo(enrollment.patient.timezone)
    steps = {step.key: step for step in spec.steps}
    for key, check_in in unsent.items():
        step = steps.get(key)
        if step is None or key in asked:
            _cancel(check_in, plan, now)
        elif (check_in.label, check_in.offset_hours) != (step.label, step.offset_hours):
            _move(check_in, step, spec, zone, plan, now=now)
    for step in spec.steps:
        if step.key in asked:
            plan.skipped[step.label] = "already sent"
        elif step.key not in unsent:
            _add(enrollment, step, spec, zone, plan, opted_out=opted_out, now=now)
    return plan


def _sort_by_key(
    enrollment: Enrollment, opted_out: bool
) -> tuple[set[str], dict[str, CheckIn], list[CheckIn]]:
    """The step keys already asked, the unsent check-in of each step, and any second unsent
    check-in of a step (there should be none); rows without a key get theirs."""
    keys_by_label = {step.label: step.key for step in spec_of(enrollment.protocol).steps}
    asked: set[str] = set()
    unsent: dict[str, CheckIn] = {}
    doubles: list[CheckIn] = []
    for check_in in sorted(enrollment.check_ins, key=lambda row: row.id):
        if check_in.step_key is None:
            check_in.step_key = keys_by_label.get(check_in.label, check_in.label)
        if _is_unsent(check_in, opted_out):
            if check_in.step_key in unsent:
                doubles.append(check_in)
            else:
                unsent[check_in.step_key] = check_in
        elif check_in.status != CheckInStatus.CANCELLED or check_in.sent_at is not None:
            asked.add(check_in.step_key)
    return asked, unsent, doubles


def _cancel(check_in: CheckIn, plan: Replanned, now: datetime) -> None:
    check_in.status = CheckInStatus.CANCELLED
    check_in.reason = PROTOCOL_CHANGED
    check_in.ended_at = now
    plan.cancelled.append(check_in.id)


def _move(
    check_in: CheckIn,
    step: Step,
    spec: ProtocolSpec,
    zone: ZoneInfo,
    plan: Replanned,
    *,
    now: datetime,
) -> None:
    """Give an unsent check-in its step's new label, offset and due time (same row)."""
    due_at = catch_up_due_at(check_in.enrollment.performed_at, step, zone, spec, now=now)
    if due_at is None:
        plan.skipped[step.label] = "too late"
        _cancel(check_in, plan, now)
        return
    check_in.label, check_in.offset_hours, check_in.due_at = step.label, step.offset_hours, due_at
    plan.moved.append(check_in.id)


def _add(
    enrollment: Enrollment,
    step: Step,
    spec: ProtocolSpec,
    zone: ZoneInfo,
    plan: Replanned,
    *,
    opted_out: bool,
    now: datetime,
) -> None:
    due_at = catch_up_due_at(enrollment.performed_at, step, zone, spec, now=now)
    if due_at is None:
        plan.skipped[step.label] = "too late"
        return
    enrollment.check_ins.append(new_check_in(step, due_at, opted_out=opted_out))
    plan.created.append(step.label)


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


def new_check_in(step: Step, due_at: datetime, *, opted_out: bool) -> CheckIn:
    """A planned check-in for a step, carrying its stable key (cancelled for an opted-out
    patient the way an opt-out cancels, so that opting back in restores it)."""
    return CheckIn(
        label=step.label,
        step_key=step.key,
        offset_hours=step.offset_hours,
        due_at=due_at,
        status=CheckInStatus.CANCELLED if opted_out else CheckInStatus.SCHEDULED,
        reason=OPTED_OUT_REASON if opted_out else None,
        reminders_sent=0,
    )
