"""The flag rules over pain and activity (SPEC section 3): trajectories in, flags out."""

from __future__ import annotations

import pytest

from recovery.flags.rules import DEFAULT_SEVERITY, Answer, Finding, evaluate
from recovery.protocols.definitions import default_definitions, parse_definition
from recovery.states import FlagKind, Severity

DEFAULT = next(d for d in default_definitions() if d["name"] == "vertebroplasty")
THRESHOLDS = parse_definition(DEFAULT).thresholds
STEPS = (("24h", 24.0), ("48h", 48.0))
Reply = tuple[int | None, int | None]  # (pain, activity); None where no answer came


def replay(
    baseline: int | None, *replies: Reply, thresholds: dict[str, float] = THRESHOLDS
) -> set[str]:
    """Answer the check-ins one by one as a patient would; each raised flag as kind@label."""
    history: list[Answer] = []
    raised: set[str] = set()
    for (label, hours), (pain, activity) in zip(STEPS, replies, strict=True):
        if pain is None and activity is None:
            continue  # a missed check-in is not in the history
        history.append(Answer(label, hours, pain, activity))
        raised |= {f"{f.kind.value}@{label}" for f in evaluate(history, baseline, thresholds)}
    return raised


@pytest.mark.parametrize(
    ("baseline", "day1", "day2", "flags"),
    [
        # Recovering as hoped: nothing to flag.
        (8, (5, 2), (3, 3), set()),
        (None, (5, 2), (4, 2), set()),
        (None, (5, 2), (5, 2), set()),
        (None, (6, 2), (6, 2), set()),
        (None, (None, None), (None, None), set()),
        # Pain 10 at any check-in is severe.
        (8, (10, 2), (4, 3), {"severe_pain@24h"}),
        (None, (10, 2), (10, 2), {"severe_pain@24h", "severe_pain@48h", "persistent_pain@48h"}),
        (8, (9, 2), (10, 2), {"severe_pain@48h", "persistent_pain@48h", "not_improving@48h"}),
        (None, (2, 3), (10, 3), {"severe_pain@48h", "worsening_pain@48h", "persistent_pain@48h"}),
        (None, (9, 2), (None, None), set()),
        # Worsening: a rise of 2 is flagged, a rise of 1 is not.
        (None, (4, 2), (6, 2), {"worsening_pain@48h"}),
        (None, (0, 4), (2, 4), {"worsening_pain@48h"}),
        (None, (4, 2), (5, 2), set()),
        (None, (1, 4), (2, 4), set()),
        (None, (4, 2), (7, 2), {"worsening_pain@48h", "persistent_pain@48h"}),
        (None, (6, 2), (8, 2), {"worsening_pain@48h", "persistent_pain@48h"}),
        (None, (3, 2), (6, 1), {"worsening_pain@48h", "limited_mobility@48h"}),
        # Baseline is before the procedure: a rise from it is not "worsening".
        (3, (6, 2), (6, 2), {"not_improving@48h"}),
        (2, (3, 2), (4, 2), {"not_improving@48h"}),
        # Persistent: 7 or more twice in a row, or at 48 h; 7 exactly counts.
        (None, (7, 2), (7, 2), {"persistent_pain@48h"}),
        (None, (8, 2), (9, 2), {"persistent_pain@48h"}),
        (None, (9, 2), (7, 2), {"persistent_pain@48h"}),
        (None, (7, 2), (3, 3), set()),
        (None, (7, 1), (6, 2), set()),
        (None, (6, 2), (7, 2), {"persistent_pain@48h"}),
        (None, (None, 2), (7, 2), {"persistent_pain@48h"}),
        (None, (None, None), (7, 2), {"persistent_pain@48h"}),
        (10, (8, 2), (7, 2), {"persistent_pain@48h"}),
        # Not improving: less than 2 points AND less than 30% below baseline, at 48 h.
        (7, (6, 2), (6, 2), {"not_improving@48h"}),
        (8, (6, 2), (7, 2), {"persistent_pain@48h", "not_improving@48h"}),
        (8, (None, None), (7, 2), {"persistent_pain@48h", "not_improving@48h"}),
        (8, (6, 2), (6, 2), set()),  # exactly 2 points better
        (5, (4, 2), (3, 2), set()),  # exactly 2 points better
        (7, (7, 2), (5, 2), set()),
        (6, (5, 2), (4, 2), set()),
        (5, (4, 2), (4, 2), {"not_improving@48h"}),  # 1 point, 20%
        (3, (3, 2), (2, 2), set()),  # 1 point but 33%
        (4, (4, 2), (4, 2), {"not_improving@48h"}),
        (2, (1, 3), (2, 3), {"not_improving@48h"}),
        (1, (0, 4), (0, 4), set()),
        (8, (4, 2), (None, 2), set()),  # no pain score at 48 h
        (8, (7, 2), (None, None), set()),  # 48 h missed; 24 h is too early to judge
        # Baseline 0 or unknown: never "not improving".
        (0, (0, 3), (0, 4), set()),
        (0, (2, 3), (3, 3), set()),
        # Limited mobility: activity 1 at 48 h, not at 24 h.
        (None, (5, 2), (None, 1), {"limited_mobility@48h"}),
        (None, (5, 1), (4, 2), set()),
        (None, (5, 1), (4, 1), {"limited_mobility@48h"}),
        (None, (None, 2), (None, 1), {"limited_mobility@48h"}),
        (None, (5, None), (None, 1), {"limited_mobility@48h"}),
        (8, (5, 1), (None, 1), {"limited_mobility@48h"}),
        # Everything at once.
        (
            10,
            (10, 1),
            (10, 1),
            {
                "severe_pain@24h",
                "severe_pain@48h",
                "persistent_pain@48h",
                "not_improving@48h",
                "limited_mobility@48h",
            },
        ),
        (9, (9, 1), (8, 1), {"persistent_pain@48h", "not_improving@48h", "limited_mobility@48h"}),
    ],
)
def test_trajectory_raises_exactly_its_flags(
    baseline: int | None, day1: Reply, day2: Reply, flags: set[str]
) -> None:
    assert replay(baseline, day1, day2) == flags


@pytest.mark.parametrize(
    ("changes", "baseline", "day1", "day2", "flags"),
    [
        # A drop of exactly 30% is not "less than 30%", whatever the points say.
        ({"not_improving_points": 5}, 10, (9, 2), (7, 2), {"persistent_pain@48h"}),
        (
            {"not_improving_points": 5},
            10,
            (9, 2),
            (8, 2),
            {"persistent_pain@48h", "not_improving@48h"},
        ),
        ({"not_improving_points": 5, "not_improving_percent": 50}, 6, (5, 2), (3, 2), set()),
        ({"severe_pain": 9}, None, (9, 2), (3, 2), {"severe_pain@24h"}),
        ({"worsening_pain_points": 3}, None, (2, 2), (4, 2), set()),
        ({"persistent_pain": 8}, None, (7, 2), (7, 2), set()),
        ({"persistent_pain_after_hours": 24}, None, (7, 2), (2, 2), {"persistent_pain@24h"}),
        ({"limited_mobility_activity": 2}, None, (5, 2), (4, 2), {"limited_mobility@48h"}),
        ({"limited_mobility_after_hours": 24}, None, (5, 1), (4, 2), {"limited_mobility@24h"}),
        ({"not_improving_at_hours": 24}, 5, (5, 2), (1, 2), {"not_improving@24h"}),
    ],
)
def test_every_threshold_comes_from_the_protocol(
    changes: dict[str, float],
    baseline: int | None,
    day1: Reply,
    day2: Reply,
    flags: set[str],
) -> None:
    assert replay(baseline, day1, day2, thresholds={**THRESHOLDS, **changes}) == flags


@pytest.mark.parametrize(
    ("baseline", "history", "reason"),
    [
        (None, [("24h", 24, 10, 2)], "Pain 10/10 at 24h"),
        (None, [("24h", 24, 4, 2), ("48h", 48, 7, 2)], "Pain rose from 4 to 7 between 24h and 48h"),
        (
            None,
            [("24h", 24, 8, 2), ("48h", 48, 9, 2)],
            "Pain 8/10 at 24h and 9/10 at 48h (7 or more twice in a row)",
        ),
        (
            None,
            [("24h", 24, 5, 2), ("48h", 48, 7, 2)],
            "Pain 7/10 at 48h (7 or more, 48h or more after the procedure)",
        ),
        (
            7,
            [("24h", 24, 6, 2), ("48h", 48, 6, 2)],
            "Pain 6/10 at 48h, baseline 7: less than 2 points and 30% better",
        ),
        (
            5,
            [("24h", 24, 5, 2), ("48h", 48, 6, 2)],
            "Pain 6/10 at 48h, baseline 5: no better than before the procedure",
        ),
        (None, [("24h", 24, 5, 2), ("48h", 48, 5, 1)], "Mostly in bed (activity 1) at 48h"),
    ],
)
def test_each_finding_gives_its_reason_in_plain_words(
    baseline: int | None, history: list[tuple[str, float, int, int]], reason: str
) -> None:
    findings = evaluate([Answer(*row) for row in history], baseline, THRESHOLDS)
    assert [f.reason for f in findings if f.reason == reason] == [reason]


def test_findings_name_the_check_ins_behind_them_and_their_default_severity() -> None:
    history = [Answer("24h", 24, 8, 2), Answer("48h", 48, 10, 1)]
    findings = {f.kind: f for f in evaluate(history, 9, THRESHOLDS)}
    assert findings == {
        FlagKind.SEVERE_PAIN: Finding(
            FlagKind.SEVERE_PAIN, Severity.HIGH, "Pain 10/10 at 48h", ("48h",)
        ),
        FlagKind.WORSENING_PAIN: Finding(
            FlagKind.WORSENING_PAIN,
            Severity.HIGH,
            "Pain rose from 8 to 10 between 24h and 48h",
            ("24h", "48h"),
        ),
        FlagKind.PERSISTENT_PAIN: Finding(
            FlagKind.PERSISTENT_PAIN,
            Severity.HIGH,
            "Pain 8/10 at 24h and 10/10 at 48h (7 or more twice in a row)",
            ("24h", "48h"),
        ),
        FlagKind.NOT_IMPROVING: Finding(
            FlagKind.NOT_IMPROVING,
            Severity.NORMAL,
            "Pain 10/10 at 48h, baseline 9: no better than before the procedure",
            ("48h",),
        ),
        FlagKind.LIMITED_MOBILITY: Finding(
            FlagKind.LIMITED_MOBILITY,
            Severity.NORMAL,
            "Mostly in bed (activity 1) at 48h",
            ("48h",),
        ),
    }


def test_findings_are_about_the_latest_check_in_only() -> None:
    history = [Answer("24h", 24, 10, 1), Answer("48h", 48, 3, 3)]
    assert evaluate(history, None, THRESHOLDS) == []


def test_a_missed_check_in_between_is_skipped_when_comparing_pain() -> None:
    history = [Answer("24h", 24, 7, 2), Answer("72h", 72, 9, 2)]
    kinds = {f.kind for f in evaluate(history, None, THRESHOLDS)}
    assert kinds == {FlagKind.WORSENING_PAIN, FlagKind.PERSISTENT_PAIN}
    history = [Answer("24h", 24, 4, 2), Answer("48h", 48, None, 2), Answer("72h", 72, 6, 2)]
    assert [f.check_in_labels for f in evaluate(history, None, THRESHOLDS)] == [("24h", "72h")]


def test_empty_history_finds_nothing() -> None:
    assert evaluate([], 8, THRESHOLDS) == []


def test_default_severities_follow_the_spec_table() -> None:
    assert set(DEFAULT_SEVERITY) == set(FlagKind)
    assert DEFAULT_SEVERITY[FlagKind.RED_FLAG_SYMPTOMS] == Severity.URGENT
    high = {kind for kind, severity in DEFAULT_SEVERITY.items() if severity == Severity.HIGH}
    assert high == {FlagKind.SEVERE_PAIN, FlagKind.WORSENING_PAIN, FlagKind.PERSISTENT_PAIN}
