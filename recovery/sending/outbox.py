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
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, Table, bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from recovery.models import CheckIn, Enrollment, Message, Patient, Protocol
from recovery.protocols.definitions import ProtocolSpec, parse_definition
from recovery.sending.delivery import SendFacts, record_failure, record_sent, refusal_of, refuse
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
_MESSAGES = cast(Table, Message.__table__)


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


def due_texts(now: datetime) -> list[ColumnElement[bool]]:
    """Pending texts whose (next) try is due by ``now``."""
    return [_MESSAGES.c.status == MessageStatus.PENDING, _MESSAGES.c.next_attempt_at <= now]


def claim(session: Session, *, now: datetime, worker: str, limit: int) -> list[int]:
    """Claim up to ``limit`` due pending texts for this worker, with a lease."""
    due = (
        select(_MESSAGES.c.id)
        .where(*due_texts(now))
        .order_by(_MESSAGES.c.next_attempt_at, _MESSAGES.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(_MESSAGES)
        .where(_MESSAGES.c.id.in_(due.scalar_subquery()))
        .values(
            status=MessageStatus.CLAIMED,
            claimed_by=worker,
            lease_until=now + LEASE,
            attempts=_MESSAGES.c.attempts + 1,
        )
        .returning(_MESSAGES.c.id)
    )
    return sorted(session.connection().execute(statement).scalars())


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
    sender works at a time (``turn``); a pass with nothing due does not ask for its turn.
    """
    if not _is_any_due(outbox, now):
        return Counter()
    engine = outbox.sessions.kw["bind"]
    with sending_turn(engine) as is_mine:
        if not is_mine:
            return Counter(not_my_turn=1)
        return _send_all(outbox, now)


def _is_any_due(outbox: Outbox, now: datetime) -> bool:
    query = select(_MESSAGES.c.id).where(*due_texts(now)).limit(1)
    with outbox.sessions() as session:
        return session.connection().execute(query).first() is not None


def _send_all(outbox: Outbox, now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    running: set[Future[Answer]] = set()
    recorded: list[Future[Counter[str]]] = []
    answers: list[Answer] = []
    is_drained = False
    specs: dict[int, ProtocolSpec] = {}
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
                    texts, is_drained = _claim_cleared(
                        outbox, now, min(room, CLAIM_BATCH), counts, specs
                    )
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
    outbox: Outbox, now: datetime, limit: int, counts: Counter[str], specs: dict[int, ProtocolSpec]
) -> tuple[list[Outgoing], bool]:
    """Claim texts and clear each to go; count the refused; say whether none was due.

    The checks read plain rows (one query for all the claimed texts): only a refused text
    is loaded as an object, to be put where it belongs.
    """
    with outbox.sessions.begin() as session:
        ids = claim(session, now=now, worker=outbox.name, limit=limit)
        if not ids:
            return [], True
        rows = session.connection().execute(_FACTS, {"ids": ids}).all()
        _learn_specs(session, {row.protocol_id for row in rows} - specs.keys(), specs)
        cleared = []
        for row in rows:
            facts = _facts_of(row, specs)
            refusal = refusal_of(facts, now=now)
            if refusal is None:
                cleared.append(Outgoing(row.id, row.to_number, row.body, facts.validity))
                continue
            message = session.get_one(Message, row.id)
            counts[refuse(session, message, refusal, facts, now=now)] += 1
    return cleared, False


_PATIENTS, _ENROLLMENTS, _CHECK_INS, _PROTOCOLS = (
    cast(Table, model.__table__) for model in (Patient, Enrollment, CheckIn, Protocol)
)
# What the checks read of each claimed text, built once.
_FACTS = (
    select(
        _MESSAGES.c.id,
        _MESSAGES.c.kind,
        _MESSAGES.c.to_number,
        _MESSAGES.c.body,
        _PATIENTS.c.opted_out_at,
        _PATIENTS.c.timezone,
        _ENROLLMENTS.c.status.label("enrollment_status"),
        _ENROLLMENTS.c.paused_at,
        _ENROLLMENTS.c.protocol_id,
        _CHECK_INS.c.status.label("check_in_status"),
        _CHECK_INS.c.due_at,
        _CHECK_INS.c.ended_at,
    )
    .select_from(
        _MESSAGES.outerjoin(_PATIENTS, _PATIENTS.c.id == _MESSAGES.c.patient_id)
        .outerjoin(_ENROLLMENTS, _ENROLLMENTS.c.id == _MESSAGES.c.enrollment_id)
        .outerjoin(_CHECK_INS, _CHECK_INS.c.id == _MESSAGES.c.check_in_id)
    )
    .where(_MESSAGES.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(_MESSAGES.c.id)
)


def _facts_of(row: Row[Any, *tuple[Any, ...]], specs: dict[int, ProtocolSpec]) -> SendFacts:
    return SendFacts(
        kind=row.kind,
        is_opted_out=row.opted_out_at is not None,
        timezone=row.timezone,
        enrollment_status=row.enrollment_status,
        is_paused=row.paused_at is not None,
        spec=specs.get(row.protocol_id) if row.protocol_id is not None else None,
        check_in_status=row.check_in_status,
        check_in_due_at=row.due_at,
        check_in_ended_at=row.ended_at,
    )


def _learn_specs(session: Session, ids: set[int | None], specs: dict[int, ProtocolSpec]) -> None:
    """Parse the protocol versions not met yet in this pass (versions are never edited)."""
    keys = {key for key in ids if key is not None}
    if keys:
        query = select(_PROTOCOLS.c.id, _PROTOCOLS.c.definition).where(_PROTOCOLS.c.id.in_(keys))
        for protocol_id, definition in session.connection().execute(query):
            specs[protocol_id] = parse_definition(definition, is_new=False)


def _load_check_ins(session: Session, ids: set[int]) -> list[CheckIn]:
    return list(session.scalars(select(CheckIn).where(CheckIn.id.in_(ids)))) if ids else []


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
        check_in_ids = {
            m.check_in_id
            for m in mine.values()
            if m.kind == MessageKind.CHECK_IN and m.check_in_id is not None
        }
        _check_ins = _load_check_ins(session, check_in_ids)  # held: record_sent reads them
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
