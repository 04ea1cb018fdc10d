"""Texts that reached Twilio while the service could not take them: fetched and handled.

Twilio does not retry an inbound webhook that failed: a text sent while the web app was
restarting, or the database was unreachable, waits in Twilio's message log. This pass lists
the texts our number received since the last point it saw (with an overlap), stores each
one not yet stored, handles them in arrival order as of when they arrived, and sends the
replies by the REST API. A text the webhook stored and is still answering is left to it.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from recovery.conversation.inbound import InboundText
from recovery.conversation.replies import receive_text
from recovery.models import Flag, ForgottenText, Heartbeat, Message
from recovery.patients.erasure import sid_digest
from recovery.runtime import Runtime
from recovery.sending.outbox import send_pending
from recovery.sending.wiring import gateway_of, outbox_of
from recovery.states import FlagKind

HEARTBEAT = "inbound-catch-up"
OVERLAP = timedelta(minutes=10)
# A text stored this long ago and still not answered lost its webhook request midway.
ANSWERING = timedelta(minutes=2)
_logger = logging.getLogger(__name__)


def catch_up_inbound(
    runtime: Runtime, *, now: datetime, since: datetime | None = None
) -> Counter[str]:
    """Fetch and handle the texts the webhook missed; return what was found."""
    counts: Counter[str] = Counter()
    gateway = gateway_of(runtime)
    settings = runtime.settings
    numbers = [settings.twilio_from_number] if settings.twilio_from_number else []
    if not numbers and settings.twilio_messaging_service_sid:
        numbers = gateway.service_numbers(settings.twilio_messaging_service_sid)
    if not numbers:
        counts["no_number_to_list"] += 1
        return counts
    start = since or _last_seen(runtime, now) - OVERLAP
    texts = sorted(
        (text for number in numbers for text in gateway.list_received(number, start)),
        key=lambda text: (text.arrived_at, text.sid),
    )
    for text in texts:
        if _is_taken(runtime, text.sid, now):
            counts["already_stored"] += 1
            continue
        if _is_forgotten(runtime, text.sid):
            counts["erased"] += 1  # its patient was erased: it stays in Twilio's log only
            continue
        inbound = InboundText(
            sid=text.sid,
            from_number=text.from_number,
            to_number=text.to_number,
            body=text.body,
            # "FetchedAt" marks a text seen late: answers.py reads it as of its arrival.
            params={"NumMedia": str(text.media_count), "FetchedAt": now.isoformat()},
        )
        receive_text(runtime, inbound, now=text.arrived_at, by_text=True)
        _say_when_seen(runtime, text.sid, text.arrived_at, now)
        counts["handled"] += 1
    _remember(runtime, now, len(texts))
    if counts["handled"]:
        send_pending(outbox_of(runtime), now=now)
    return counts


def _last_seen(runtime: Runtime, now: datetime) -> datetime:
    with runtime.sessions() as session:
        beat = session.get(Heartbeat, HEARTBEAT)
        # The first run looks back only the overlap: a number that served before this service
        # may hold texts that were never meant for it (use --since to look further).
        return beat.beat_at if beat is not None else now


def _is_taken(runtime: Runtime, sid: str, now: datetime) -> bool:
    """Stored and answered, or stored so lately that its webhook request is still at it."""
    with runtime.sessions() as session:
        found = session.execute(
            select(Message.processed_at, Message.created_at).where(Message.sid == sid)
        ).first()
    if found is None:
        return False
    processed_at, created_at = found
    return processed_at is not None or created_at > now - ANSWERING


def _is_forgotten(runtime: Runtime, sid: str) -> bool:
    with runtime.sessions() as session:
        return session.get(ForgottenText, sid_digest(sid)) is not None


def _say_when_seen(runtime: Runtime, sid: str, arrived_at: datetime, now: datetime) -> None:
    """A warning sign's flag says when the text arrived and when the service saw it."""
    with runtime.transaction() as session:
        message = session.scalars(select(Message).where(Message.sid == sid)).one()
        query = select(Flag).where(
            Flag.kind == FlagKind.RED_FLAG_SYMPTOMS, Flag.enrollment_id == message.enrollment_id
        )
        for flag in session.scalars(query):
            cited = message.id in flag.evidence.get("message_ids", [])
            if cited and "(arrived " not in flag.reason:
                flag.reason += (
                    f" (arrived {arrived_at:%Y-%m-%d %H:%M} UTC, seen {now:%Y-%m-%d %H:%M} UTC"
                    " after the service was unreachable)"
                )


def _remember(runtime: Runtime, now: datetime, listed: int) -> None:
    with runtime.transaction() as session:
        beat = session.get(Heartbeat, HEARTBEAT, with_for_update=True)
        if beat is None:
            session.add(Heartbeat(name=HEARTBEAT, beat_at=now, detail={"listed": listed}))
        else:
            beat.beat_at, beat.detail = now, {"listed": listed}
