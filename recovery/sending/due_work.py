"""The due-work pass: everything that has fallen due as of one instant, then the sending.

``jobs`` runs it on a clock, ``flask tick`` once. Each pass records the scheduler's
heartbeat, which monitoring and the staff pages read.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, text, update
from sqlalchemy.exc import IntegrityError

from recovery.flags.paging import escalate_unacknowledged
from recovery.models import Heartbeat
from recovery.runtime import Runtime, utc_now
from recovery.sending.check_ins import end_waits, queue_due_check_ins, queue_reminders
from recovery.sending.due_steps import due_steps
from recovery.sending.outbox import send_pending
from recovery.sending.reconcile import reconcile_expired
from recovery.sending.status_checks import check_quiet_statuses
from recovery.sending.unsent_replies import send_unsent_replies
from recovery.sending.wiring import outbox_of

SCHEDULER_HEARTBEAT = "due-work"


def run_due_work(runtime: Runtime, *, now: datetime) -> Counter[str]:
    """Do all due work once as of ``now``, record the heartbeat, and return the counts."""
    counts = do_due_work(runtime, now=now)
    _beat(runtime, counts)
    return counts


def _beat(runtime: Runtime, counts: Counter[str]) -> None:
    """Record that a pass ran (by the wall clock: monitoring reads it)."""
    detail = {name: number for name, number in counts.items() if number}
    beat_at = utc_now()
    with runtime.transaction() as session:
        if session.get_bind().dialect.name == "postgresql":  # a beat lost in a crash is harmless
            session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        # An UPDATE answers a CursorResult, which alone knows how many rows it changed.
        result = cast(
            "CursorResult[Any]",
            session.execute(
                update(Heartbeat)
                .where(Heartbeat.name == SCHEDULER_HEARTBEAT)
                .values(beat_at=beat_at, detail=detail)
            ),
        )
        if not result.rowcount:
            try:
                with session.begin_nested():
                    session.add(Heartbeat(name=SCHEDULER_HEARTBEAT, beat_at=beat_at, detail=detail))
            except IntegrityError:
                pass  # another process wrote the first beat at the same moment


def do_due_work(runtime: Runtime, *, now: datetime) -> Counter[str]:
    """All due work once as of ``now``, then send what it queued; return the counts.

    One statement first asks which steps have anything to do (``due_steps``): a pass with
    nothing due reads the database once.
    """
    counts: Counter[str] = Counter()
    clinic, on_call = runtime.clinic, runtime.on_call
    with runtime.sessions() as session:
        due = due_steps(session, now=now, with_pages=on_call is not None and bool(on_call.phone))
    if due.check_ins or due.waits or due.pages:
        with runtime.transaction() as session:
            if due.check_ins:
                _add(counts, "check_ins_", queue_due_check_ins(session, clinic=clinic, now=now))
            if due.waits:
                counts["reminders_queued"] += queue_reminders(session, clinic=clinic, now=now)
                _add(counts, "check_ins_", end_waits(session, now=now, on_call=on_call))
            if due.pages and on_call is not None:
                counts["pages_repeated"] += escalate_unacknowledged(
                    session, now=now, on_call=on_call
                )
    outbox = outbox_of(runtime)
    if due.expired_leases:
        _add(counts, "reconciled_", reconcile_expired(outbox, now=now))
    if due.unsent_replies and runtime.settings.sms_backend == "twilio":  # console replies went
        _add(counts, "replies_", send_unsent_replies(outbox, now=now))
    if due.pending_texts or any(counts.values()):  # what this pass queued goes now too
        _add(counts, "texts_", send_pending(outbox, now=now))
    if due.quiet_statuses:
        _add(counts, "statuses_", check_quiet_statuses(outbox, now=now))
    return counts


def _add(counts: Counter[str], prefix: str, more: Counter[str]) -> None:
    for name, number in more.items():
        counts[prefix + name] += number
