"""Protocols: their definition files, validation, and versions in the database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from config.settings import PROTOCOLS_DIR
from recovery.models import Protocol
from recovery.protocols import limits
from recovery.protocols.step_keys import with_step_keys
from recovery.protocols.wording import LANGUAGES as LANGUAGES
from recovery.protocols.wording import PLACEHOLDERS as PLACEHOLDERS
from recovery.protocols.wording import TEXT_KEYS as TEXT_KEYS
from recovery.protocols.wording import parse_texts
from recovery.protocols.wording import placeholder_problem as placeholder_problem

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
    """One check-in of a protocol: a label, hours after the procedure, and a stable key.

    The key stays the same across versions when the label or the offset is edited, so that
    re-planning knows a renamed step is the one already asked. A step defined without a key
    (files and versions from before keys) is known by its label.
    """

    label: str
    offset_hours: float
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.label)


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


def parse_definition(definition: dict[str, Any], *, is_new: bool = True) -> ProtocolSpec:
    """Check a protocol definition and type it; raise ProtocolError naming each problem.

    A new definition (saved in the editor, loaded from a file) is also held to the limits
    that keep the service's promises (``limits``); a version already stored is read as it
    was saved, so that a limit added later never stops its check-ins.
    """
    errors: dict[str, str] = {}
    beyond: dict[str, str | None] = {}
    steps = _parse_steps(definition.get("steps"), errors, beyond)
    window = _parse_window(definition.get("delivery_window"), errors, beyond)
    hours = {key: _number(definition, key, errors, minimum=0) for key in HOUR_SETTINGS}
    thresholds = {
        key: _number(definition.get("thresholds") or {}, key, errors, prefix="thresholds.")
        for key in THRESHOLD_KEYS
    }
    texts = parse_texts(definition.get("texts"), errors)
    validity = _number(definition, "validity_period_seconds", errors, minimum=1, maximum=36000)
    escalation = _number(definition, "escalation_repeat_minutes", errors, minimum=1)
    name = definition.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "a protocol needs a name"
    if is_new:
        beyond.update(limits.setting_problems(hours, thresholds, texts))
        errors.update({k: why for k, why in beyond.items() if why and k not in errors})
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


def _parse_steps(
    raw: Any, errors: dict[str, str], beyond: dict[str, str | None]
) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        errors["steps"] = "a protocol needs at least one check-in step"
        return ()
    steps = {}
    for index, item in enumerate(raw):
        step = _parse_step(f"steps.{index}.", item, errors)
        if step is not None:
            steps[index] = step
            beyond[f"steps.{index}.label"] = limits.label_problem(step.label)
            beyond[f"steps.{index}.offset_hours"] = limits.offset_problem(step.offset_hours)
    _check_unique(steps, errors)
    return tuple(sorted(steps.values(), key=lambda step: step.offset_hours))


def _parse_step(field: str, item: Any, errors: dict[str, str]) -> Step | None:
    item = item if isinstance(item, dict) else {}
    label, offset, key = item.get("label"), item.get("offset_hours"), item.get("key")
    if not isinstance(label, str) or not label.strip():
        errors[field + "label"] = "each step needs a label"
    elif key is not None and (problem := _key_problem(key)):
        errors[field + "key"] = problem
    elif isinstance(offset, bool) or not isinstance(offset, int | float) or offset <= 0:
        errors[field + "offset_hours"] = "must be a number of hours above 0"
    else:
        return Step(label.strip(), float(offset), key or "")
    return None


def _key_problem(key: Any) -> str | None:
    return limits.key_problem(key) if isinstance(key, str) else "must be text"


def _check_unique(steps: dict[int, Step], errors: dict[str, str]) -> None:
    """Two steps may share neither a label (case aside) nor a key."""
    labels: set[str] = set()
    keys: set[str] = set()
    for index, step in steps.items():
        if step.label.casefold() in labels:
            errors.setdefault(f"steps.{index}.label", "another step has this label")
        elif step.key in keys:
            errors.setdefault(f"steps.{index}.key", "another step has this key")
        labels.add(step.label.casefold())
        keys.add(step.key)


def _parse_window(raw: Any, errors: dict[str, str], beyond: dict[str, str | None]) -> Window:
    try:
        start = time.fromisoformat(raw["start"])
        end = time.fromisoformat(raw["end"])
    except (KeyError, TypeError, ValueError):
        errors["delivery_window"] = "needs start and end as HH:MM"
        return Window(time(9), time(20))
    if start >= end:
        errors["delivery_window"] = "must start before it ends, on the same day"
    beyond["delivery_window"] = limits.window_problem(start, end)
    return Window(start, end)


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
    """Store a definition as the protocol's next version, unless it is unchanged.

    Each step is stored with its key (its label, where the definition gave none).
    """
    parse_definition(definition)
    definition = with_step_keys(definition)
    name = definition["name"]
    current = latest_version(session, name)
    if current is not None and with_step_keys(current.definition) == definition:
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


def used_step_keys(session: Session, name: str) -> set[str]:
    """Every step key that any version of the protocol has had."""
    versions = session.scalars(select(Protocol).where(Protocol.name == name))
    return {step.key for version in versions for step in spec_of(version).steps}


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
        cached = parse_definition(protocol.definition, is_new=False)
        protocol.__dict__["parsed_spec"] = cached
    return cached
