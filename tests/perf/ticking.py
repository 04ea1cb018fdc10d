"""The due-work pass taken apart, each part timed on its own (in milliseconds)."""

from __future__ import annotations

import time
from collections.abc import Callable

from recovery.runtime import Runtime, utc_now
from recovery.sending.check_ins import end_waits, queue_due_check_ins, queue_reminders
from recovery.sending.due_work import do_due_work, run_due_work
from recovery.sending.outbox import send_pending
from recovery.sending.reconcile import reconcile_expired
from recovery.sending.wiring import outbox_of


def timed(work: Callable[[], object]) -> Callable[[], float]:
    """A function that runs ``work`` once and returns how long it took, in ms."""

    def measure() -> float:
        started = time.perf_counter()
        work()
        return (time.perf_counter() - started) * 1000

    return measure


def tick_parts(runtime: Runtime) -> dict[str, Callable[[], float]]:
    """The whole pass, the pass without its heartbeat, and each of its database steps."""
    clinic = runtime.clinic

    def check_in_queries() -> None:
        now = utc_now()
        with runtime.transaction() as session:
            queue_due_check_ins(session, clinic=clinic, now=now)
            queue_reminders(session, clinic=clinic, now=now)
            end_waits(session, now=now, on_call=None)

    return {
        "whole pass": timed(lambda: run_due_work(runtime, now=utc_now())),
        "queries only": timed(lambda: do_due_work(runtime, now=utc_now())),
        "check-in queries": timed(check_in_queries),
        "expired leases": timed(lambda: reconcile_expired(outbox_of(runtime), now=utc_now())),
        "claiming texts": timed(lambda: send_pending(outbox_of(runtime), now=utc_now())),
    }
