"""The house keeps its plan (SPEC 2): a few modules at the root, one documented subpackage
per capability with its own tests folder, and no module name used twice."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RECOVERY = ROOT / "recovery"
# Every subpackage is a capability (migrations/ holds scripts, not a package).
CAPABILITIES = sorted(path.parent.name for path in RECOVERY.glob("*/__init__.py"))


def test_recovery_root_holds_at_most_ten_modules_beside_its_subpackages() -> None:
    modules = sorted(path.name for path in RECOVERY.glob("*.py"))
    assert len(modules) <= 10, modules


def test_every_capability_opens_with_a_docstring_and_has_a_tests_folder() -> None:
    for name in CAPABILITIES:
        package = RECOVERY / name / "__init__.py"
        docstring = ast.get_docstring(ast.parse(package.read_text(encoding="utf-8")))
        assert docstring and "import" in docstring, name
        assert list((ROOT / "tests" / "recovery" / name).glob("test_*.py")), name


def test_no_module_name_appears_twice_outside_tests() -> None:
    names = Counter(
        path.name
        for top in ("recovery", "jobs", "webhooks", "config")
        for path in (ROOT / top).rglob("*.py")
        if path.name != "__init__.py" and "migrations" not in path.parts
    )
    assert [name for name, count in names.items() if count > 1] == []
