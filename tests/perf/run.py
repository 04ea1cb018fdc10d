"""Run the benchmarks of SPEC section 8: ``python -m tests.perf.run [--quick]`` (``make bench``).

Prints a table and writes docs/benchmarks.md. Every database, server, process and file a
benchmark makes is removed when it ends, also after an error or Ctrl-C (SIGTERM too).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import FrameType

from tests.perf import callback_wave, export, machine, memory, storm, wave, worklist
from tests.perf.databases import POSTGRES_SERVER_URL
from tests.perf.plan import FULL, QUICK, Plan
from tests.perf.processes import ROOT
from tests.perf.report import Figure, text_table, write_markdown

Benchmark = Callable[[Plan], list[Figure]]
BENCHMARKS: dict[str, tuple[Benchmark, bool]] = {  # name: (benchmark, needs PostgreSQL)
    "wave": (wave.morning_wave, False),
    "import": (wave.imported, False),
    "paced": (wave.paced_wave, False),
    "callbacks": (callback_wave.callback_waves, False),
    "storm": (storm.reply_storm, True),
    "worklist": (worklist.big_worklist, True),
    "memory": (memory.memory, True),
    "export": (export.export_memory, True),
}
NOTES = [
    *wave.NOTES,
    *callback_wave.NOTES,
    *storm.NOTES,
    *worklist.NOTES,
    *memory.NOTES,
    *export.NOTES,
]


def _stop_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def _run_one(name: str, benchmark: Benchmark, plan: Plan, errors: list[str]) -> list[Figure]:
    print(f"[{time.strftime('%H:%M:%S')}] {name} ...", flush=True)
    started = time.monotonic()
    try:
        figures = benchmark(plan)
    except Exception as error:  # one broken benchmark must not lose the others' figures
        traceback.print_exc()
        errors.append(f"{name} did not finish: {type(error).__name__}: {error}".splitlines()[0])
        return [Figure(name, f"did not finish ({type(error).__name__})", "")]
    print(f"    {name} took {time.monotonic() - started:.0f} s", flush=True)
    return figures


def run(plan: Plan, names: list[str]) -> tuple[list[Figure], list[str]]:
    """Run the named benchmarks; return their figures and what went wrong."""
    has_postgres = machine.postgres_version(POSTGRES_SERVER_URL) is not None
    if not has_postgres:
        plan = replace(plan, databases=("sqlite",))
    figures: list[Figure] = []
    errors: list[str] = []
    for name in names:
        benchmark, needs_postgres = BENCHMARKS[name]
        if needs_postgres and not has_postgres:
            errors.append(f"{name} needs PostgreSQL at {POSTGRES_SERVER_URL}, which did not answer")
            figures.append(Figure(name, "not run: no PostgreSQL", ""))
            continue
        figures += _run_one(name, benchmark, plan, errors)
    return figures, errors


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run, print the table, write the report; 1 if a benchmark broke."""
    parser = argparse.ArgumentParser(prog="python -m tests.perf.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one run each")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), help="run only these")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started, load_before = time.monotonic(), _load()
    names = args.only or list(BENCHMARKS)
    with tempfile.TemporaryDirectory(prefix="recovery-bench-") as directory:
        plan = replace(QUICK if args.quick else FULL, workdir=Path(directory))
        try:
            figures, errors = run(plan, names)
        except KeyboardInterrupt:
            print(
                "\nInterrupted: everything the benchmarks made is being removed.", file=sys.stderr
            )
            return 130
    seconds = time.monotonic() - started
    print()
    print(text_table(figures))
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    details = [
        *machine.describe(POSTGRES_SERVER_URL),
        ("load average before / after", f"{load_before} / {_load()}"),
    ]
    notes = NOTES + [f"Did not finish: {error}" for error in errors]
    if args.only:
        notes.insert(0, f"Only these benchmarks ran: {', '.join(names)}.")
    write_markdown(
        args.output, mode=plan.mode, machine=details, figures=figures, notes=notes, seconds=seconds
    )
    missed = [f.name for f in figures if f.verdict == "FAIL"]
    print(f"\n{len(missed)} figure(s) miss their goal" if missed else "\nEvery goal is met")
    print(f"Written to {args.output} ({seconds / 60:.1f} minutes)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
