"""Stable step keys (SPEC 4): a step keeps its key across versions when its label or offset
is edited, so re-planning knows it is the step already asked; a new step gets a key that no
version of its protocol used before. A definition from before keys knows a step by its
label, as the check-ins planned from it do.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from recovery.protocols.limits import LONGEST_KEY


def with_step_keys(definition: Mapping[str, Any]) -> dict[str, Any]:
    """The definition with each step's key written out (its label where it had none)."""
    steps = definition.get("steps")
    if not isinstance(steps, list):
        return dict(definition)
    return {**definition, "steps": [_keyed(step) for step in steps]}


def _keyed(step: Any) -> Any:
    if not isinstance(step, dict) or step.get("key") or not isinstance(step.get("label"), str):
        return step
    return {"key": step["label"].strip(), **{k: v for k, v in step.items() if k != "key"}}


def assign_step_keys(
    steps: list[dict[str, Any]], *, current: Collection[str], used: Collection[str]
) -> list[dict[str, Any]]:
    """Steps as edited: each keeps the key it came with when the current version has that
    step (once), and every other step gets a new key unlike any key in ``used``."""
    kept: set[str] = set()
    for step in steps:
        key = step.get("key")
        if isinstance(key, str) and key in current and key not in kept:
            kept.add(key)
    taken = set(used) | set(current) | kept
    assigned = []
    seen: set[str] = set()
    for step in steps:
        key = step.get("key")
        if not (isinstance(key, str) and key in kept and key not in seen):
            key = new_step_key(str(step.get("label") or ""), taken)
            taken.add(key)
        seen.add(key)
        assigned.append({"key": key, **{k: v for k, v in step.items() if k != "key"}})
    return assigned


def new_step_key(label: str, taken: Collection[str]) -> str:
    """A key for a new step: its label made plain, unlike every key in ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-")[: LONGEST_KEY - 4] or "step"
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key
