"""Stable step keys: kept when a step is edited, new and never reused for a new step."""

import pytest

from recovery.protocols.step_keys import assign_step_keys, new_step_key, with_step_keys


@pytest.mark.parametrize(
    ("label", "taken", "key"),
    [
        ("7d", set(), "7d"),
        ("Day 7 (evening)", set(), "day-7-evening"),
        ("24h", {"24h"}, "24h-2"),
        ("24h", {"24h", "24h-2"}, "24h-3"),
        ("¿?", set(), "step"),
        ("x" * 40, set(), "x" * 28),
    ],
)
def test_a_new_step_key_comes_from_its_label_and_is_unlike_any_taken(label, taken, key) -> None:
    assert new_step_key(label, taken) == key


def test_an_edited_step_keeps_its_key_and_a_new_step_gets_a_fresh_one() -> None:
    steps = [
        {"key": "24h", "label": "Day 1", "offset_hours": 30},
        {"label": "48h", "offset_hours": 48},
    ]
    # "48h" was a step of an earlier version (removed since): its key is not given again.
    assigned = assign_step_keys(steps, current={"24h"}, used={"24h", "48h"})
    assert assigned == [
        {"key": "24h", "label": "Day 1", "offset_hours": 30},
        {"key": "48h-2", "label": "48h", "offset_hours": 48},
    ]


def test_a_key_the_current_version_does_not_have_or_given_twice_is_replaced() -> None:
    steps = [
        {"key": "24h", "label": "24h", "offset_hours": 24},
        {"key": "24h", "label": "Copy", "offset_hours": 30},
        {"key": "invented", "label": "72h", "offset_hours": 72},
    ]
    assigned = assign_step_keys(steps, current={"24h", "48h"}, used={"24h", "48h"})
    assert [step["key"] for step in assigned] == ["24h", "copy", "72h"]


def test_a_definition_without_keys_gets_its_labels_as_keys() -> None:
    definition = {"name": "x", "steps": [{"label": " 24h ", "offset_hours": 24}]}
    assert with_step_keys(definition)["steps"] == [
        {"key": "24h", "label": " 24h ", "offset_hours": 24}
    ]
    assert definition["steps"] == [{"label": " 24h ", "offset_hours": 24}]
