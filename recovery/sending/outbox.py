"""The outbox: every outbound text is a ``Message`` row first, then sent exactly once.

A sender claims due ``pending`` rows in one statement (``UPDATE ... WHERE id IN (SELECT ...
FOR UPDATE SKIP LOCKED LIMIT n) RETURNING id``), which gives each row a lease and the
sender's name, and checks in the same transaction that each may still go. Its threads call
Twilio outside any transaction and touch no database; the answers are recorded, in a few
transactions from one thread, only for rows that are still its own. A sender that dies
leaves rows ``claimed`` with a lease that runs out; ``reconcile.py`` then asks Twilio
whether the text went out before anything is sent again. The statuses are drawn on
``MessageStatus``.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from recovery.models import Base, CheckIn, Enrollment, Message, Patient, Protocol
from recovery.sending.delivery import check_sendable, record_failure, record_sent, validity_of
from recovery.sending.gateways import SendError, SentText, SmsGateway
from recovery.sending.pacing import Pacer
from recovery.sending.turn import sending_turn
from recovery.states import MessageKind, MessageStatus

LEASE = timedelta(minutes=5)
CLAIM_BATCH = 200
# The sender's own thread claims and records in batches of about this many texts, so the
# database sees a few transactions per batch, not per text, while 100 stay in flight.
REFILL_AT = 20
RECORD_AT = 20
_logger = logging.getLogger(__name__)
_Row = TypeVar("_Row", Patient, Enrollment, CheckIn, Protocol)


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
    workers: int = 100  # Twilio's account concurrency limit: never more in flight
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


@dataclass(frozen=True)
class Outgoing:
    """A claimed text cleared to go: what the gateway needs to send it."""

    message_id: int
    to: str
    body: str
    validity: int | None


Answer = tuple[int, SentText | SendError]


def send_pending(outbox: Outbox, *, now: datetime) -> Counter[str]:
    """Send every due pending text, many at once, until none is left; count the outcomes.

    Texts are claimed as threads come free, a score or so at a time, so no thread waits for
    the slowest text of a batch and no text waits long between its check and its send. The
    threads only call Twilio; this thread claims, checks and records (in batches too). One
    sender works at a time (``turn``).
    """
    engine = outbox.sessions.kw["bind"]
    with sending_turn(engine) as is_mine:
        if not is_mine:
            return Counter(not_my_turn=1)
        return _send_all(outbox, now)


def _send_all(outbox: Outbox, now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    running: set[Future[Answer]] = set()
    recorded: list[Future[Counter[str]]] = []
    answers: list[Answer] = []
    is_drained = False
    refill_at = min(REFILL_AT, outbox.workers)
    with (
        ThreadPoolExecutor(
            outbox.workers, thread_name_prefix="send", initializer=outbox.gateway.prepare
        ) as pool,
        # Recording goes on in a thread of its own, in order, while this one claims more.
        ThreadPoolExecutor(1, thread_name_prefix="record") as recorder,
    ):
        try:
            while running or not is_drained:
                room = outbox.workers - len(running)
                if not is_drained and (room >= refill_at or not running):
                    texts, is_drained = _claim_cleared(outbox, now, min(room, CLAIM_BATCH), counts)
                    running |= {pool.submit(_send, outbox, text) for text in texts}
                    continue
                done, running = wait(running, return_when=FIRST_COMPLETED)
                answers += [future.result() for future in done]
                if len(answers) >= RECORD_AT or not running:
                    recorded.append(recorder.submit(_record, outbox, answers, now))
                    answers = []
        finally:
            for future in running:  # after an error: leave unsent claims to their lease
                future.cancel()
    for batch in recorded:
        counts.update(batch.result())
    return counts


def _claim_cleared(
    outbox: Outbox, now: datetime, limit: int, counts: Counter[str]
) -> tuple[list[Outgoing], bool]:
    """Claim texts and clear each to go; count the refused; say whether none was due."""
    with outbox.sessions.begin() as session:
        ids = claim(session, now=now, worker=outbox.name, limit=limit)
        if not ids:
            return [], True
        messages, _related = _load_for_checks(session, ids)
        cleared = []
        for message in messages:
            refusal = check_sendable(session, message, now=now)
            if refusal is not None:
                counts[refusal] += 1
                continue
            cleared.append(
                Outgoing(message.id, message.to_number, message.body, validity_of(message))
            )
    return cleared, False


def _load_for_checks(session: Session, ids: list[int]) -> tuple[list[Message], list[Base]]:
    """The claimed texts, and the rows their checks read (a query per table, not per text).

    The caller holds on to the second list: the session keeps loaded rows only while
    something else refers to them.
    """
    messages = list(session.scalars(select(Message).where(Message.id.in_(ids))))
    enrollments = _load(session, Enrollment, {m.enrollment_id for m in messages})
    related: list[Base] = [
        *_load(session, Patient, {m.patient_id for m in messages}),
        *enrollments,
        *_load(session, CheckIn, {m.check_in_id for m in messages}),
        *_load(session, Protocol, {e.protocol_id for e in enrollments}),
    ]
    return sorted(messages, key=lambda message: message.id), related


def _load(session: Session, model: type[_Row], ids: set[int | None]) -> list[_Row]:
    keys = {key for key in ids if key is not None}
    return list(session.scalars(select(model).where(model.id.in_(keys)))) if keys else []


def _send(outbox: Outbox, text: Outgoing) -> Answer:
    """Call Twilio for one text, at the pacer's pace (no database here)."""
    outbox.pacer.wait()
    try:
        return text.message_id, outbox.gateway.send(
            text.to,
            text.body,
            # Naming our copy: a callback that beats the record of the SID still finds it.
            status_callback=outbox.status_callback
            and f"{outbox.status_callback}?message={text.message_id}",
            validity_period=text.validity,
        )
    except SendError as error:
        return text.message_id, error


def _record(outbox: Outbox, answers: list[Answer], now: datetime) -> Counter[str]:
    """Record what Twilio answered: the accepted texts together, each refusal on its own."""
    accepted = {message_id: a for message_id, a in answers if isinstance(a, SentText)}
    counts = _record_accepted(outbox, accepted, now) if accepted else Counter()
    for message_id, answer in answers:
        if isinstance(answer, SendError):
            with outbox.sessions.begin() as session:
                message = _lock_own(session, outbox, [message_id]).get(message_id)
                outcome = record_failure(session, message, answer, now=now) if message else "lost"
                counts[outcome] += 1
    return counts


def _record_accepted(outbox: Outbox, accepted: dict[int, SentText], now: datetime) -> Counter[str]:
    """Twilio has these texts: keep their SIDs (and mark check-ins sent) in one transaction."""
    counts: Counter[str] = Counter()
    with outbox.sessions.begin() as session:
        sids = {message_id: sent.sid for message_id, sent in accepted.items()}
        mine = _lock_own(session, outbox, list(accepted), sids)
        check_in_ids = {m.check_in_id for m in mine.values() if m.kind == MessageKind.CHECK_IN}
        _check_ins = _load(session, CheckIn, check_in_ids)  # held: record_sent reads them
        for message_id, sent in accepted.items():
            message = mine.get(message_id)
            if message is None:
                counts["lost"] += 1
                continue
            counts[record_sent(session, message, sent.sid, sent.status, now=now)] += 1
    return counts


def _lock_own(
    session: Session, outbox: Outbox, ids: list[int], sids: dict[int, str] | None = None
) -> dict[int, Message]:
    """Lock the texts; keep those still claimed by this sender."""
    query = select(Message).where(Message.id.in_(ids)).order_by(Message.id).with_for_update()
    sids = sids or {}
    mine = {m.id: m for m in session.scalars(query) if _is_mine(m, outbox.name, sids.get(m.id))}
    for message_id in set(ids) - set(mine):
        _logger.warning("text %s was taken over while it was being sent", message_id)
    return mine


def _is_mine(message: Message, worker: str, sid: str | None = None) -> bool:
    """Still claimed by this sender (or already given ``sid`` by an early status callback)."""
    if message.claimed_by != worker:
        return False
    return message.status == MessageStatus.CLAIMED or (sid is not None and message.sid == sid)


def release(messages: Iterable[Message], *, at: datetime) -> None:
    """Put claimed texts back in the queue, to be sent at ``at``."""
    for message in messages:
        message.status = MessageStatus.PENDING
        message.next_attempt_at = at
        message.claimed_by = None
        message.lease_until = None
