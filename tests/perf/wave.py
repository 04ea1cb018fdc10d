"""Benchmarks 1 and 2: the morning wave (no rate cap) and the paced wave (50 texts/s)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from tests.perf.plan import Plan
from tests.perf.report import Figure, Goal
from tests.perf.sending import (
    LATENCY,
    WaveRun,
    database_names,
    imported_wave,
    one_at_a_time,
    wave,
)

_T = TypeVar("_T")
MORNING = "morning wave"
PACED = "paced wave"
PACE = 50.0
EXACTLY_ONCE = Goal("<=", 0, "0 (each sent exactly once)")
IN_FLIGHT = Goal("<=", 100, "never over 100")
RATE = Goal(">=", 160, ">= 160 texts/s (aim 400)")
NOTES = [
    f"Morning wave: check-ins bulk-inserted due at one instant, then `flask --app recovery tick "
    f"--at <instant>` in its own process against the Twilio-compatible test server answering "
    f"each create in {LATENCY * 1000:.0f} ms, no rate cap (`SMS_RATE_PER_SECOND=0`). texts/s = "
    f"texts / (last accepted create - first accepted create + {LATENCY:g} s), i.e. from the "
    "moment the first create left the sender. 'Not sent exactly once' counts check-ins whose "
    "text the server holds zero or several times, plus texts to unexpected numbers, plus "
    "check-ins not recorded `sent`. 'Whole tick' is the process from start to exit (Python "
    "start-up, queueing every check-in's text, sending).",
    "Baseline: the same outbox with `workers=1` (one text at a time), in-process, on the same "
    "database kind and server latency.",
    "Import CLI + one tick (the issue's acceptance check): a CSV of 2,000 patients with "
    "distinct numbers, then `flask init-db`, `flask import-enrollments FILE.csv` and one "
    "`flask tick --at <an instant 3 minutes before the import, when the 24 h check-ins are "
    "due>` as separate processes on a fresh SQLite file, the patients in a time zone where "
    "that instant is daytime; the welcome texts the import queued fall due after that "
    "instant, so they are not part of the wave.",
    f"Paced wave: the same as the morning wave with `SMS_RATE_PER_SECOND={PACE:g}`, timed where "
    "Twilio counts a request, when it arrives at the server: achieved rate = (texts - 1) / "
    "(last - first arrival); 'busiest second' is the most creates arriving in any sliding 1 s "
    "window. 'As accepted' counts the same after the server's 150 ms answer delay, which adds "
    "the test server's own timer and thread jitter (information only).",
]


def _runs(plan: Plan, measure: Callable[[], _T]) -> list[_T]:
    return [measure() for _ in range(plan.runs)]


def morning_wave(plan: Plan) -> list[Figure]:
    """Benchmark 1: texts/s, exactly once, requests in flight; on each database."""
    figures = []
    for kind, name in database_names(plan):
        runs = _runs(plan, partial(wave, kind, plan.wave_texts, plan.workdir))
        base = _runs(plan, partial(one_at_a_time, kind, plan.baseline_texts, plan.workdir))
        label = f"{name}, {plan.wave_texts:,} check-ins"
        figures += [
            Figure(
                MORNING,
                f"{label}: send rate",
                "texts/s",
                [r.rate for r in runs],
                RATE,
                baseline_name=f"one at a time ({plan.baseline_texts} texts)",
                baseline_runs=base,
            ),
            *_safety_figures(label, runs),
            Figure(MORNING, f"{label}: whole tick", "s", [r.tick_seconds for r in runs]),
        ]
    return figures


def imported(plan: Plan) -> list[Figure]:
    """The issue's acceptance check: import CLI and one tick on a fresh SQLite file."""
    results = _runs(plan, partial(imported_wave, plan.import_texts, plan.workdir))
    runs = [run for run, _seconds in results]
    label = f"SQLite, {plan.import_texts:,} imported"
    return [
        Figure(MORNING, f"{label}: send rate", "texts/s", [r.rate for r in runs], RATE),
        *_safety_figures(label, runs),
        Figure(MORNING, f"{label}: import-enrollments", "s", [s for _run, s in results]),
        Figure(MORNING, f"{label}: whole tick", "s", [r.tick_seconds for r in runs]),
    ]


def paced_wave(plan: Plan) -> list[Figure]:
    """Benchmark 2: the achieved rate and the busiest second at SMS_RATE_PER_SECOND=50."""
    figures = []
    within = Goal("within", PACE * 0.95, f"{PACE * 0.95:g}-{PACE * 1.05:g} texts/s", PACE * 1.05)
    for kind, name in database_names(plan):
        runs = _runs(plan, partial(wave, kind, plan.paced_texts, plan.workdir, rate=PACE))
        label = f"{name}, {plan.paced_texts:,} at {PACE:g}/s"
        figures += [
            Figure(
                PACED, f"{label}: achieved rate", "texts/s", [r.paced_rate for r in runs], within
            ),
            Figure(
                PACED,
                f"{label}: busiest second",
                "texts",
                [r.busiest_second for r in runs],
                Goal("<=", PACE, f"never over {PACE:g}"),
                is_safety=True,
            ),
            Figure(
                PACED,
                f"{label}: busiest second as accepted",
                "texts",
                [r.busiest_accepted_second for r in runs],
                is_safety=True,
            ),
            Figure(
                PACED,
                f"{label}: not sent exactly once",
                "",
                [r.not_once for r in runs],
                EXACTLY_ONCE,
                is_safety=True,
            ),
        ]
    return figures


def _safety_figures(label: str, runs: list[WaveRun]) -> list[Figure]:
    """What must hold in every run of a wave: each text once, never too many in flight."""
    return [
        Figure(
            MORNING,
            f"{label}: not sent exactly once",
            "",
            [r.not_once for r in runs],
            EXACTLY_ONCE,
            is_safety=True,
        ),
        Figure(
            MORNING,
            f"{label}: most creates in flight",
            "",
            [r.max_in_flight for r in runs],
            IN_FLIGHT,
            is_safety=True,
        ),
    ]
