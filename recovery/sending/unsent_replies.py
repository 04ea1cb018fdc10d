"""Replies whose TwiML answer never reached Twilio: found in Twilio's log, or sent by text.

A reply to an inbound text goes in the webhook's TwiML answer, and its first status callback
gives it its SID. Twilio drops an answer that comes after its webhook timeout (15 s), so a
webhook held up by a slow database can store a reply that never goes. A reply still without
a SID two minutes after it was made is looked for in Twilio's list of texts to that number:
found, it takes that text's SID and status (only its callbacks were lost); not found, it is
queued for the REST API and goes in the same pass. Replies older than a day are left alone:
a stale answer would confuse more than it helps.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select

from recovery.models import Message
from recovery.sending.delivery import record_status
from recovery.sending.outbox import Outbox
from recovery.sending.reconcile import look_up_sent, match_sent
from recovery.states import Direction, MessageKind, MessageStatus

# Far past Twilio's 15 s webhook timeout: by then the TwiML answer went or never will.
SETTLED_AFTER = timedelta(minutes=2)
ASK_AGAIN_AFTER = timedelta(minutes=5)
TOO_OLD = timedelta(days=1)
CLOCK_SLACK = timedelta(minutes=5)  # Twilio's clock and ours may differ a little
_logger = logging.getLogger(__name__)


def unsettled(now: datetime) -> list[ColumnElement[bool]]:
    """TwiML replies still without a SID, old enough to settle, due to be looked for."""
    return [
        Message.status == MessageStatus.QUEUED,
        Message.sid.is_(None),
        Message.direction == Direction.OUTBOUND,
        Message.kind == MessageKind.RESPONSE,
        Message.created_at <= now - SETTLED_AFTER,
        Message.created_at > now - TOO_OLD,
        or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now),
    ]


def send_unsent_replies(outbox: Outbox, *, now: datetime, limit: int = 200) -> Counter[str]:
    """Settle each TwiML reply still without a SID: found at Twilio, or queued to send."""
    counts: Counter[str] = Counter()
    with outbox.sessions.begin() as session:
        query = (
            select(Message)
            .where(*unsettled(now))
            .order_by(Message.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        due = []
        for message in session.scalars(query):
            message.next_attempt_at = now + ASK_AGAIN_AFTER  # one process asks, the rest wait
            due.append((message.id, message.to_number, message.created_at))
    for message_id, to, created_at in due:
        counts[_settle_one(outbox, message_id, to, created_at, now)] += 1
    return counts


def _settle_one(
    outbox: Outbox, message_id: int, to: str, created_at: datetime, now: datetime
) -> str:
    found = look_up_sent(outbox, message_id, to, created_at - CLOCK_SLACK)
    if found is None:
        return "unknown"
    with outbox.sessions.begin() as session:
        message = session.get(Message, message_id, with_for_update=True)
        if message is None or message.sid is not None or message.status != MessageStatus.QUEUED:
            return "unchanged"  # its callback came meanwhile
        match = match_sent(session, message, found)
        if match is not None:
            message.sid = match.sid
            record_status(session, message, match.status, None, now=now)
            return "found"
        message.status = MessageStatus.PENDING
        message.next_attempt_at = now
        message.sent_at = None
        _logger.warning("reply %s never reached Twilio in a TwiML answer; sending it", message_id)
        return "resent"
