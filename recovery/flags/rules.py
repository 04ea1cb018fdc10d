"""The flag rules over pain and activity answers (SPEC section 3): plain data in, findings out.

``history`` holds the enrollment's check-ins that have at least one answer (pain or
activity), ordered by hours after the procedure; check-ins with no answer at all (missed,
cancelled, not yet sent) are left out. Its last entry is the check-in just answered, and
every finding is about that check-in, compared with the ones before it: a finding about an
older check-in was raised when that one was answered. "The previous check-in" means the
nearest earlier one with a pain score, so a missed check-in between two answers is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from recovery.states import FlagKind, Severity

DEFAULT_SEVERITY = {
    FlagKind.RED_FLAG_SYMPTOMS: Severity.URGENT,
    FlagKind.SEVERE_PAIN: Severity.HIGH,
    FlagKind.WORSENING_PAIN: Severity.HIGH,
    FlagKind.PERSISTENT_PAIN: Severity.HIGH,
    FlagKind.NOT_IMPROVING: Severity.NORMAL,
    FlagKind.LIMITED_MOBILITY: Severity.NORMAL,
    FlagKind.NO_RESPONSE: Severity.NORMAL,
    FlagKind.DELIVERY_FAILURE: Severity.NORMAL,
    FlagKind.OPTED_OUT: Severity.NORMAL,
    FlagKind.NEEDS_REVIEW: Severity.NORMAL,
    FlagKind.PATIENT_COMMENT: Severity.NORMAL,
}


@dataclass(frozen=True)
class Answer:
    """One check-in as the rules see it: its label, hours after the procedure, answers."""

    label: str
    hours_after: float
    pain: int | None
    activity: int | None


@dataclass(frozen=True)
class Finding:
    """A flag the answers call for, with the check-ins behind it."""

    kind: FlagKind
    severity: Severity
    reason: str
    check_in_labels: tuple[str, ...]


Rule = Callable[[Answer, Answer | None, int | None, Mapping[str, float]], Finding | None]


def evaluate(
    history: Sequence[Answer], baseline: int | None, thresholds: Mapping[str, float]
) -> list[Finding]:
    """Every finding that holds at the latest check-in of ``history``, given the earlier ones."""
    if not history:
        return []
    latest = history[-1]
    previous = next((a for a in reversed(history[:-1]) if a.pain is not None), None)
    findings = (rule(latest, previous, baseline, thresholds) for rule in RULES)
    return [finding for finding in findings if finding is not None]


def _finding(kind: FlagKind, reason: str, *answers: Answer) -> Finding:
    return Finding(kind, DEFAULT_SEVERITY[kind], reason, tuple(a.label for a in answers))


def _number(value: float) -> str:
    return f"{value:g}"


def severe_pain(
    latest: Answer, _previous: Answer | None, _baseline: int | None, limits: Mapping[str, float]
) -> Finding | None:
    """Pain at or above the severe level (10)."""
    if latest.pain is None or latest.pain < limits["severe_pain"]:
        return None
    return _finding(FlagKind.SEVERE_PAIN, f"Pain {latest.pain}/10 at {latest.label}", latest)


def worsening_pain(
    latest: Answer, previous: Answer | None, _baseline: int | None, limits: Mapping[str, float]
) -> Finding | None:
    """Pain up by the worsening points (2) or more since the previous pain score."""
    if latest.pain is None or previous is None or previous.pain is None:
        return None
    if latest.pain - previous.pain < limits["worsening_pain_points"]:
        return None
    reason = (
        f"Pain rose from {previous.pain} to {latest.pain} "
        f"between {previous.label} and {latest.label}"
    )
    return _finding(FlagKind.WORSENING_PAIN, reason, previous, latest)


def persistent_pain(
    latest: Answer, previous: Answer | None, _baseline: int | None, limits: Mapping[str, float]
) -> Finding | None:
    """Pain at or above the persistent level (7) twice in a row, or late after the procedure."""
    level = limits["persistent_pain"]
    if latest.pain is None or latest.pain < level:
        return None
    if previous is not None and previous.pain is not None and previous.pain >= level:
        reason = (
            f"Pain {previous.pain}/10 at {previous.label} and {latest.pain}/10 at "
            f"{latest.label} ({_number(level)} or more twice in a row)"
        )
        return _finding(FlagKind.PERSISTENT_PAIN, reason, previous, latest)
    after = limits["persistent_pain_after_hours"]
    if latest.hours_after < after:
        return None
    reason = (
        f"Pain {latest.pain}/10 at {latest.label} "
        f"({_number(level)} or more, {_number(after)}h or more after the procedure)"
    )
    return _finding(FlagKind.PERSISTENT_PAIN, reason, latest)


def not_improving(
    latest: Answer, _previous: Answer | None, baseline: int | None, limits: Mapping[str, float]
) -> Finding | None:
    """Pain, late enough, less than the points (2) and less than the percent (30) below baseline."""
    if not baseline or latest.pain is None or latest.hours_after < limits["not_improving_at_hours"]:
        return None
    drop = baseline - latest.pain
    points, percent = limits["not_improving_points"], limits["not_improving_percent"]
    # Compared in whole numbers: a drop of exactly 30% must not be lost to float rounding.
    if drop >= points or drop * 100 >= percent * baseline:
        return None
    how = (
        "no better than before the procedure"
        if drop <= 0
        else f"less than {_number(points)} points and {_number(percent)}% better"
    )
    reason = f"Pain {latest.pain}/10 at {latest.label}, baseline {baseline}: {how}"
    return _finding(FlagKind.NOT_IMPROVING, reason, latest)


def limited_mobility(
    latest: Answer, _previous: Answer | None, _baseline: int | None, limits: Mapping[str, float]
) -> Finding | None:
    """Activity at or below the limited level (1, mostly in bed), late enough."""
    if latest.activity is None or latest.activity > limits["limited_mobility_activity"]:
        return None
    if latest.hours_after < limits["limited_mobility_after_hours"]:
        return None
    reason = f"Mostly in bed (activity {latest.activity}) at {latest.label}"
    return _finding(FlagKind.LIMITED_MOBILITY, reason, latest)


RULES: tuple[Rule, ...] = (
    severe_pain,
    worsening_pain,
    persistent_pain,
    not_improving,
    limited_mobility,
)
