"""Records as JSON-ready dictionaries, for the API and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from recovery.models import CheckIn, Enrollment, Flag, Message, Patient

UTC_ZONE = ZoneInfo("UTC")


def iso(instant: datetime | None, zone: ZoneInfo = UTC_ZONE) -> str | None:
    """ISO 8601 with the offset of ``zone`` (UTC by default), or None."""
    return instant.astimezone(zone).isoformat() if instant is not None else None


def patient_document(patient: Patient) -> dict[str, Any]:
    """A patient as the API shows it (times in the patient's timezone)."""
    zone = ZoneInfo(patient.timezone)
    return {
        "id": patient.id,
        "name": patient.name,
        "phone": patient.phone,
        "language": patient.language,
        "timezone": patient.timezone,
        "mrn": patient.mrn,
        "sms_consent": patient.consent_at is not None,
        "consent_at": iso(patient.consent_at, zone),
        "opted_out": patient.opted_out_at is not None,
        "opted_out_at": iso(patient.opted_out_at, zone),
    }


def check_in_document(check_in: CheckIn, zone: ZoneInfo = UTC_ZONE) -> dict[str, Any]:
    """A check-in with its answers."""
    return {
        "id": check_in.id,
        "label": check_in.label,
        "due_at": iso(check_in.due_at, zone),
        "status": check_in.status.value,
        "reason": check_in.reason,
        "sent_at": iso(check_in.sent_at, zone),
        "answered_at": iso(check_in.answered_at, zone),
        "pain": check_in.pain,
        "activity": check_in.activity,
        "reminders_sent": check_in.reminders_sent,
    }


def flag_document(flag: Flag) -> dict[str, Any]:
    """A flag with its lifecycle."""
    return {
        "id": flag.id,
        "enrollment_id": flag.enrollment_id,
        "kind": flag.kind.value,
        "severity": flag.severity.value,
        "status": flag.status.value,
        "reason": flag.reason,
        "evidence": flag.evidence,
        "created_at": iso(flag.created_at),
        "updated_at": iso(flag.updated_at),
        "acknowledged_at": iso(flag.acknowledged_at),
        "acknowledged_by": flag.acknowledged_by,
        "resolved_at": iso(flag.resolved_at),
        "resolved_by": flag.resolved_by,
        "resolution_note": flag.resolution_note,
    }


def message_document(message: Message, zone: ZoneInfo = UTC_ZONE) -> dict[str, Any]:
    """A text in or out."""
    return {
        "id": message.id,
        "direction": message.direction.value,
        "kind": message.kind.value,
        "body": message.body,
        "sid": message.sid,
        "status": message.status.value,
        "error_code": message.error_code,
        "check_in_id": message.check_in_id,
        "created_at": iso(message.created_at, zone),
        "sent_at": iso(message.sent_at, zone),
    }


def enrollment_document(session: Session, enrollment: Enrollment) -> dict[str, Any]:
    """An enrollment with its patient, procedure, check-ins, flags and messages."""
    flags = session.scalars(
        select(Flag).where(Flag.enrollment_id == enrollment.id).order_by(Flag.created_at)
    ).all()
    messages = session.scalars(
        select(Message).where(Message.enrollment_id == enrollment.id).order_by(Message.id)
    ).all()
    zone = ZoneInfo(enrollment.patient.timezone)
    return {
        "id": enrollment.id,
        "status": enrollment.status.value,
        "paused": enrollment.paused_at is not None,
        "patient": patient_document(enrollment.patient),
        "procedure": {
            "kind": enrollment.procedure_kind,
            "performed_at": iso(enrollment.performed_at, zone),
            "levels": enrollment.levels,
            "baseline_pain": enrollment.baseline_pain,
        },
        "protocol": enrollment.protocol.name,
        "protocol_version": enrollment.protocol.version,
        "created_at": iso(enrollment.created_at, zone),
        "check_ins": [check_in_document(c, zone) for c in enrollment.check_ins],
        "flags": [flag_document(flag) for flag in flags],
        "messages": [message_document(message, zone) for message in messages],
    }
