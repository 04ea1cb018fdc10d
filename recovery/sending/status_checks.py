"""Delivery statuses whose callback never came: asked of Twilio after a while.

A status callback lost while the service was down would leave a text `queued` or `sent` in
the thread forever, and an undelivered one without its `delivery_failure` flag. A text still
unsettled ten minutes after its last status has its status fetched, then again every ten
minutes, for two days at most. `next_attempt_at` (the outbox's retry time while a text is
pending) holds when to ask next.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select

from recovery.models import Message
from recovery.sending.delivery import record_status
from recovery.sending.gateways import SendError
from recovery.sending.outbox import Outbox
from recovery.states import Direction, MessageStatus

QUIET_FOR = timedelta(minutes=10)
ASK_AGAIN_AFTER = timedelta(minutes=10)
GIVE_UP_AFTER = timedelta(days=2)
UNSETTLED = (
    MessageStatus.QUEUED,
    MessageStatus.ACCEPTED,
    MessageStatus.SENDING,
    MessageStatus.SENT,
)
_logger = logging.getLogger(__name__)


def quiet(now: datetime) -> list[ColumnElement[bool]]:
    """Sent texts unsettled and quiet for ten minutes, due to be asked about."""
    return [
        Message.direction == Direction.OUTBOUND,
        Message.sid.is_not(None),
        Message.status.in_(UNSETTLED),
        Message.status_at <= now - QUIET_FOR,
        Message.status_at > now - GIVE_UP_AFTER,
        or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now),
    ]


def check_quiet_statuses(outbox: Outbox, *, now: datetime, limit: int = 200) -> Counter[str]:
    """Fetch the status of each text unsettled for ten minutes; record what changed."""
    counts: Counter[str] = Counter()
    with outbox.sessions.begin() as session:
        query = (
            select(Message)
            .where(*quiet(now))
            .order_by(Message.status_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        due = []
        for message in session.scalars(query):
            message.next_attempt_at = now + ASK_AGAIN_AFTER  # one process asks, the rest wait
            due.append((message.id, message.sid or ""))
    for message_id, sid in due:
        counts[_check_one(outbox, message_id, sid, now)] += 1
    return counts


def _check_one(outbox: Outbox, message_id: int, sid: str, now: datetime) -> str:
    try:
        found = outbox.gateway.fetch_status(sid)
    except SendError as error:
        _logger.warning("status of text %s could not be fetched: %s", message_id, error.message)
        return "unknown"
    if found is None:
        return "unknown"
    with outbox.sessions.begin() as session:
        message = session.get(Message, message_id, with_for_update=True)
        if message is None:
            return "unknown"
        changed = record_status(session, message, found.status, found.error_code, now=now)
    return "updated" if changed else "unchanged"
