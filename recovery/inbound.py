"""Keeping every inbound text: stored first, once per Twilio MessageSid."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import phonenumbers
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recovery.models import Message, Patient
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
    """The patient whose phone this is, if any."""
    return session.scalars(select(Patient).where(Patient.phone == number)).first()


def find_by_sid(session: Session, sid: str) -> Message | None:
    """The stored text with this Twilio SID, if any."""
    return session.scalars(select(Message).where(Message.sid == sid)).first()


def store_inbound(session: Session, text: InboundText, *, now: datetime) -> tuple[Message, bool]:
    """Store the text unless its SID is already stored; return it and whether it is new."""
    existing = find_by_sid(session, text.sid)
    if existing is not None:
        return existing, False
    sender = normalize_sender(storable(text.from_number))
    patient = find_patient(session, sender)
    enrollment_id = patient.enrollments[-1].id if patient and patient.enrollments else None
    message = Message(
        direction=Direction.INBOUND,
        kind=MessageKind.REPLY,
        patient_id=patient.id if patient else None,
        enrollment_id=enrollment_id,
        from_number=sender,
        to_number=storable(text.to_number)[:20],
        body=storable(text.body),
        sid=text.sid,
        status=MessageStatus.RECEIVED,
        raw={storable(key): storable(value) for key, value in text.params.items()},
        created_at=now,
        status_at=now,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        # The same SID arrived twice at once (a Twilio retry): keep the first.
        stored = find_by_sid(session, text.sid)
        if stored is None:
            raise
        return stored, False
    return message, True


def replies_to(session: Session, message: Message) -> list[Message]:
    """What we answered to an inbound text, in order."""
    query = select(Message).where(Message.in_reply_to_id == message.id).order_by(Message.id)
    return list(session.scalars(query))
