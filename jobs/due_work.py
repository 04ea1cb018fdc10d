"""The due-work pass: everything that has fallen due, as of one instant."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.exc import IntegrityError

from recovery.due_work import do_due_work
from recovery.health import SCHEDULER_HEARTBEAT
from recovery.models import Heartbeat
from recovery.runtime import Runtime, utc_now

_logger = logging.getLogger(__name__)


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
