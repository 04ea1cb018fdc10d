"""Keeping every inbound text: stored first, once per Twilio MessageSid."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import phonenumbers
from sqlalchemy import Select, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql.dml import ReturningInsert

from recovery.models import Base, Enrollment, Message, Patient
from recovery.patients.identity import owner_order
from recovery.states import Direction, MessageKind, MessageStatus


@dataclass(frozen=True)
class InboundText:
    """A text as Twilio posted it."""

    sid: str
    from_number: str
    to_number: str
    body: str
    params: dict[str, str] = field(default_factory=dict)


def storable(text: str) -> str:
    """Text any database keeps: PostgreSQL refuses NUL characters, so they become U+FFFD."""
    return text.replace("\x00", "\ufffd")


def is_sid(text: str) -> bool:
    """Whether text can be a Twilio SID: printable ASCII that fits the column (64)."""
    return 0 < len(text) <= 64 and text.isascii() and text.isprintable()


def normalize_sender(number: str) -> str:
    """A sender's number as E.164 when it parses, else as given (short codes, odd senders)."""
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return number.strip()[:20]
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)[:20]


def find_patient(session: Session, number: str) -> Patient | None:
    """The patient a text from this number belongs to (SPEC 3): the one whose follow-up on
    the phone is active, else the one with the phone's most recent follow-up, whoever of the
    people sharing the phone that is."""
    owner_id = session.scalar(_owner_query(number))
    return session.get(Patient, owner_id) if owner_id is not None else None


def _owner_query(number: Any) -> Select[int]:
    """The id of the patient a text from the number belongs to, first of the rows."""
    return (
        select(Patient.id)
        .outerjoin(Enrollment, Enrollment.patient_id == Patient.id)
        .where(Patient.phone == number)
        .order_by(*owner_order(), Patient.id.desc())
        .limit(1)
    )


def lock_with_patient(session: Session, message_id: int) -> tuple[Message, Patient | None]:
    """A stored text and its sender's patient, with every enrollment, check-in and protocol
    version an answer reads; the text's row and every patient row of its phone locked.

    The text's lock makes a retry of its SID wait for its answer; the phone's locks make
    two texts from one phone answered at the same moment take turns, the second reading
    what the first recorded. Every answer takes them in this order (patients by id).
    """
    message = session.scalars(
        select(Message).where(Message.id == message_id).with_for_update()
    ).one()
    lock = (
        select(Patient.id)
        .where(Patient.phone == message.from_number)
        .order_by(Patient.id)
        .with_for_update()
    )
    if not session.scalars(lock).all():
        return message, None
    # Statements of their own after the lock: on PostgreSQL they then see what the text
    # answered before it committed (a locking statement reads other rows as they were
    # when it began).
    patient_id = session.scalar(_owner_query(message.from_number))
    enrollments = joinedload(Patient.enrollments)
    query = (
        select(Patient)
        .where(Patient.id == patient_id)
        .options(
            enrollments.joinedload(Enrollment.check_ins),
            enrollments.joinedload(Enrollment.protocol),
        )
        .execution_options(populate_existing=True)
    )
    return message, session.scalars(query).unique().one()


def store_inbound(session: Session, text: InboundText, *, now: datetime) -> tuple[int, bool]:
    """Store the text unless its SID is already stored; return its id and whether it is new.

    One statement: the sender's patient and the follow-up the text belongs to (the phone's
    active one, else its most recent) are looked up inside the INSERT, and a SID already
    stored (a Twilio retry, even one arriving at the same moment) inserts nothing.
    """
    values = {
        "sender": normalize_sender(storable(text.from_number)),
        "to_number": storable(text.to_number)[:20],
        "body": storable(text.body),
        "sid": text.sid,
        "raw": {storable(key): storable(value) for key, value in text.params.items()},
        "now": now,
    }
    statement = _store_statement(session.get_bind().dialect.name)
    new_id = session.execute(statement, values).scalar_one_or_none()
    if new_id is not None:
        return new_id, True
    return session.scalars(select(Message.id).where(Message.sid == text.sid)).one(), False


@cache
def _store_statement(dialect: str) -> ReturningInsert[Any]:
    """The INSERT of an inbound text, built once per kind of database (both know ON CONFLICT)."""
    table = Base.metadata.tables[Message.__tablename__]
    sender = bindparam("sender", type_=table.c.from_number.type)
    now = bindparam("now", type_=table.c.created_at.type)
    # Not correlated: the owner's query reads every enrollment of the phone, not the outer one.
    owner = _owner_query(sender).correlate(None).scalar_subquery()
    enrollment = (
        select(Enrollment.id)
        .where(Enrollment.patient_id == owner)
        .order_by(*owner_order())
        .limit(1)
        .scalar_subquery()
    )
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(table)
        .values(
            direction=Direction.INBOUND,
            kind=MessageKind.REPLY,
            patient_id=owner,
            enrollment_id=enrollment,
            from_number=sender,
            to_number=bindparam("to_number", type_=table.c.to_number.type),
            body=bindparam("body", type_=table.c.body.type),
            sid=bindparam("sid", type_=table.c.sid.type),
            status=MessageStatus.RECEIVED,
            attempts=0,
            raw=bindparam("raw", type_=table.c.raw.type),
            created_at=now,
            status_at=now,
        )
        .on_conflict_do_nothing(index_elements=[table.c.sid])
        .returning(table.c.id)
    )
