"""Benchmark 5: the scheduler process's memory with a million future check-ins."""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from recovery.db import make_engine
from recovery.models import Heartbeat
from recovery.runtime import utc_now
from recovery.sending.due_work import SCHEDULER_HEARTBEAT
from tests.perf.data import add_future_check_ins
from tests.perf.databases import fresh_postgres
from tests.perf.plan import Plan
from tests.perf.processes import FLASK, resident_memory, running, service_env
from tests.perf.report import Figure, Goal

MEMORY = "memory"
PASS_SECONDS = 5.0  # jobs.clock.INTERVAL
NOTES = [
    "Memory: `flask --app recovery scheduler` (the real process: BlockingScheduler, a "
    "due-work pass every 5 s) on a PostgreSQL database holding the future check-ins (two "
    "per enrollment, due over the coming month, none due yet), console SMS backend. Its "
    "VmRSS and VmHWM (peak) from /proc/<pid>/status once the heartbeat shows the stated "
    "number of passes. Baseline: the same process over an empty database; 'growth' is the "
    "difference.",
]


def _last_pass(url: str) -> set[datetime]:
    """When the last due-work pass ran, as a set (empty before the first)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            query = select(Heartbeat.beat_at).where(Heartbeat.name == SCHEDULER_HEARTBEAT)
            beat = connection.execute(query).scalar()
            return {beat} if beat is not None else set()
    finally:
        engine.dispose()


def scheduler_memory(url: str, passes: int, log: Path) -> tuple[float, float]:
    """Resident memory (now, peak) in MiB of a scheduler process after ``passes`` passes."""
    env = service_env(DATABASE_URL=url, SMS_BACKEND="console", SECRET_KEY=secrets.token_hex(24))
    seen: set[datetime] = set()
    with running([*FLASK, "scheduler"], env, log) as process:
        deadline = time.monotonic() + 60 + passes * PASS_SECONDS
        while len(seen) < passes:
            if process.poll() is not None:
                raise RuntimeError(f"the scheduler exited with {process.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the scheduler ran {len(seen)} of {passes} passes in time")
            seen |= _last_pass(url)
            time.sleep(0.25)
        time.sleep(0.5)  # let the last pass finish its wake-up query
        return resident_memory(process.pid)


def resident_and_peak(
    benchmark: str,
    names: tuple[str, str],
    runs: list[tuple[float, float]],
    baseline: tuple[str, list[tuple[float, float]]],
    goal: Goal | None = None,
) -> list[Figure]:
    """The two figures of ``resident_memory``'s runs (VmRSS, VmHWM), each beside its baseline."""
    baseline_name, baseline_runs = baseline
    return [
        Figure(
            benchmark,
            name,
            "MiB",
            [run[which] for run in runs],
            goal,
            baseline_name=baseline_name,
            baseline_runs=[base[which] for base in baseline_runs],
        )
        for which, name in enumerate(names)
    ]


def memory(plan: Plan) -> list[Figure]:
    """Benchmark 5: RSS with many future check-ins against RSS over an empty database."""
    log = plan.workdir / "scheduler-memory.log"
    with fresh_postgres() as url:
        empty = [scheduler_memory(url, plan.memory_passes, log) for _ in range(plan.runs)]
    with fresh_postgres() as url:
        engine = make_engine(url)
        try:
            add_future_check_ins(engine, plan.memory_check_ins, now=utc_now())
        finally:
            engine.dispose()
        full = [scheduler_memory(url, plan.memory_passes, log) for _ in range(plan.runs)]
    label = f"scheduler, {plan.memory_check_ins:,} future check-ins, {plan.memory_passes} passes"
    growth = [f[0] - e[0] for f, e in zip(full, empty, strict=True)]
    return [
        *resident_and_peak(
            MEMORY,
            (f"{label}: resident (VmRSS)", f"{label}: peak (VmHWM)"),
            full,
            ("empty database", empty),
            Goal("<", 150, "< 150 MiB"),
        ),
        Figure(
            MEMORY,
            f"{label}: growth over the empty database",
            "MiB",
            growth,
            Goal("<", 10, "< 10 MiB (independent of the check-ins)"),
        ),
    ]
