"""The protocol editor's form: a definition as fields, and fields back into a definition.

Field names: ``step-<n>-label``, ``step-<n>-offset``, ``step-<n>-key`` (hidden: the step's
stable key, kept when its label or offset is edited; blank for a new step),
``step-<n>-remove`` (a blank step row is ignored, so the form always offers one spare row to
add a step); the hour settings by their definition keys; ``window-start``/``window-end``;
``threshold-<key>``; ``text-<lang>-<key>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from recovery.protocols.definitions import (
    HOUR_SETTINGS,
    LANGUAGES,
    PLACEHOLDERS,
    TEXT_KEYS,
    THRESHOLD_KEYS,
)
from recovery.protocols.segments import encoding, segment_count
from recovery.protocols.step_keys import with_step_keys

SETTING_KEYS = (*HOUR_SETTINGS, "validity_period_seconds", "escalation_repeat_minutes")
STEP_FIELD = re.compile(r"^step-(\d+)-(label|offset|key)$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class StepRow:
    """One step row of the form, as typed, with the step's key (blank for a new step)."""

    label: str
    offset: str
    key: str = ""


@dataclass(frozen=True)
class TextField:
    """One wording with its preview, encoding and segment count."""

    language: str
    key: str
    value: str
    preview: str
    encoding: str
    segments: int


@dataclass(frozen=True)
class ProtocolForm:
    """A protocol as the form shows it, every value as text."""

    name: str
    steps: list[StepRow]
    settings: dict[str, str]
    window: tuple[str, str]
    thresholds: dict[str, str]
    texts: dict[str, dict[str, str]]

    @classmethod
    def of(cls, definition: Mapping[str, Any]) -> ProtocolForm:
        """The form filled from a stored definition."""
        window = definition.get("delivery_window") or {}
        texts = definition.get("texts") or {}
        thresholds = definition.get("thresholds") or {}
        return cls(
            name=str(definition.get("name", "")),
            steps=[
                StepRow(
                    str(s.get("label", "")), _text(s.get("offset_hours")), str(s.get("key", ""))
                )
                for s in with_step_keys(definition).get("steps", [])
            ],
            settings={key: _text(definition.get(key)) for key in SETTING_KEYS},
            window=(str(window.get("start", "")), str(window.get("end", ""))),
            thresholds={key: _text(thresholds.get(key)) for key in THRESHOLD_KEYS},
            texts={
                lang: {key: str((texts.get(lang) or {}).get(key, "")) for key in TEXT_KEYS}
                for lang in LANGUAGES
            },
        )

    @classmethod
    def read(cls, form: Mapping[str, str], name: str) -> tuple[ProtocolForm, list[int]]:
        """The form as posted, and for each kept step the row number it came from."""
        rows: dict[int, dict[str, str]] = {}
        for field, value in form.items():
            match = STEP_FIELD.match(field)
            if match:
                rows.setdefault(int(match[1]), {})[match[2]] = value.strip()
        steps, origins = [], []
        for number in sorted(rows):
            row = rows[number]
            if form.get(f"step-{number}-remove") or not (row.get("label") or row.get("offset")):
                continue
            steps.append(StepRow(row.get("label", ""), row.get("offset", ""), row.get("key", "")))
            origins.append(number)
        return cls(
            name=name,
            steps=steps,
            settings={key: form.get(key, "").strip() for key in SETTING_KEYS},
            window=(form.get("window-start", "").strip(), form.get("window-end", "").strip()),
            thresholds={key: form.get(f"threshold-{key}", "").strip() for key in THRESHOLD_KEYS},
            texts={
                lang: {key: _wording(form, f"text-{lang}-{key}") for key in TEXT_KEYS}
                for lang in LANGUAGES
            },
        ), origins

    def definition(self, base: Mapping[str, Any]) -> dict[str, Any]:
        """The definition this form describes (keys it does not edit are kept from ``base``)."""
        return {
            **base,
            "name": self.name,
            "steps": [_step(s) for s in self.steps],
            **{key: number(self.settings[key]) for key in SETTING_KEYS},
            "delivery_window": {"start": self.window[0], "end": self.window[1]},
            "thresholds": {key: number(value) for key, value in self.thresholds.items()},
            "texts": {lang: dict(texts) for lang, texts in self.texts.items()},
        }

    def text_fields(self, sample: Mapping[str, str]) -> list[TextField]:
        """Every wording with its preview filled with sample values."""
        fields = []
        for language in LANGUAGES:
            for key in TEXT_KEYS:
                value = self.texts[language][key]
                preview = fill(value, sample)
                fields.append(
                    TextField(
                        language, key, value, preview, encoding(preview), segment_count(preview)
                    )
                )
        return fields


def _step(row: StepRow) -> dict[str, Any]:
    step = {"label": row.label, "offset_hours": number(row.offset)}
    return {"key": row.key, **step} if row.key else step


def _wording(form: Mapping[str, str], name: str) -> str:
    # Browsers post line breaks as CRLF; texts keep LF, as the page's counter sees them.
    return form.get(name, "").replace("\r\n", "\n").strip()


def error_fields(fields: Mapping[str, str], origins: list[int]) -> dict[str, str]:
    """ProtocolError's keys turned into the form's field names."""
    errors = {}
    for key, why in fields.items():
        parts = key.split(".")
        if parts[0] == "steps" and len(parts) == 3:
            row = origins[int(parts[1])] if int(parts[1]) < len(origins) else 0
            # A step's key is not typed: a problem with it is shown by the step's label.
            name = f"step-{row}-{'offset' if parts[2] == 'offset_hours' else 'label'}"
        elif parts[0] == "thresholds":
            name = f"threshold-{parts[1]}"
        elif parts[0] == "texts":
            name = f"text-{parts[1]}-{parts[2]}"
        elif parts[0] == "delivery_window":
            name = "window"
        else:
            name = key
        errors[name] = why
    return errors


def number(text: str) -> Any:
    """A typed number as int or float; anything else as typed (the check then refuses it)."""
    if not NUMBER.match(text):
        return text or None
    value = float(text)
    return int(value) if value.is_integer() else value


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def fill(wording: str, sample: Mapping[str, str]) -> str:
    """A wording with its placeholders filled in (as texts are sent), or as typed if broken."""
    try:
        return wording.format_map({key: sample.get(key, "") for key in PLACEHOLDERS})
    except (KeyError, ValueError, IndexError, AttributeError):
        return wording
