"""Erasing a patient (SPEC 6.6): every row held about them goes, the audit log stays.

The audit log outlives the data (who looked at or changed which record, and when), but after
an erasure it holds record ids only: the details of each event about the patient's records
(a flag's note, a corrected pain score, how they opted out) are scrubbed, and the erasure's
own event holds the erased record ids and a SHA-256 of the MRN, for reconciliation with the
hospital's records. A follow-up still active is refused: a nurse withdraws it first.
Other people on the same phone, and their texts, are not touched.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from recovery.models import (
    AuditEvent,
    CheckIn,
    Enrollment,
    Flag,
    ForgottenText,
    Message,
    Patient,
)
from recovery.patients.holdings import Holdings, audit_events_of, holdings_of
from recovery.patients.identity import lock_identity
from recovery.staff.audit import record_event
from recovery.states import Direction, EnrollmentStatus


class ErasureRefused(ValueError):
    """The patient cannot be erased now (a follow-up is active, no reason was given)."""


def erase_patient(
    session: Session, patient: Patient, *, actor: str, reason: str, now: datetime
) -> Holdings:
    """Delete everything held about the patient and audit it; return what was deleted."""
    reason = reason.strip()
    if not reason:
        raise ErasureRefused("a reason is required to erase a patient")
    lock_patient(session, patient)
    active = [e.id for e in patient.enrollments if e.status == EnrollmentStatus.ACTIVE]
    if active:
        raise ErasureRefused(
            f"patient {patient.id} has an active follow-up, enrollment {active[0]}:"
            " withdraw it first"
        )
    mrn_sha256 = hashlib.sha256(patient.mrn.encode()).hexdigest() if patient.mrn else None
    holdings = delete_holdings(session, patient, now=now)
    record_event(
        session,
        actor=actor,
        action="patient.erase",
        record_type="patient",
        record_id=holdings.patient_id,
        now=now,
        detail={
            "reason": reason,
            "mrn_sha256": mrn_sha256,
            "enrollment_ids": holdings.enrollment_ids,
            "check_in_ids": holdings.check_in_ids,
            "flag_ids": holdings.flag_ids,
            "message_ids": holdings.message_ids,
        },
    )
    return holdings


def lock_patient(session: Session, patient: Patient) -> None:
    """Make enrollments and answering texts of the patient's phone wait for this transaction,
    and read the patient's enrollments as they are now."""
    lock_identity(session, patient.phone, patient.mrn)
    session.execute(select(Patient.id).where(Patient.id == patient.id).with_for_update())
    session.refresh(patient, ["enrollments"])


def delete_holdings(session: Session, patient: Patient, *, now: datetime) -> Holdings:
    """Delete every row held about the patient and scrub the audit events about them."""
    holdings = holdings_of(session, patient)
    texts = holdings.message_ids
    forget_inbound_texts(session, texts, now=now)
    # Replies stay consistent: a text answering an erased one no longer points at it.
    session.execute(
        update(Message).where(Message.in_reply_to_id.in_(texts)).values(in_reply_to_id=None)
    )
    session.execute(delete(Message).where(Message.id.in_(texts)))
    session.execute(delete(Flag).where(Flag.id.in_(holdings.flag_ids)))
    session.execute(delete(CheckIn).where(CheckIn.id.in_(holdings.check_in_ids)))
    session.execute(delete(Enrollment).where(Enrollment.id.in_(holdings.enrollment_ids)))
    session.execute(delete(Patient).where(Patient.id == patient.id))
    scrub_audit_events(session, holdings)
    session.expunge(patient)
    return holdings


def forget_inbound_texts(session: Session, message_ids: list[int], *, now: datetime) -> None:
    """Keep a SHA-256 of each inbound text's SID, so that fetching Twilio's log after an
    outage never stores the text again."""
    query = select(Message.sid).where(
        Message.id.in_(message_ids),
        Message.direction == Direction.INBOUND,
        Message.sid.is_not(None),
    )
    digests = {sid_digest(sid or "") for sid in session.scalars(query)}
    known = select(ForgottenText.sid_sha256).where(ForgottenText.sid_sha256.in_(digests))
    for digest in digests - set(session.scalars(known)):
        session.add(ForgottenText(sid_sha256=digest, forgotten_at=now))
    session.flush()


def sid_digest(sid: str) -> str:
    """The SHA-256 a forgotten text is known by."""
    return hashlib.sha256(sid.encode("ascii", "replace")).hexdigest()


def scrub_audit_events(session: Session, holdings: Holdings) -> int:
    """Keep each event about the patient's records (who, what, which record, when) but only
    the record ids of its detail; return how many were scrubbed."""
    events = session.scalars(select(AuditEvent).where(audit_events_of(holdings))).all()
    for event in events:
        event.detail = scrubbed(event.detail)
    return len(events)


def scrubbed(detail: dict[str, Any]) -> dict[str, Any]:
    """An audit detail with record ids only (keys ``*_id`` and ``*_ids``)."""
    kept = {key: value for key, value in detail.items() if key.endswith(("_id", "_ids"))}
    return {**kept, "erased": True}
