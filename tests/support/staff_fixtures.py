"""Data for the staff web app's tests (test client and browser): users, patients, flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from recovery.models import CheckIn, Enrollment, Flag, Heartbeat
from recovery.runtime import Runtime, utc_now
from recovery.staff.accounts import create_user
from recovery.states import SEVERITY_RANK, CheckInStatus, FlagKind, FlagStatus, Severity
from tests.support import factories

PASSWORD = "correct-horse-battery"
NURSE_EMAIL = "nurse@example.org"
ADMIN_EMAIL = "admin@example.org"
DEFAULT_SEVERITY = {
    FlagKind.RED_FLAG_SYMPTOMS: Severity.URGENT,
    FlagKind.SEVERE_PAIN: Severity.HIGH,
    FlagKind.WORSENING_PAIN: Severity.HIGH,
    FlagKind.PERSISTENT_PAIN: Severity.HIGH,
}


def add_user(runtime: Runtime, email: str, role: str, password: str = PASSWORD) -> int:
    """A staff account; its id."""
    with runtime.transaction() as session:
        return create_user(session, email, role, password, actor="tests", now=utc_now()).id


def enroll_patient(
    runtime: Runtime,
    *,
    name: str = "Maria Lopez",
    phone: str = "+15625550123",
    performed_at: datetime | None = None,
    baseline_pain: int | None = 8,
    mrn: str | None = None,
    timezone: str = "America/Los_Angeles",
) -> tuple[int, int]:
    """An enrolled patient (procedure 20 hours ago unless told); (patient id, enrollment id)."""
    enrollment_id = factories.enroll_patient(
        runtime,
        phone,
        performed_at=performed_at or utc_now() - timedelta(hours=20),
        name=name,
        timezone=timezone,
        baseline_pain=baseline_pain,
        mrn=mrn,
        now=utc_now(),
    )
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        return enrollment.patient_id, enrollment_id


def answer(runtime: Runtime, enrollment_id: int, label: str, pain: int, activity: int) -> None:
    """Record a check-in as sent and answered."""
    with runtime.transaction() as session:
        check_in = session.scalars(
            select(CheckIn).where(CheckIn.enrollment_id == enrollment_id, CheckIn.label == label)
        ).one()
        check_in.status = CheckInStatus.ANSWERED
        check_in.sent_at = check_in.queued_at = check_in.answered_at = utc_now()
        check_in.pain, check_in.activity = pain, activity


def add_flag(
    runtime: Runtime,
    enrollment_id: int,
    kind: FlagKind,
    *,
    reason: str = "Pain 8/10 at two check-ins in a row.",
    age: timedelta = timedelta(minutes=12),
    status: FlagStatus = FlagStatus.OPEN,
) -> int:
    """A flag raised ``age`` ago; its id."""
    severity = DEFAULT_SEVERITY.get(kind, Severity.NORMAL)
    created_at = utc_now() - age
    with runtime.transaction() as session:
        flag = Flag(
            enrollment_id=enrollment_id,
            kind=kind,
            severity=severity,
            severity_rank=SEVERITY_RANK[severity],
            status=status,
            reason=reason,
            evidence={"check_in_ids": [], "message_ids": []},
            created_at=created_at,
            updated_at=created_at,
            escalations=0,
        )
        session.add(flag)
        session.flush()
        return flag.id


def beat(runtime: Runtime, at: datetime | None = None) -> None:
    """Record a due-work pass (the scheduler's sign of life)."""
    at = at or utc_now()
    with runtime.transaction() as session:
        row = session.get(Heartbeat, "due-work")
        if row is None:
            session.add(Heartbeat(name="due-work", beat_at=at, detail={}))
        else:
            row.beat_at = at


def enrollment_of(runtime: Runtime, enrollment_id: int) -> Enrollment:
    """An enrollment with its check-ins loaded (detached, for reading)."""
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        _ = list(enrollment.check_ins), enrollment.protocol
        return enrollment


def at(text: str) -> datetime:
    """An aware instant from ISO 8601."""
    return datetime.fromisoformat(text).astimezone(UTC)
