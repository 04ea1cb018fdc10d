"""Retention (SPEC 6.6): patients whose every follow-up ended more than ``RETENTION_DAYS``
before now are deleted, with everything held about them, leaving one audit event with the
counts. ``now`` is a parameter: the CLI's ``--at`` and the scheduler's daily job pass it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from recovery.models import Enrollment, Patient
from recovery.patients.erasure import delete_holdings, lock_patient
from recovery.patients.holdings import Holdings, holdings_of
from recovery.staff.audit import record_event
from recovery.states import EnrollmentStatus

# What a purge counts, in the order it is told.
COUNTED = ("patients", "enrollments", "check_ins", "messages", "flags")


@dataclass
class Purge:
    """What a purge deleted (or, dry, would delete)."""

    cutoff: datetime
    patient_ids: list[int] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def expired_patient_ids(session: Session, *, cutoff: datetime) -> list[int]:
    """The patients with at least one follow-up, every one of which ended before cutoff."""
    return list(session.scalars(_expired(cutoff).order_by(Patient.id)))


def _expired(cutoff: datetime) -> Select[int]:
    still_held = select(Enrollment.id).where(
        Enrollment.patient_id == Patient.id,
        or_(
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Enrollment.ended_at.is_(None),
            Enrollment.ended_at >= cutoff,
        ),
    )
    has_any = select(Enrollment.id).where(Enrollment.patient_id == Patient.id)
    return select(Patient.id).where(exists(has_any), ~exists(still_held))


def purge_expired(
    session: Session, *, days: int, now: datetime, actor: str, dry_run: bool = False
) -> Purge:
    """Delete the expired patients (nothing when dry) and audit the counts."""
    purge = Purge(cutoff=now - timedelta(days=days))
    for patient_id in expired_patient_ids(session, cutoff=purge.cutoff):
        holdings = _purge_one(session, patient_id, purge.cutoff, dry_run=dry_run, now=now)
        if holdings is not None:
            purge.patient_ids.append(patient_id)
            purge.counts.update(holdings.counts())
    if not dry_run:
        record_event(
            session,
            actor=actor,
            action="retention.purge",
            record_type="patient",
            record_id=None,
            now=now,
            detail={
                "retention_days": days,
                "cutoff": purge.cutoff.isoformat(),
                **{kind: purge.counts[kind] for kind in COUNTED},
                "patient_ids": purge.patient_ids,
            },
        )
    return purge


def _purge_one(
    session: Session, patient_id: int, cutoff: datetime, *, dry_run: bool, now: datetime
) -> Holdings | None:
    """Delete one expired patient (or, dry, say what would go); None if no longer expired."""
    patient = session.get(Patient, patient_id)
    if patient is None:
        return None
    if dry_run:
        return holdings_of(session, patient)
    lock_patient(session, patient)
    if session.scalar(_expired(cutoff).where(Patient.id == patient_id)) is None:
        return None  # enrolled again meanwhile
    return delete_holdings(session, patient, now=now)
