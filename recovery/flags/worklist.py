"""The nurses' worklist: flags, most severe first, then oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from recovery.models import CheckIn, Enrollment, Flag, Patient
from recovery.states import FlagStatus


@dataclass(frozen=True)
class WorklistRow:
    """One flag as the worklist shows it."""

    flag: Flag
    patient_id: int
    patient_name: str
    latest_pain: int | None


def worklist(
    session: Session, status: FlagStatus = FlagStatus.OPEN, *, limit: int = 1000, offset: int = 0
) -> list[WorklistRow]:
    """Flags with the given status, most severe then oldest first (resolved: newest first).

    The page of flags is picked from the flags alone, in the order of an index, and only
    its rows are joined to their patients and latest pain: a later page skips index
    entries, not joined rows.
    """
    order = (
        (Flag.resolved_at.desc(), Flag.id.desc())
        if status == FlagStatus.RESOLVED
        else (Flag.severity_rank.desc(), Flag.created_at, Flag.id)
    )
    page = (
        select(Flag.id)
        .where(Flag.status == status)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    latest_pain = (
        select(CheckIn.pain)
        .where(CheckIn.enrollment_id == Flag.enrollment_id, CheckIn.pain.is_not(None))
        .order_by(CheckIn.due_at.desc())
        .limit(1)
        .correlate(Flag)
        .scalar_subquery()
    )
    query = (
        select(Flag, Patient.id, Patient.name, latest_pain)
        .join(page, page.c.id == Flag.id)
        .join(Enrollment, Enrollment.id == Flag.enrollment_id)
        .join(Patient, Patient.id == Enrollment.patient_id)
        .order_by(*order)
    )
    return [WorklistRow(*row) for row in session.execute(query)]


def flag_age_minutes(flag: Flag, now: datetime) -> int:
    """Whole minutes since the flag was raised."""
    return max(0, int((now - flag.created_at).total_seconds() // 60))
