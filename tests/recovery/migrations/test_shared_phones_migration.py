"""Migration 0005 (patients may share a phone; check-ins keep their step's key) on a
database that holds data: nothing is lost, and a second patient may then use a phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select

from recovery.db import upgrade_database
from recovery.models import (
    AuditEvent,
    Base,
    CheckIn,
    Enrollment,
    Flag,
    Message,
    Patient,
    Protocol,
)
from recovery.states import (
    CheckInStatus,
    Direction,
    EnrollmentStatus,
    FlagKind,
    FlagStatus,
    MessageKind,
    MessageStatus,
    Severity,
)

T0 = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)
MODELS = (Protocol, Patient, Enrollment, CheckIn, Message, Flag, AuditEvent)
NEW_COLUMNS = {"step_key"}


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def rows() -> list[tuple[type[Base], dict[str, Any]]]:
    """Two patients, one opted out; their follow-ups, check-ins in several states, texts both
    ways, flags open, acknowledged and resolved, and the audit log."""
    patient = {"language": "en", "timezone": "America/Los_Angeles", "created_at": at(0)}
    flag = {"evidence": {"message_ids": [1]}, "created_at": at(25), "updated_at": at(25)}
    check_in = {"offset_hours": 24.0, "reminders_sent": 0}
    return [
        (
            Protocol,
            {
                "id": 1,
                "name": "vertebroplasty",
                "version": 1,
                "definition": {"steps": []},
                "created_at": at(0),
                "created_by": "init-db",
            },
        ),
        (
            Patient,
            {
                "id": 1,
                "name": "María López",
                "phone": "+15625550123",
                "mrn": "A1",
                "consent_at": at(0),
                "consent_method": "confirmed by staff (api, token:1)",
                **patient,
                "language": "es",
            },
        ),
        (
            Patient,
            {
                "id": 2,
                "name": "Ann Lee",
                "phone": "+14155550123",
                "mrn": None,
                "consent_at": at(0),
                "consent_method": "confirmed by staff (cli, cli)",
                "opted_out_at": at(30),
                **patient,
            },
        ),
        (
            Enrollment,
            {
                "id": 1,
                "patient_id": 1,
                "protocol_id": 1,
                "procedure_kind": "kyphoplasty",
                "performed_at": at(0),
                "levels": "T12, L1",
                "baseline_pain": 8,
                "status": EnrollmentStatus.ACTIVE,
                "paused_at": at(26),
                "created_at": at(0),
            },
        ),
        (
            Enrollment,
            {
                "id": 2,
                "patient_id": 2,
                "protocol_id": 1,
                "procedure_kind": "vertebroplasty",
                "performed_at": at(0),
                "status": EnrollmentStatus.WITHDRAWN,
                "ended_at": at(40),
                "created_at": at(0),
            },
        ),
        (
            CheckIn,
            {
                "id": 1,
                "enrollment_id": 1,
                "label": "24h",
                "due_at": at(24),
                "status": CheckInStatus.ANSWERED,
                "sent_at": at(24),
                "answered_at": at(25),
                "pain": 7,
                "activity": 2,
                **check_in,
            },
        ),
        (
            CheckIn,
            {
                "id": 2,
                "enrollment_id": 1,
                "label": "48h",
                "due_at": at(48),
                "status": CheckInStatus.SCHEDULED,
                **check_in,
                "offset_hours": 48.0,
            },
        ),
        (
            CheckIn,
            {
                "id": 3,
                "enrollment_id": 2,
                "label": "day one",
                "due_at": at(24),
                "status": CheckInStatus.PARTIAL,
                "sent_at": at(24),
                "pain": 9,
                "pain_reprompted": True,
                **check_in,
                "reminders_sent": 1,
            },
        ),
        (
            CheckIn,
            {
                "id": 4,
                "enrollment_id": 2,
                "label": "48h",
                "due_at": at(48),
                "status": CheckInStatus.CANCELLED,
                "reason": "patient opted out",
                "ended_at": at(30),
                **check_in,
                "offset_hours": 48.0,
            },
        ),
        (
            Message,
            {
                "id": 1,
                "direction": Direction.OUTBOUND,
                "kind": MessageKind.CHECK_IN,
                "patient_id": 1,
                "enrollment_id": 1,
                "check_in_id": 1,
                "to_number": "+15625550123",
                "body": "¿Cómo está su dolor?",
                "sid": "SM1",
                "status": MessageStatus.DELIVERED,
                "attempts": 1,
                "created_at": at(24),
            },
        ),
        (
            Message,
            {
                "id": 2,
                "direction": Direction.INBOUND,
                "kind": MessageKind.REPLY,
                "patient_id": 1,
                "enrollment_id": 1,
                "check_in_id": 1,
                "to_number": "+15005550006",
                "from_number": "+15625550123",
                "body": "7",
                "sid": "SM2",
                "status": MessageStatus.RECEIVED,
                "attempts": 0,
                "raw": {"Body": "7"},
                "processed_at": at(25),
                "created_at": at(25),
            },
        ),
        (
            Message,
            {
                "id": 3,
                "direction": Direction.OUTBOUND,
                "kind": MessageKind.RESPONSE,
                "patient_id": 1,
                "enrollment_id": 1,
                "in_reply_to_id": 2,
                "to_number": "+15625550123",
                "body": "Gracias",
                "attempts": 0,
                "status": MessageStatus.QUEUED,
                "created_at": at(25),
            },
        ),
        (
            Flag,
            {
                "id": 1,
                "enrollment_id": 1,
                "kind": FlagKind.PERSISTENT_PAIN,
                "severity": Severity.HIGH,
                "severity_rank": 2,
                "status": FlagStatus.OPEN,
                "reason": "Pain 7 at 24h",
                "escalations": 0,
                **flag,
            },
        ),
        (
            Flag,
            {
                "id": 2,
                "enrollment_id": 2,
                "kind": FlagKind.RED_FLAG_SYMPTOMS,
                "severity": Severity.URGENT,
                "severity_rank": 3,
                "status": FlagStatus.ACKNOWLEDGED,
                "reason": "Warning signs: fever",
                "acknowledged_at": at(26),
                "acknowledged_by": "user:1:nurse@example.org",
                "escalated_at": at(25),
                "escalations": 1,
                **flag,
            },
        ),
        (
            Flag,
            {
                "id": 3,
                "enrollment_id": 2,
                "kind": FlagKind.OPTED_OUT,
                "severity": Severity.NORMAL,
                "severity_rank": 1,
                "status": FlagStatus.RESOLVED,
                "reason": "The patient opted out",
                "resolved_at": at(31),
                "resolved_by": "user:1:nurse@example.org",
                "resolution_note": "Called her",
                "escalations": 0,
                **flag,
            },
        ),
        (
            AuditEvent,
            {
                "id": 1,
                "at": at(31),
                "actor": "user:1:nurse@example.org",
                "action": "flag.resolve",
                "record_type": "flag",
                "record_id": 3,
                "detail": {"note": "Called her"},
            },
        ),
    ]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables that hold data, in the columns they had before 0005."""
    found = {}
    with engine.connect() as connection:
        for model in MODELS:
            table = Base.metadata.tables[model.__tablename__]
            columns = [c for c in table.columns if c.name not in NEW_COLUMNS]
            query = select(*columns).order_by(table.c.id)
            found[table.name] = [tuple(row) for row in connection.execute(query)]
    return found


def test_upgrading_a_database_with_data_through_0005_loses_nothing(blank_engine) -> None:
    upgrade_database(blank_engine, "0004")
    with blank_engine.begin() as connection:
        for model, values in rows():
            connection.execute(insert(Base.metadata.tables[model.__tablename__]), [values])
    before = snapshot(blank_engine)
    assert [len(before[m.__tablename__]) for m in MODELS] == [1, 2, 2, 4, 3, 3, 1]

    upgrade_database(blank_engine)

    assert snapshot(blank_engine) == before
    with blank_engine.connect() as connection:
        keys = connection.execute(select(CheckIn.id, CheckIn.label, CheckIn.step_key))
        assert [(row.label, row.step_key) for row in keys] == [
            ("24h", "24h"),
            ("48h", "48h"),
            ("day one", "day one"),
            ("48h", "48h"),
        ]
    with blank_engine.begin() as connection:
        spouse = {
            "id": 3,
            "name": "Mario López",
            "phone": "+15625550123",
            "language": "en",
            "timezone": "America/Los_Angeles",
            "created_at": at(50),
        }
        connection.execute(insert(Base.metadata.tables["patients"]), [spouse])
        on_phone = select(Patient.name).where(Patient.phone == "+15625550123")
        assert list(connection.scalars(on_phone.order_by(Patient.id))) == [
            "María López",
            "Mario López",
        ]
