"""How big each benchmark is, in full mode (SPEC section 8's sizes) and in quick mode."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Plan:
    """Sizes, durations and repetitions for one run of the benchmarks."""

    mode: str
    runs: int  # repetitions of each measured figure (its median is reported)
    wave_texts: int
    baseline_texts: int
    import_texts: int
    paced_texts: int
    storm_seconds: float
    storm_concurrency: int
    storm_rate: float
    worklist_enrollments: int
    worklist_messages: int
    worklist_flags: int
    page_requests: int  # per page and run
    tick_passes: int
    memory_check_ins: int
    memory_passes: int
    export_answers: int  # answered check-ins of the bigger FHIR export (a tenth: baseline)
    databases: tuple[str, ...] = ("sqlite", "postgresql")
    workdir: Path = Path("/tmp")


FULL = Plan(
    mode="full",
    runs=3,
    wave_texts=10_000,
    baseline_texts=50,
    import_texts=2_000,
    paced_texts=1_000,
    storm_seconds=10.0,
    storm_concurrency=8,
    storm_rate=100.0,
    worklist_enrollments=100_000,
    worklist_messages=1_000_000,
    worklist_flags=20_000,
    page_requests=60,
    tick_passes=50,
    memory_check_ins=1_000_000,
    memory_passes=3,
    export_answers=100_000,
)

QUICK = Plan(
    mode="quick",
    runs=1,
    wave_texts=2_000,
    baseline_texts=20,
    import_texts=2_000,
    paced_texts=300,
    storm_seconds=3.0,
    storm_concurrency=8,
    storm_rate=100.0,
    worklist_enrollments=10_000,
    worklist_messages=100_000,
    worklist_flags=2_000,
    page_requests=30,
    tick_passes=50,
    memory_check_ins=100_000,
    memory_passes=2,
    export_answers=20_000,
)
