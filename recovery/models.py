"""The database: typed SQLAlchemy models for every entity of SPEC section 3.

Sending is an outbox. Every outbound text is a ``Message`` row first (``pending``); a
sender claims rows with a lease, calls Twilio outside any transaction, and records the
answer. A check-in moves to ``sent`` when Twilio accepted its text. The state machines
are drawn on the enums in ``recovery.states``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    column,
    desc,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from recovery.states import (
    CheckInStatus,
    Direction,
    EnrollmentStatus,
    FlagKind,
    FlagStatus,
    MessageKind,
    MessageStatus,
    Role,
    Severity,
)
from recovery.types import UTCDateTime, value_enum

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model, with a naming convention for constraints."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Protocol(Base):
    """One version of a named follow-up protocol; versions are never edited."""

    __tablename__ = "protocols"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    definition: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(120))


class Patient(Base):
    """Someone we text. Two people may share a phone (spouses, a caregiver's mobile)."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    language: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    mrn: Mapped[str | None] = mapped_column(String(64), index=True)
    consent_at: Mapped[datetime | None]
    consent_method: Mapped[str | None] = mapped_column(String(120))
    opted_out_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="patient", order_by="Enrollment.id"
    )


class Enrollment(Base):
    """One patient's follow-up after one procedure."""

    __tablename__ = "enrollments"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("protocols.id"))
    procedure_kind: Mapped[str] = mapped_column(String(64))
    performed_at: Mapped[datetime]
    levels: Mapped[str | None] = mapped_column(String(64))
    baseline_pain: Mapped[int | None]
    status: Mapped[EnrollmentStatus] = mapped_column(value_enum(EnrollmentStatus))
    paused_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    patient: Mapped[Patient] = relationship(back_populates="enrollments")
    protocol: Mapped[Protocol] = relationship()
    check_ins: Mapped[list[CheckIn]] = relationship(
        back_populates="enrollment", order_by="CheckIn.due_at"
    )


class CheckIn(Base):
    """One scheduled contact; see ``CheckInStatus`` for its life."""

    __tablename__ = "check_ins"
    __table_args__ = (
        Index("ix_check_ins_status_due_at", "status", "due_at"),
        Index("ix_check_ins_enrollment_id_due_at", "enrollment_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    label: Mapped[str] = mapped_column(String(32))
    # The protocol step's stable key, kept across versions when its label or offset changes.
    step_key: Mapped[str | None] = mapped_column(String(32))
    offset_hours: Mapped[float]
    due_at: Mapped[datetime]
    status: Mapped[CheckInStatus] = mapped_column(value_enum(CheckInStatus))
    reason: Mapped[str | None] = mapped_column(String(200))
    queued_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    pain: Mapped[int | None]
    activity: Mapped[int | None]
    pain_reprompted: Mapped[bool] = mapped_column(default=False)
    activity_reprompted: Mapped[bool] = mapped_column(default=False)

    enrollment: Mapped[Enrollment] = relationship(back_populates="check_ins")


class Message(Base):
    """Every SMS in or out, stored before anything else is done with it."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_outbox", "status", "next_attempt_at"),
        Index("ix_messages_patient_id_created_at", "patient_id", "created_at"),
        Index("ix_messages_enrollment_id", "enrollment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[Direction] = mapped_column(value_enum(Direction))
    kind: Mapped[MessageKind] = mapped_column(value_enum(MessageKind))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    check_in_id: Mapped[int | None] = mapped_column(ForeignKey("check_ins.id"), index=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flags.id"))
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), index=True)
    to_number: Mapped[str] = mapped_column(String(20))
    from_number: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[MessageStatus] = mapped_column(value_enum(MessageStatus))
    error_code: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    processed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    status_at: Mapped[datetime | None]


class Flag(Base):
    """Something a nurse must look at; at most one open per enrollment and kind."""

    __tablename__ = "flags"
    __table_args__ = (
        Index(
            "uq_flags_one_open_per_kind",
            "enrollment_id",
            "kind",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
        # The worklist's orders: most severe then oldest first, and newest resolved first.
        Index("ix_flags_worklist", "status", desc(column("severity_rank")), "created_at", "id"),
        Index("ix_flags_resolved", "status", "resolved_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    kind: Mapped[FlagKind] = mapped_column(value_enum(FlagKind))
    severity: Mapped[Severity] = mapped_column(value_enum(Severity))
    severity_rank: Mapped[int]
    status: Mapped[FlagStatus] = mapped_column(value_enum(FlagStatus))
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None]
    escalations: Mapped[int] = mapped_column(default=0)

    enrollment: Mapped[Enrollment] = relationship()


# 64-bit on PostgreSQL; SQLite numbers its rows only in a column typed exactly INTEGER.
TALLY_ID = BigInteger().with_variant(Integer(), "sqlite")


class MessageTally(Base):
    """Texts counted by direction, status and error code, as rows of changes that add up.

    Written by the database's own triggers on ``messages`` (migration 0006), whatever changed
    the texts (the service, bulk SQL, an erasure, a purge): each change appends rows (+1, -1,
    or a statement's sum), never updating a shared row, so concurrent writers do not wait on
    each other. ``recovery.db.fold_tallies`` folds the rows into one per label.
    """

    __tablename__ = "message_tallies"

    id: Mapped[int] = mapped_column(TALLY_ID, primary_key=True)
    direction: Mapped[Direction] = mapped_column(value_enum(Direction))
    status: Mapped[MessageStatus] = mapped_column(value_enum(MessageStatus))
    error_code: Mapped[int | None]
    delta: Mapped[int] = mapped_column(BigInteger)


class FlagTally(Base):
    """Flags counted by kind, severity and status, kept like ``MessageTally`` by triggers on
    ``flags``."""

    __tablename__ = "flag_tallies"

    id: Mapped[int] = mapped_column(TALLY_ID, primary_key=True)
    kind: Mapped[FlagKind] = mapped_column(value_enum(FlagKind))
    severity: Mapped[Severity] = mapped_column(value_enum(Severity))
    status: Mapped[FlagStatus] = mapped_column(value_enum(FlagStatus))
    delta: Mapped[int] = mapped_column(BigInteger)


class ForgottenText(Base):
    """An inbound text of an erased or purged patient, known only by a SHA-256 of its SID.

    Twilio's message log still holds the text: the inbound catch-up, looking back past the
    erasure, must not store it again. The digest of a random Twilio id tells nothing of the
    patient.
    """

    __tablename__ = "forgotten_texts"

    sid_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    forgotten_at: Mapped[datetime]


class StaffUser(Base):
    """A nurse or administrator who signs in to the web app."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(value_enum(Role))
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    # Counted up at sign-out: session cookies issued before then stop working.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime]


class ApiToken(Base):
    """A bearer token for integrations, kept only as a hash."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Who did what to which record, and when."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]]


class Heartbeat(Base):
    """When a named background pass last ran (the scheduler's sign of life)."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime]
    detail: Mapped[dict[str, Any]]
