"""Delivery-status callbacks: most in one indexed statement, the rest through the full path.

Twilio posts two callbacks per text (`sent`, then `delivered`) while the morning wave is
still going, so the common case is one ``UPDATE`` by SID that moves the status forward, with
no row loaded. Everything else takes the full path: a failure (its flag), a text whose SID
is not recorded yet (the callback beat the sender's record, or a TwiML reply learning its
SID), a repeated or out-of-order callback (which changes nothing).

The callback URL names our copy of the text (``?message=<id>``, or ``?reply=<id>`` for a
TwiML reply), so a callback that arrives before the sender has recorded the SID still finds
it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from recovery.models import Message
from recovery.sending.delivery import record_sent, record_status
from recovery.states import STATUS_RANK, Direction, MessageStatus

# Statuses a callback can move to with nothing else to do, and those they move on from.
_PLAIN = {s.value: s for s in (MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.DELIVERED)}
_ON_THE_WAY = (
    MessageStatus.ACCEPTED,
    MessageStatus.QUEUED,
    MessageStatus.SENDING,
    MessageStatus.SENT,
)

_MESSAGES: Table = Message.__table__  # type: ignore[assignment]
# Built once: Core, not the ORM, so a callback costs one cached statement and nothing more.
_FORWARD = (
    update(_MESSAGES)
    .where(
        _MESSAGES.c.sid == bindparam("known_sid"),
        _MESSAGES.c.status.in_(bindparam("earlier", expanding=True)),
    )
    .values(status=bindparam("new"), status_at=bindparam("now"))
)


def apply_callback(
    session: Session,
    sid: str,
    status: str,
    error_code: int | None,
    *,
    named_id: int | None,
    now: datetime,
) -> bool:
    """Record one status callback for the text with ``sid`` (or named ``named_id``)."""
    if _moved_forward(session, sid, status, now):
        return True
    query = select(Message).where(Message.sid == sid).with_for_update()
    message = session.scalars(query).first()
    if message is None and named_id is not None:
        message = _named(session, named_id, sid, now)
    if message is None:
        return False
    return record_status(session, message, status, error_code, now=now)


def _moved_forward(session: Session, sid: str, status: str, now: datetime) -> bool:
    """The one-statement path: a known SID moving forward to a plain status."""
    new = _PLAIN.get(status)
    if new is None:
        return False
    earlier = [old for old in _ON_THE_WAY if STATUS_RANK[old] < STATUS_RANK[new]]
    values = {"known_sid": sid, "earlier": earlier, "new": new, "now": now}
    result = cast("CursorResult[Any]", session.connection().execute(_FORWARD, values))
    return result.rowcount == 1


def _named(session: Session, message_id: int, sid: str, now: datetime) -> Message | None:
    """The outbound text the callback URL names, if it has no SID yet: it learns this one."""
    query = (
        select(Message)
        .where(
            Message.id == message_id,
            Message.direction == Direction.OUTBOUND,
            or_(Message.sid.is_(None), Message.sid == sid),
        )
        .with_for_update()
    )
    message = session.scalars(query).first()
    if message is not None and message.sid is None:
        record_sent(session, message, sid, MessageStatus.QUEUED.value, now=now)
    return message


def named_id(text: str) -> int | None:
    """The message id a callback URL names, if it is a plausible one."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
