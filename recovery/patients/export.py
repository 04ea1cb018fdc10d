"""A patient's right of access (SPEC 6.6): everything held about them, as JSON-ready data.

Every column of every row held (``holdings``) is given as stored, times in UTC ISO 8601;
flags carry their history from the audit log, so the notes written when acknowledging and
resolving them come too. The export is audited as a view of the patient.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from recovery.models import AuditEvent, Base, CheckIn, Enrollment, Flag, Message, Patient
from recovery.patients.holdings import audit_events_of, holdings_of
from recovery.staff.audit import record_event


def export_patient(
    session: Session, patient: Patient, *, actor: str, now: datetime
) -> dict[str, Any]:
    """Everything held about the patient (the view is audited in the session)."""
    holdings = holdings_of(session, patient)
    enrollments = _rows(session, Enrollment, holdings.enrollment_ids)
    history = session.scalars(
        select(AuditEvent).where(audit_events_of(holdings)).order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    document = {
        "patient": row_document(patient),
        "enrollments": [
            {**row_document(e), "protocol": e.protocol.name, "protocol_version": e.protocol.version}
            for e in enrollments
        ],
        "check_ins": [row_document(c) for c in _rows(session, CheckIn, holdings.check_in_ids)],
        "messages": [row_document(m) for m in _rows(session, Message, holdings.message_ids)],
        "flags": [
            {**row_document(flag), "history": _flag_history(flag, history)}
            for flag in _rows(session, Flag, holdings.flag_ids)
        ],
        "audit_events": [_event_document(event) for event in history],
    }
    record_event(
        session,
        actor=actor,
        action="patient.view",
        record_type="patient",
        record_id=patient.id,
        now=now,
        detail={"page": "export"},
    )
    return document


def row_document(row: Base) -> dict[str, Any]:
    """Every column of a row, as JSON can hold it."""
    return {
        column.key: _plain(getattr(row, column.key)) for column in inspect(row).mapper.column_attrs
    }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _rows(session: Session, model: Any, ids: list[int]) -> list[Any]:
    return list(session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)))


def _flag_history(flag: Flag, events: Sequence[AuditEvent]) -> list[dict[str, Any]]:
    return [
        _event_document(event)
        for event in events
        if event.record_type == "flag" and event.record_id == flag.id
    ]


def _event_document(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "record_type": event.record_type,
        "record_id": event.record_id,
        "detail": event.detail,
    }
