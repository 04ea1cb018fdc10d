"""Protocol files at ``init-db``: each setting held to its limits, a bad file named with its
field, and nothing loaded (nor the schema touched) while any file is bad."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from recovery.models import Protocol
from recovery.protocols.definitions import default_definitions

DEFAULT = next(d for d in default_definitions() if d["name"] == "vertebroplasty")


def _write(directory: Path, file_name: str, name: str, change=None) -> Path:  # type: ignore[no-untyped-def]
    definition = copy.deepcopy(DEFAULT)
    definition["name"] = name
    if change:
        change(definition)
    path = directory / file_name
    path.write_text(json.dumps(definition), "utf-8")
    return path


def _names(runtime) -> list[str]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return sorted(set(session.scalars(select(Protocol.name))))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(delivery_window={"start": "06:00", "end": "20:00"}), "delivery_window"),
        (lambda d: d["steps"][1].update(offset_hours=24 * 91), "steps.1.offset_hours"),
        (lambda d: d["steps"][1].update(label="24h", key="other"), "steps.1.label"),
        (lambda d: d.update(latest_lateness_hours=0), "latest_lateness_hours"),
        (lambda d: d["thresholds"].update(persistent_pain=12), "thresholds.persistent_pain"),
        (lambda d: d["texts"]["es"].update(welcome="Hola {first_name}."), "texts.es.welcome"),
    ],
)
def test_init_db_refuses_a_protocol_file_naming_the_file_and_the_field(
    runner, runtime, tmp_path, change, field
) -> None:
    _write(tmp_path, "a_knee.json", "knee")  # a good file: not loaded either
    bad = _write(tmp_path, "b_hip.json", "hip", change)
    result = runner.invoke(args=["init-db", "--protocols", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: a protocol file cannot be used:")
    assert str(bad) in lines[0] and f"{field}: " in lines[0]
    assert _names(runtime) == ["vertebroplasty"]


def test_init_db_loads_every_good_protocol_file(runner, runtime, tmp_path) -> None:
    _write(tmp_path, "knee.json", "knee")
    result = runner.invoke(args=["init-db", "--protocols", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "knee v1" in result.output
    assert _names(runtime) == ["knee", "vertebroplasty"]
    with runtime.sessions() as session:
        knee = session.scalars(select(Protocol).where(Protocol.name == "knee")).one()
    assert [step["key"] for step in knee.definition["steps"]] == ["24h", "48h"]


def test_a_protocol_file_without_step_keys_is_loaded_with_its_labels_as_keys(
    runner, runtime, tmp_path
) -> None:
    _write(tmp_path, "knee.json", "knee", lambda d: [s.pop("key") for s in d["steps"]])
    assert runner.invoke(args=["init-db", "--protocols", str(tmp_path)]).exit_code == 0
    with runtime.sessions() as session:
        knee = session.scalars(select(Protocol).where(Protocol.name == "knee")).one()
    assert [(s["key"], s["label"]) for s in knee.definition["steps"]] == [
        ("24h", "24h"),
        ("48h", "48h"),
    ]
