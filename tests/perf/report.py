"""Figures, their goals and baselines, and the table printed and written to docs/benchmarks.md."""

from __future__ import annotations

import operator
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FIXED_HEADING = "## What was fixed"
NOTHING_FIXED = "Nothing yet: fill this section in by hand; `make bench` keeps it."
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Goal:
    """What a figure must reach: ``median <op> limit`` (or a band, for a target rate)."""

    op: str
    limit: float
    text: str
    upper: float | None = None  # for "within": limit <= value <= upper

    def is_met(self, value: float) -> bool:
        """Whether the value reaches the goal."""
        if self.op == "within":
            assert self.upper is not None
            return self.limit <= value <= self.upper
        return _COMPARE[self.op](value, self.limit)


@dataclass
class Figure:
    """One measured figure: its runs, how they are summed up, its goal and its baseline."""

    benchmark: str
    name: str
    unit: str
    runs: list[float] = field(default_factory=list)
    goal: Goal | None = None
    baseline_name: str = ""
    baseline_runs: list[float] = field(default_factory=list)
    is_safety: bool = False  # a safety figure (a count of bad events) is its worst run

    @property
    def value(self) -> float | None:
        """The median of the runs, or the worst (highest) run for a safety figure."""
        if not self.runs:
            return None
        return max(self.runs) if self.is_safety else statistics.median(self.runs)

    @property
    def baseline(self) -> float | None:
        """The median of the baseline's runs."""
        return statistics.median(self.baseline_runs) if self.baseline_runs else None

    @property
    def ratio(self) -> float | None:
        """The figure over its baseline."""
        value, baseline = self.value, self.baseline
        if value is None or not baseline:
            return None
        return value / baseline

    @property
    def verdict(self) -> str:
        """pass, FAIL, info (no goal) or not run."""
        value = self.value
        if value is None:
            return "not run"
        if self.goal is None:
            return "info"
        return "pass" if self.goal.is_met(value) else "FAIL"


def number(value: float | None, unit: str = "") -> str:
    """A figure as people read it: 3 significant digits, thousands separated."""
    if value is None:
        return "-"
    if abs(value) >= 100 or value == int(value):
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:,.1f}"
    else:
        text = f"{value:,.2f}"
    return f"{text} {unit}".strip()


def _cells(figure: Figure) -> list[str]:
    how = "worst of" if figure.is_safety else "median of"
    runs = f"{how} {len(figure.runs)}" if figure.runs else ""
    ratio = figure.ratio
    baseline = (
        f"{figure.baseline_name}: {number(figure.baseline, figure.unit)}"
        if figure.baseline_name
        else ""
    )
    return [
        figure.benchmark,
        figure.name,
        number(figure.value, figure.unit),
        runs,
        figure.goal.text if figure.goal else "",
        baseline,
        f"{ratio:,.1f}x" if ratio is not None else "",
        figure.verdict,
    ]


COLUMNS = ["benchmark", "figure", "value", "runs", "goal", "baseline", "ratio", "result"]


def text_table(figures: list[Figure]) -> str:
    """The figures as a plain-text table for the terminal."""
    rows = [COLUMNS, *(_cells(figure) for figure in figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(figures: list[Figure]) -> str:
    """The figures as a Markdown table."""
    rows = [COLUMNS, ["---"] * len(COLUMNS), *(_cells(figure) for figure in figures)]
    return "\n".join(
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows
    )


def kept_fixes(path: Path) -> str:
    """The hand-written "What was fixed" section of an existing report, if any."""
    if not path.exists():
        return NOTHING_FIXED
    text = path.read_text("utf-8")
    match = re.search(rf"^{re.escape(FIXED_HEADING)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    return match[1].strip() if match and match[1].strip() else NOTHING_FIXED


def write_markdown(
    path: Path,
    *,
    mode: str,
    machine: list[tuple[str, str]],
    figures: list[Figure],
    notes: list[str],
    seconds: float,
) -> None:
    """Write docs/benchmarks.md, keeping its hand-written "What was fixed" section."""
    fixes = kept_fixes(path)
    failed = [f for f in figures if f.verdict == "FAIL"]
    summary = (
        "Every goal is met."
        if not failed
        else f"{len(failed)} figure(s) miss their goal: " + "; ".join(f.name for f in failed) + "."
    )
    parts = [
        "# Benchmarks",
        "",
        f"Written by `make bench{' QUICK=1' if mode == 'quick' else ''}` "
        f"(`python -m tests.perf.run{' --quick' if mode == 'quick' else ''}`), "
        f"{mode} mode, in {seconds / 60:.1f} minutes. The goals are SPEC section 8's. "
        "Each figure is the median of its runs (safety figures: the worst run); each ratio "
        "is over a baseline measured in the same run. Everything ran on loopback.",
        "",
        "## Machine",
        "",
        *(f"- {name}: {value}" for name, value in machine),
        "",
        "## Results",
        "",
        summary,
        "",
        markdown_table(figures),
        "",
        "## How each figure is measured",
        "",
        *(f"- {note}" for note in notes),
        "",
        FIXED_HEADING,
        "",
        fixes,
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), "utf-8")
