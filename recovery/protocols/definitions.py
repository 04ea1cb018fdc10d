"""Protocols: their definition files, validation, and versions in the database."""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.settings import PROTOCOLS_DIR
from recovery.models import Protocol

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
PLACEHOLDERS = ("first_name", "clinic_name", "clinic_phone", "initials", "flag_url")
HOUR_SETTINGS = (
    "reminder_after_hours",
    "missed_after_reminder_hours",
    "latest_lateness_hours",
    "late_answer_hours",
)
THRESHOLD_KEYS = (
    "severe_pain",
    "worsening_pain_points",
    "persistent_pain",
    "persistent_pain_after_hours",
    "not_improving_points",
    "not_improving_percent",
    "not_improving_at_hours",
    "limited_mobility_activity",
    "limited_mobility_after_hours",
)


class ProtocolError(ValueError):
    """A protocol definition that cannot be used; ``fields`` says what is wrong."""

    def __init__(self, fields: dict[str, str], *, source: str | None = None) -> None:
        problems = "; ".join(f"{key}: {why}" for key, why in fields.items())
        super().__init__(f"{source}: {problems}" if source else problems)
        self.fields = fields
        self.source = source


@dataclass(frozen=True)
class Step:
    """One check-in of a protocol: a label and hours after the procedure."""

    label: str
    offset_hours: float


@dataclass(frozen=True)
class Window:
    """The local hours during which a patient may be texted."""

    start: time
    end: time


@dataclass(frozen=True)
class ProtocolSpec:
    """A protocol definition, checked and typed."""

    name: str
    steps: tuple[Step, ...]
    window: Window
    reminder_after_hours: float
    missed_after_reminder_hours: float
    latest_lateness_hours: float
    late_answer_hours: float
    validity_period_seconds: int
    escalation_repeat_minutes: float
    thresholds: dict[str, float]
    texts: dict[str, dict[str, str]]

    def text(self, key: str, language: str, **values: str) -> str:
        """The wording for ``key`` in the language (English if missing), filled in."""
        wording = self.texts.get(language, {}).get(key) or self.texts["en"][key]
        return wording.format_map(_Blank(values))


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def parse_definition(definition: dict[str, Any]) -> ProtocolSpec:
    """Check a protocol definition and type it; raise ProtocolError naming each problem."""
    errors: dict[str, str] = {}
    steps = _parse_steps(definition.get("steps"), errors)
    window = _parse_window(definition.get("delivery_window"), errors)
    hours = {key: _number(definition, key, errors, minimum=0) for key in HOUR_SETTINGS}
    thresholds = {
        key: _number(definition.get("thresholds") or {}, key, errors, prefix="thresholds.")
        for key in THRESHOLD_KEYS
    }
    texts = _parse_texts(definition.get("texts"), errors)
    validity = _number(definition, "validity_period_seconds", errors, minimum=1, maximum=36000)
    escalation = _number(definition, "escalation_repeat_minutes", errors, minimum=1)
    name = definition.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "a protocol needs a name"
    if errors:
        raise ProtocolError(errors)
    return ProtocolSpec(
        name=str(name),
        steps=steps,
        window=window,
        validity_period_seconds=int(validity),
        escalation_repeat_minutes=escalation,
        thresholds=thresholds,
        texts=texts,
        **hours,
    )


def _number(
    data: dict[str, Any],
    key: str,
    errors: dict[str, str],
    *,
    prefix: str = "",
    minimum: float = 0,
    maximum: float = 10_000,
) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors[prefix + key] = "must be a number"
        return 0.0
    if not minimum <= value <= maximum:
        errors[prefix + key] = f"must be between {minimum:g} and {maximum:g}"
    return float(value)


def _parse_steps(raw: Any, errors: dict[str, str]) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        errors["steps"] = "a protocol needs at least one check-in step"
        return ()
    steps = []
    for index, item in enumerate(raw):
        label = item.get("label") if isinstance(item, dict) else None
        offset = item.get("offset_hours") if isinstance(item, dict) else None
        if not isinstance(label, str) or not label.strip():
            errors[f"steps.{index}.label"] = "each step needs a label"
        elif isinstance(offset, bool) or not isinstance(offset, int | float) or offset <= 0:
            errors[f"steps.{index}.offset_hours"] = "must be a number of hours above 0"
        else:
            steps.append(Step(label.strip(), float(offset)))
    labels = [step.label for step in steps]
    if len(set(labels)) != len(labels):
        errors["steps"] = "step labels must differ"
    return tuple(sorted(steps, key=lambda step: step.offset_hours))


def _parse_window(raw: Any, errors: dict[str, str]) -> Window:
    try:
        start = time.fromisoformat(raw["start"])
        end = time.fromisoformat(raw["end"])
    except (KeyError, TypeError, ValueError):
        errors["delivery_window"] = "needs start and end as HH:MM"
        return Window(time(9), time(20))
    if start >= end:
        errors["delivery_window"] = "must start before it ends, on the same day"
    return Window(start, end)


def _parse_texts(raw: Any, errors: dict[str, str]) -> dict[str, dict[str, str]]:
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


def default_definitions(directory: Path = PROTOCOLS_DIR) -> list[dict[str, Any]]:
    """The protocol files shipped in ``config/protocols``, each checked."""
    return [read_definition(path) for path in sorted(directory.glob("*.json"))]


def read_definition(path: Path) -> dict[str, Any]:
    """A protocol file's definition; ProtocolError naming the file and each problem."""
    try:
        definition = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as problem:
        raise ProtocolError(
            {"file": f"cannot be read as JSON ({problem})"}, source=str(path)
        ) from None
    if not isinstance(definition, dict):
        raise ProtocolError({"file": "must hold one JSON object"}, source=str(path))
    try:
        parse_definition(definition)
    except ProtocolError as invalid:
        raise ProtocolError(invalid.fields, source=str(path)) from None
    return definition


def latest_version(session: Session, name: str) -> Protocol | None:
    """The newest version of a protocol, or None if there is no such protocol."""
    query = select(Protocol).where(Protocol.name == name).order_by(Protocol.version.desc())
    return session.scalars(query.limit(1)).first()


def save_version(
    session: Session, definition: dict[str, Any], *, actor: str, now: datetime
) -> Protocol:
    """Store a definition as the protocol's next version, unless it is unchanged."""
    parse_definition(definition)
    name = definition["name"]
    current = latest_version(session, name)
    if current is not None and current.definition == definition:
        return current
    number = session.scalar(select(func.max(Protocol.version)).where(Protocol.name == name))
    version = Protocol(
        name=name,
        version=(number or 0) + 1,
        definition=definition,
        created_at=now,
        created_by=actor,
    )
    session.add(version)
    session.flush()
    return version


def load_defaults(
    session: Session, *, now: datetime, directory: Path = PROTOCOLS_DIR
) -> list[Protocol]:
    """Store each shipped protocol file whose name is not in the database yet."""
    stored = []
    for definition in default_definitions(directory):
        existing = latest_version(session, definition["name"])
        stored.append(existing or save_version(session, definition, actor="system", now=now))
    return stored


def spec_of(protocol: Protocol) -> ProtocolSpec:
    """The typed definition of a stored protocol version (parsed once per loaded row)."""
    cached = protocol.__dict__.get("parsed_spec")
    if cached is None:
        cached = parse_definition(protocol.definition)
        protocol.__dict__["parsed_spec"] = cached
    return cached
