"""After a crash or an unanswered send: ask Twilio whether a text went out before resending it.

A row still ``claimed`` when its lease has run out belonged to a sender that died or never
heard back from Twilio. Twilio's own list of texts to that number decides: a text with the
same body, sent since the row was made and not yet known to us, is that row's text, so it is
recorded as sent; otherwise nothing went out and the row goes back to the queue.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from recovery.models import Message
from recovery.sending.delivery import record_sent
from recovery.sending.gateways import FoundText, SendError
from recovery.sending.outbox import LEASE, Outbox, release
from recovery.states import MessageStatus

# Twilio's clock and ours may differ a little; look back this much further.
CLOCK_SLACK = timedelta(days=2)
_logger = logging.getLogger(__name__)


def expired(now: datetime) -> list[ColumnElement[bool]]:
    """Claimed texts whose sender's lease ran out before ``now``."""
    return [Message.status == MessageStatus.CLAIMED, Message.lease_until < now]


def reconcile_expired(outbox: Outbox, *, now: datetime, limit: int = 500) -> Counter[str]:
    """Settle every claimed text whose lease ran out: found at Twilio, or queued again."""
    counts: Counter[str] = Counter()
    with outbox.sessions.begin() as session:
        lapsed = (
            select(Message.id).where(*expired(now)).limit(limit).with_for_update(skip_locked=True)
        )
        statement = (
            update(Message)
            .where(Message.id.in_(lapsed.scalar_subquery()))
            .values(claimed_by=outbox.name, lease_until=now + LEASE)
            .returning(Message.id)
        )
        ids = list(session.execute(statement, execution_options={"synchronize_session": False}))
    for (message_id,) in ids:
        counts[_reconcile_one(outbox, message_id, now)] += 1
    return counts


def _reconcile_one(outbox: Outbox, message_id: int, now: datetime) -> str:
    with outbox.sessions() as session:
        message = session.get(Message, message_id)
        if message is None:
            return "lost"
        to, since = message.to_number, message.created_at - CLOCK_SLACK
    found = look_up_sent(outbox, message_id, to, since)
    if found is None:
        return "unknown"
    with outbox.sessions.begin() as session:
        message = session.get(Message, message_id, with_for_update=True)
        if message is None or message.claimed_by != outbox.name:
            return "lost"
        match = match_sent(session, message, found)
        if match is not None:
            return "found_" + record_sent(session, message, match.sid, match.status, now=now)
        release([message], at=now)
        return "requeued"


def look_up_sent(
    outbox: Outbox, message_id: int, to: str, since: datetime
) -> list[FoundText] | None:
    """Twilio's texts to a number since an instant; None (logged) when Twilio can't say."""
    try:
        return outbox.gateway.find_sent(to, since)
    except SendError as error:
        _logger.warning(
            "could not look up text %s at Twilio (HTTP %s, error %s); will retry",
            message_id,
            error.status,
            error.code,
        )
        return None


def match_sent(session: Session, message: Message, found: list[FoundText]) -> FoundText | None:
    """The earliest found text with the message's body whose SID no stored text has."""
    candidates = [text for text in found if text.body == message.body]
    if not candidates:
        return None
    sids = [text.sid for text in candidates]
    known = set(session.scalars(select(Message.sid).where(Message.sid.in_(sids))))
    unknown = [text for text in candidates if text.sid not in known]
    return min(unknown, key=lambda text: text.date_created) if unknown else None
