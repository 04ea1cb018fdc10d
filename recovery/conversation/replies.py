"""Receiving an inbound text: stored first, then answered once, and what we answered kept.

The text is stored in its own transaction, committed before anything else is done with it.
Answering then locks the stored text's row (loading its sender's history in the same
query) and answers only a text not yet processed, so a Twilio retry of the same MessageSid,
even one arriving while the first is being answered, gets the answer the first one got.
Both transactions use the same connection. A failure while answering rolls the answer back
and keeps the text, flagged for a nurse.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from recovery.conversation.inbound import (
    InboundText,
    find_patient,
    lock_with_patient,
    store_inbound,
)
from recovery.conversation.routing import answer_text
from recovery.conversation.turns import Turn, current_enrollment
from recovery.logs import describe_failure
from recovery.models import Message
from recovery.protocols.definitions import ProtocolSpec, default_definitions, parse_definition
from recovery.runtime import Runtime
from recovery.states import Direction, FlagKind, MessageKind, MessageStatus
from recovery.understanding.language import reads_as_spanish


class Reply(NamedTuple):
    """One answer to send back in the TwiML, and the stored message that keeps it."""

    message_id: int
    body: str


FALLBACK_RECEIVED = "Thank you, your care team will see your message. For an emergency call 911."
_logger = logging.getLogger(__name__)


def receive_text(
    runtime: Runtime, text: InboundText, *, now: datetime, by_text: bool = False
) -> list[Reply]:
    """Store an inbound text, then understand and answer it; return the replies to send.

    The webhook sends the replies in its TwiML answer. A text fetched from Twilio's log after
    an outage (``by_text``) is handled as of when it arrived (``now``), and its replies are
    queued to go by the REST API, as its TwiML answer never went.
    """
    with runtime.engine.connect() as connection, runtime.sessions(bind=connection) as session:
        with session.begin():
            message_id, _is_new = store_inbound(session, text, now=now)
        try:
            with session.begin():
                return answer_inbound(session, runtime, message_id, now=now, by_text=by_text)
        except Exception as failure:
            _logger.error(
                "answering inbound text %s failed; it is kept for review: %s",
                message_id,
                describe_failure(failure),
            )
    return answer_after_failure(runtime, message_id, now=now, by_text=by_text)


def answer_inbound(
    session: Session, runtime: Runtime, message_id: int, *, now: datetime, by_text: bool = False
) -> list[Reply]:
    """Understand and answer a stored text (or repeat the answer it already got)."""
    message, patient = lock_with_patient(session, message_id)
    if message.processed_at is not None:
        return replies_to(session, message_id)
    if patient is None:
        replies = [_unknown_number_text(runtime, message.body or "")]
    else:
        enrollment = current_enrollment(patient)
        message.patient_id = patient.id
        message.enrollment_id = enrollment.id if enrollment else None
        turn = Turn(session, message, patient, enrollment, runtime.clinic, runtime.on_call, now)
        replies = answer_text(turn)
    _keep_replies(session, message, replies, now, by_text=by_text)
    return replies_to(session, message_id)


def answer_after_failure(
    runtime: Runtime, message_id: int, *, now: datetime, by_text: bool = False
) -> list[Reply]:
    """The text could not be handled: keep it, flag it for a nurse, say it was received."""
    try:
        with runtime.transaction() as session:
            message = session.get(Message, message_id, with_for_update=True)
            assert message is not None
            if message.processed_at is not None:
                return replies_to(session, message_id)
            patient = find_patient(session, message.from_number or "")
            enrollment = current_enrollment(patient) if patient else None
            replies: list[str] = []
            if patient is not None and enrollment is not None:
                turn = Turn(session, message, patient, enrollment, runtime.clinic, None, now)
                turn.flag(FlagKind.NEEDS_REVIEW, "A text could not be handled automatically.")
                replies = [_received_text(turn)]
            _keep_replies(session, message, replies, now, by_text=by_text)
            return replies_to(session, message_id)
    except Exception as failure:
        _logger.error(
            "could not even flag inbound text %s; it stays stored: %s",
            message_id,
            describe_failure(failure),
        )
        return []


def replies_to(session: Session, message_id: int) -> list[Reply]:
    """What we answered to an inbound text, in order."""
    query = (
        select(Message.id, Message.body)
        .where(
            Message.in_reply_to_id == message_id,
            # Not those sent by the REST API (the text was fetched after an outage): a webhook
            # request for the same text, racing that fetch, must not send them again.
            Message.next_attempt_at.is_(None),
        )
        .order_by(Message.id)
    )
    session.flush()
    return [Reply(row.id, row.body or "") for row in session.execute(query)]


def _received_text(turn: Turn) -> str:
    try:
        turn.say("received")
        return turn.replies[-1]
    except Exception as failure:
        _logger.error("the protocol's wording could not be used: %s", describe_failure(failure))
        return FALLBACK_RECEIVED


def _keep_replies(
    session: Session, message: Message, replies: list[str], now: datetime, *, by_text: bool = False
) -> None:
    """Store the replies: for the TwiML answer, or (``by_text``) queued for the REST API."""
    for body in replies:
        session.add(
            Message(
                direction=Direction.OUTBOUND,
                kind=MessageKind.RESPONSE,
                patient_id=message.patient_id,
                enrollment_id=message.enrollment_id,
                check_in_id=message.check_in_id,
                in_reply_to_id=message.id,
                to_number=message.from_number or "",
                from_number=message.to_number,
                body=body,
                status=MessageStatus.PENDING if by_text else MessageStatus.QUEUED,
                next_attempt_at=now if by_text else None,
                created_at=now,
                sent_at=None if by_text else now,
                status_at=now,
            )
        )
    message.processed_at = now


def _unknown_number_text(runtime: Runtime, body: str) -> str:
    """The reply to a number we don't know: who we are and the clinic's phone, in Spanish
    when the text reads as Spanish."""
    language = "es" if reads_as_spanish(body) else "en"
    clinic = runtime.clinic
    return _default_protocol().text(
        "unknown_number", language, clinic_name=clinic.name, clinic_phone=clinic.phone
    )


@cache
def _default_protocol() -> ProtocolSpec:
    """The shipped default protocol, read once."""
    return parse_definition(default_definitions()[0])
