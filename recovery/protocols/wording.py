"""The wording of a protocol's texts: which texts there are, in which languages, and the
{placeholders} they may use."""

from __future__ import annotations

import string
from typing import Any

LANGUAGES = ("en", "es")
TEXT_KEYS = (
    "welcome",
    "check_in",
    "ask_activity",
    "thanks",
    "reminder_pain",
    "reminder_activity",
    "reprompt_pain",
    "reprompt_activity",
    "urgent_advice",
    "received",
    "help",
    "opt_out_confirmation",
    "opt_in_confirmation",
    "unknown_number",
    "on_call",
)
# The values texts are filled with when sent; a wording may use no other {name}.
PLACEHOLDERS = (
    "first_name",
    "clinic_name",
    "clinic_phone",
    "initials",
    "flag_url",
    "texts_to_come",
    "days_to_come",
)


def parse_texts(raw: Any, errors: dict[str, str]) -> dict[str, dict[str, str]]:
    """Every text in every language, stripped; a missing or broken one noted in ``errors``."""
    texts: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        wording = (raw or {}).get(language) if isinstance(raw, dict) else None
        texts[language] = {}
        for key in TEXT_KEYS:
            value = (wording or {}).get(key)
            if not isinstance(value, str) or not value.strip():
                errors[f"texts.{language}.{key}"] = "is missing"
                continue
            problem = placeholder_problem(value)
            if problem:
                errors[f"texts.{language}.{key}"] = problem
            texts[language][key] = value.strip()
    return texts


def placeholder_problem(wording: str) -> str | None:
    """Why a wording's {placeholders} could not be filled in as texts are sent, or None."""
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(wording)
            if name is not None
        ]
    except ValueError:
        return "has a { or } that does not close; write placeholders like {first_name}"
    for name, spec, conversion in fields:
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + known_name + "}" for known_name in PLACEHOLDERS)
            return f"uses {{{name}}}, which is not one of {known}"
        if spec or conversion:
            return f"writes {{{name}}} with a format or conversion; write it plainly as {{{name}}}"
    return None


def how_often(language: str, texts: int, days: int) -> dict[str, str]:
    """The welcome's {texts_to_come} and {days_to_come}: how many check-in texts are still to
    come, and over how many days, in words of the language ("2 times", "the next 2 days")."""
    if language == "es":
        return {
            "texts_to_come": f"{texts} mensaje" if texts == 1 else f"{texts} mensajes",
            "days_to_come": "las próximas 24 horas" if days <= 1 else f"los próximos {days} días",
        }
    return {
        "texts_to_come": f"{texts} time" if texts == 1 else f"{texts} times",
        "days_to_come": "the next day" if days <= 1 else f"the next {days} days",
    }
