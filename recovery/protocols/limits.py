"""The limits a protocol setting must keep so that no edit breaks a promise (SPEC 4).

Each check is a pure function over typed values that returns why a value is refused, or
None; ``definitions.parse_definition`` runs them for the editor's form and for the protocol
files that ``init-db`` loads, and puts each answer on its field.
"""

from __future__ import annotations

import re
from datetime import datetime, time

EARLIEST_WINDOW = time(8)
LATEST_WINDOW = time(21)
SHORTEST_WINDOW_HOURS = 4
SHORTEST_OFFSET_HOURS = 1
LONGEST_OFFSET_HOURS = 90 * 24
SHORTEST_REMINDER_HOURS = 1
# The patient has at least this long to answer the reminder before the wait ends.
SHORTEST_WAIT_AFTER_REMINDER_HOURS = 1
LATENESS_HOURS = (1, 48)
LONGEST_KEY = 32  # the width of check_ins.label and check_ins.step_key

PAIN = (0, 10, "the pain scale, 0-10")
POINTS = (1, 10, "points on the pain scale, 1-10")
ACTIVITY = (1, 4, "the activity scale, 1-4")
PERCENT = (1, 100, "a percentage, 1-100")
HOURS = (0, LONGEST_OFFSET_HOURS, f"hours after the procedure, 0-{LONGEST_OFFSET_HOURS}")
THRESHOLD_SCALES: dict[str, tuple[float, float, str]] = {
    "severe_pain": PAIN,
    "worsening_pain_points": POINTS,
    "persistent_pain": PAIN,
    "persistent_pain_after_hours": HOURS,
    "not_improving_points": POINTS,
    "not_improving_percent": PERCENT,
    "not_improving_at_hours": HOURS,
    "limited_mobility_activity": ACTIVITY,
    "limited_mobility_after_hours": HOURS,
}

# Carrier rules: the welcome names the keywords that opt out and get help. Each language may
# use the keywords that the service understands in it (recovery.understanding.keywords); the
# default Spanish welcome says "Responda ALTO para no recibir más, AYUDA para ayuda".
OPT_OUT_WORDS = {"en": ("STOP",), "es": ("ALTO", "STOP", "PARAR", "CANCELAR")}
HELP_WORDS = {"en": ("HELP",), "es": ("AYUDA", "HELP")}
WELCOME_EXAMPLES = {
    "en": "Reply STOP to opt out, HELP for help.",
    "es": "Responda ALTO para no recibir más, AYUDA para ayuda.",
}


def setting_problems(
    hours: dict[str, float], thresholds: dict[str, float], texts: dict[str, dict[str, str]]
) -> dict[str, str | None]:
    """Each hour setting, threshold and welcome text by its field, with why it is beyond its
    limit (None where it is within)."""
    problems: dict[str, str | None] = {
        **reminder_problems(hours["reminder_after_hours"], hours["missed_after_reminder_hours"]),
        "latest_lateness_hours": lateness_problem(hours["latest_lateness_hours"]),
    }
    for key, value in thresholds.items():
        problems[f"thresholds.{key}"] = threshold_problem(key, value)
    for language, wording in texts.items():
        if "welcome" in wording:
            problems[f"texts.{language}.welcome"] = welcome_problem(language, wording["welcome"])
    return problems


def window_problem(start: time, end: time) -> str | None:
    """Why a delivery window is refused: outside 08:00-21:00, or shorter than 4 hours."""
    if start < EARLIEST_WINDOW or end > LATEST_WINDOW:
        return (
            f"must lie within {EARLIEST_WINDOW:%H:%M}-{LATEST_WINDOW:%H:%M} "
            "(no texts early in the morning or late at night)"
        )
    day = datetime(2000, 1, 1)
    length = datetime.combine(day, end) - datetime.combine(day, start)
    if length.total_seconds() < SHORTEST_WINDOW_HOURS * 3600:
        return f"must be open at least {SHORTEST_WINDOW_HOURS} hours a day"
    return None


def offset_problem(hours: float) -> str | None:
    """Why a step's offset is refused: it must lie between 1 hour and 90 days."""
    if not SHORTEST_OFFSET_HOURS <= hours <= LONGEST_OFFSET_HOURS:
        return (
            f"must be between {SHORTEST_OFFSET_HOURS} hour and 90 days "
            f"({LONGEST_OFFSET_HOURS} hours)"
        )
    return None


def reminder_problems(reminder_after: float, wait_after_reminder: float) -> dict[str, str]:
    """Why the reminder settings are refused, by setting: at least 1 h, before the wait ends."""
    problems = {}
    if reminder_after < SHORTEST_REMINDER_HOURS:
        problems["reminder_after_hours"] = (
            f"must be at least {SHORTEST_REMINDER_HOURS} hour after the check-in is sent"
        )
    if wait_after_reminder < SHORTEST_WAIT_AFTER_REMINDER_HOURS:
        problems["missed_after_reminder_hours"] = (
            f"must be at least {SHORTEST_WAIT_AFTER_REMINDER_HOURS} hour: the reminder comes "
            "before the wait ends, with time left to answer it"
        )
    return problems


def lateness_problem(hours: float) -> str | None:
    """Why a latest lateness is refused: it must lie between 1 and 48 hours."""
    low, high = LATENESS_HOURS
    if not low <= hours <= high:
        return f"must be between {low} and {high} hours"
    return None


def threshold_problem(key: str, value: float) -> str | None:
    """Why a flag threshold is refused: it must lie on its scale."""
    low, high, scale = THRESHOLD_SCALES[key]
    if not low <= value <= high:
        return f"must be between {low:g} and {high:g} ({scale})"
    return None


def welcome_problem(language: str, wording: str) -> str | None:
    """Why a welcome text is refused: it must tell how to opt out and how to get help."""
    opt_out = OPT_OUT_WORDS.get(language, OPT_OUT_WORDS["en"])
    help_words = HELP_WORDS.get(language, HELP_WORDS["en"])
    if _has_word(wording, opt_out) and _has_word(wording, help_words):
        return None
    return (
        "must tell how to opt out and get help, naming the keywords in capitals "
        f"({' or '.join(opt_out)}; {' or '.join(help_words)}), "
        f'e.g. "{WELCOME_EXAMPLES.get(language, WELCOME_EXAMPLES["en"])}"'
    )


def _has_word(wording: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<!\w){word}(?!\w)", wording) for word in words)


def label_problem(label: str) -> str | None:
    """Why a step label is refused: it must fit the check-in's label column."""
    if len(label) > LONGEST_KEY:
        return f"must be at most {LONGEST_KEY} characters"
    return None


def key_problem(key: str) -> str | None:
    """Why a step key is refused: it must be a short piece of text."""
    if not key.strip():
        return "must not be blank"
    if len(key) > LONGEST_KEY:
        return f"must be at most {LONGEST_KEY} characters"
    return None
