"""The outbox: every outbound text is a ``Message`` row first, then sent exactly once.

A sender claims due ``pending`` rows in one statement (``UPDATE ... WHERE id IN (SELECT ...
FOR UPDATE SKIP LOCKED LIMIT n) RETURNING id``), which gives each row a lease and the
sender's name. It calls Twilio outside any transaction and records the answer only if the
row is still its own. A sender that dies leaves rows ``claimed`` with a lease that runs
out; ``reconcile.py`` then asks Twilio whether the text went out before anything is sent
again. The statuses are drawn on ``MessageStatus``.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from recovery.delivery import check_sendable, record_failure, record_sent, validity_of
from recovery.gateways import SendError, SentText, SmsGateway
from recovery.models import Message
from recovery.pacing import Pacer
from recovery.states import MessageStatus

LEASE = timedelta(minutes=5)
CLAIM_BATCH = 200
_logger = logging.getLogger(__name__)


def worker_name() -> str:
    """A name for this sender, unique across hosts and processes."""
    return f"{socket.gethostname()[:24]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class Outbox:
    """What sending needs: sessions, a gateway, the callback URL, a pacer and a pool size."""

    sessions: sessionmaker[Session]
    gateway: SmsGateway
    status_callback: str | None
    pacer: Pacer
    workers: int = 64
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or worker_name()


def claim(session: Session, *, now: datetime, worker: str, limit: int) -> list[int]:
    """Claim up to ``limit`` due pending texts for this worker, with a lease."""
    due = (
        select(Message.id)
        .where(Message.status == MessageStatus.PENDING, Message.next_attempt_at <= now)
        .order_by(Message.next_attempt_at, Message.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(Message)
        .where(Message.id.in_(due.scalar_subquery()))
        .values(
            status=MessageStatus.CLAIMED,
            claimed_by=worker,
            lease_until=now + LEASE,
            attempts=Message.attempts + 1,
        )
        .returning(Message.id)
    )
    options = {"synchronize_session": False}
    return sorted(session.execute(statement, execution_options=options).scalars())


def send_pending(outbox: Outbox, *, now: datetime) -> Counter[str]:
    """Send every due pending text, many at once, until none is left; count the outcomes."""
    counts: Counter[str] = Counter()
    with ThreadPoolExecutor(max_workers=outbox.workers, thread_name_prefix="send") as pool:
        while True:
            with outbox.sessions.begin() as session:
                ids = claim(session, now=now, worker=outbox.name, limit=CLAIM_BATCH)
            if not ids:
                return counts
            counts.update(pool.map(lambda message_id: send_one(outbox, message_id, now), ids))


def send_one(outbox: Outbox, message_id: int, now: datetime) -> str:
    """Send one claimed text and record what happened; return the outcome's name."""
    with outbox.sessions.begin() as session:
        message = session.get(Message, message_id)
        if message is None or not _is_mine(message, outbox.name):
            return "lost"
        refusal = check_sendable(session, message, now=now)
        if refusal is not None:
            return refusal
        to, body, validity = message.to_number, message.body, validity_of(message)
    outbox.pacer.wait()
    try:
        sent = outbox.gateway.send(
            to, body, status_callback=outbox.status_callback, validity_period=validity
        )
    except SendError as error:
        return _after(outbox, message_id, now, error)
    return _after(outbox, message_id, now, sent)


def _after(outbox: Outbox, message_id: int, now: datetime, answer: SentText | SendError) -> str:
    with outbox.sessions.begin() as session:
        message = session.get(Message, message_id, with_for_update=True)
        if message is None or not _is_mine(message, outbox.name):
            _logger.warning("text %s was taken over while it was being sent", message_id)
            return "lost"
        if isinstance(answer, SentText):
            return record_sent(session, message, answer.sid, answer.status, now=now)
        return record_failure(session, message, answer, now=now)


def _is_mine(message: Message, worker: str) -> bool:
    return message.status == MessageStatus.CLAIMED and message.claimed_by == worker


def release(messages: Iterable[Message], *, at: datetime) -> None:
    """Put claimed texts back in the queue, to be sent at ``at``."""
    for message in messages:
        message.status = MessageStatus.PENDING
        message.next_attempt_at = at
        message.claimed_by = None
        message.lease_until = None
