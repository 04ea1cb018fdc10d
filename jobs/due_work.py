"""The due-work pass: everything that has fallen due, as of one instant."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from recovery.due_work import end_waits, queue_due_check_ins, queue_reminders
from recovery.flags import escalate_unacknowledged
from recovery.health import SCHEDULER_HEARTBEAT
from recovery.models import Heartbeat
from recovery.outbox import send_pending
from recovery.reconcile import reconcile_expired
from recovery.runtime import Runtime, utc_now

_logger = logging.getLogger(__name__)


def run_due_work(runtime: Runtime, *, now: datetime) -> Counter[str]:
    """Do all due work once as of ``now``, send what it queued, and return the counts."""
    counts: Counter[str] = Counter()
    clinic, on_call = runtime.clinic, runtime.on_call
    with runtime.transaction() as session:
        _add(counts, "check_ins_", queue_due_check_ins(session, clinic=clinic, now=now))
        counts["reminders_queued"] += queue_reminders(session, clinic=clinic, now=now)
        _add(counts, "check_ins_", end_waits(session, now=now, on_call=on_call))
        if on_call is not None:
            counts["pages_repeated"] += escalate_unacknowledged(session, now=now, on_call=on_call)
    _add(counts, "reconciled_", reconcile_expired(runtime.outbox, now=now))
    _add(counts, "texts_", send_pending(runtime.outbox, now=now))
    _beat(runtime, counts)
    return counts


def _add(counts: Counter[str], prefix: str, more: Counter[str]) -> None:
    for name, number in more.items():
        counts[prefix + name] += number


def _beat(runtime: Runtime, counts: Counter[str]) -> None:
    """Record that a pass ran (by the wall clock: monitoring reads it)."""
    detail = {name: number for name, number in counts.items() if number}
    beat_at = utc_now()
    with runtime.transaction() as session:
        changed = session.execute(
            update(Heartbeat)
            .where(Heartbeat.name == SCHEDULER_HEARTBEAT)
            .values(beat_at=beat_at, detail=detail)
        ).rowcount
        if not changed:
            try:
                with session.begin_nested():
                    session.add(Heartbeat(name=SCHEDULER_HEARTBEAT, beat_at=beat_at, detail=detail))
            except IntegrityError:
                pass  # another process wrote the first beat at the same moment
