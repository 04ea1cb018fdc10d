"""Benchmark 6: ``flask export-fhir``'s memory at 10,000 and 100,000 answered check-ins."""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from recovery.db import make_engine
from recovery.models import CheckIn
from recovery.runtime import utc_now
from tests.perf.data import Row, add_patients, check_in, chunks, finish, insert_rows
from tests.perf.databases import fresh_postgres
from tests.perf.memory import resident_and_peak
from tests.perf.plan import Plan
from tests.perf.processes import FLASK, ROOT, resident_memory, service_env
from tests.perf.report import Figure, Goal

EXPORT = "FHIR export"
NOTES = [
    "FHIR export: `flask --app recovery export-fhir --out FILE` as its own process on a "
    "PostgreSQL database holding the stated number of answered check-ins (two per "
    "enrollment, pain and activity each, so two Observations per check-in, and one patient "
    "per enrollment), bulk-inserted. /proc/<pid>/status is read every 50 ms while it runs: "
    "'resident at the end' is the last VmRSS read (the export's working set, after every "
    "row went through it), 'peak' its VmHWM, which the start-up's own peak (about 117 MiB, "
    "before any row is read) sets at both sizes. Baseline: the same at a tenth of the "
    "answers; 'growth' is how much more the bigger export holds at the end.",
]
SAMPLE_SECONDS = 0.05


def add_answers(engine: Engine, count: int, *, now: datetime) -> None:
    """``count`` answered check-ins, two per enrollment, in the last four months."""
    enrollments = (count + 1) // 2

    def performed(index: int) -> datetime:
        return now - timedelta(days=3 + index % 120, minutes=index % 600)

    def answered(index: int, hours: int) -> Row:
        due = performed(index) + timedelta(hours=hours)
        return check_in(
            2 * index - (1 if hours == 24 else 0),
            index,
            hours,
            due,
            status="answered",
            queued_at=due,
            sent_at=due,
            answered_at=due + timedelta(minutes=40),
            ended_at=due + timedelta(minutes=40),
            pain=index % 11,
            activity=1 + index % 4,
        )

    add_patients(engine, enrollments, performed, status=lambda _index: "completed")
    with engine.begin() as connection:
        rows = (answered(i, h) for ids in chunks(enrollments) for i in ids for h in (24, 48))
        insert_rows(connection, CheckIn, (row for row in rows if row["id"] <= count))
        finish(connection)


def export_memory_of(url: str, out: Path) -> tuple[float, float]:
    """Resident memory (at the end, peak) in MiB of one ``flask export-fhir --out`` process."""
    env = service_env(DATABASE_URL=url, SMS_BACKEND="console", SECRET_KEY=secrets.token_hex(24))
    command = [*FLASK, "export-fhir", "--out", str(out)]
    memory = (0.0, 0.0)
    with subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE) as process:
        while process.poll() is None:
            with contextlib.suppress(FileNotFoundError, KeyError):  # it may end meanwhile
                memory = resident_memory(process.pid)
            time.sleep(SAMPLE_SECONDS)
        errors = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"flask export-fhir exited {process.returncode}:\n{errors}")
    out.unlink()
    return memory


def _memory(plan: Plan, answers: int) -> list[tuple[float, float]]:
    with fresh_postgres() as url:
        engine = make_engine(url)
        try:
            add_answers(engine, answers, now=utc_now())
        finally:
            engine.dispose()
        out = plan.workdir / "export.ndjson"
        return [export_memory_of(url, out) for _ in range(plan.runs)]


def export_memory(plan: Plan) -> list[Figure]:
    """Benchmark 6: the export's memory, against the same at a tenth of the answers."""
    small, big = plan.export_answers // 10, plan.export_answers
    baseline, runs = _memory(plan, small), _memory(plan, big)
    growth = [100 * (run[0] / base[0] - 1) for run, base in zip(runs, baseline, strict=True)]
    label = f"flask export-fhir, {big:,} answered check-ins"
    return [
        *resident_and_peak(
            EXPORT,
            (f"{label}: resident at the end (VmRSS)", f"{label}: peak (VmHWM)"),
            runs,
            (f"{small:,} answered check-ins", baseline),
        ),
        Figure(
            EXPORT,
            f"flask export-fhir: growth at the end from {small:,} to {big:,} answered check-ins",
            "%",
            growth,
            Goal("<", 20, "< 20% (memory flat)"),
        ),
    ]
