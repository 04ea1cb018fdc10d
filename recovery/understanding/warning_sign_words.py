"""The warning-sign vocabulary, read once from vocabulary/warning_signs.toml and compiled.

The file is data a clinician can read and extend: named word lists, and for each sign its
phrases (in the syntax of `warning_sign_phrases`) and a few raw regexes, some in groups that
a check in code must confirm. This module only reads and compiles it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recovery.understanding.warning_sign_phrases import (
    Compiled,
    PhraseError,
    compile_lists,
    compile_phrase,
    substitute_lists,
)

VOCABULARY = Path(__file__).with_name("vocabulary") / "warning_signs.toml"
_NEGATION_LIST = "negation"


@dataclass(frozen=True)
class PhraseGroup:
    """Phrases of one sign that share a check (or none) and a rule on denials inside."""

    sign_key: str
    check: str | None
    may_deny_inside: bool
    phrases: tuple[Compiled, ...]


def read_vocabulary(path: Path) -> tuple[dict[str, Compiled], list[PhraseGroup]]:
    """The named word lists and every sign's phrase groups, compiled, from a TOML file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    lists = data.pop("words")
    words = compile_lists(lists, _NEGATION_LIST)
    negation = words[_NEGATION_LIST].regex
    groups: list[PhraseGroup] = []
    for sign_key, entry in data.items():
        groups.append(_group(sign_key, entry, words, negation))
        groups.extend(
            _group(sign_key, checked, words, negation) for checked in entry.get("checked", [])
        )
    return words, groups


def _group(
    sign_key: str, entry: dict[str, Any], words: dict[str, Compiled], negation: str
) -> PhraseGroup:
    """One group of a sign's entry: its phrases and regexes compiled, with its check."""
    known = {"phrases", "regexes", "checked", "check", "deny_inside"}
    if unknown := set(entry) - known:
        raise PhraseError(f"{sign_key}: unknown keys {sorted(unknown)}")

    def lookup(name: str) -> Compiled:
        if name not in words:
            raise PhraseError(f"{sign_key}: no word list named {{{name}}}")
        return words[name]

    phrases = [compile_phrase(phrase, lookup, negation) for phrase in entry.get("phrases", [])]
    regexes = [Compiled(substitute_lists(r, lookup), None) for r in entry.get("regexes", [])]
    return PhraseGroup(
        sign_key, entry.get("check"), bool(entry.get("deny_inside")), (*phrases, *regexes)
    )


WORDS, PHRASE_GROUPS = read_vocabulary(VOCABULARY)
