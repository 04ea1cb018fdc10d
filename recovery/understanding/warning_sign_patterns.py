"""The warning signs (one constant each), and how patients say them, as patterns over
folded text compiled from the vocabulary file (vocabulary/warning_signs.toml).

Folded text is lower case without accents or apostrophes ("can't" is "cant", "débil" is
"debil"). A pattern may name a group `neg` for a negation inside the phrase ("legs don't
feel weak"); a check may refuse a match on its surroundings ("blood pressure"). Each
pattern is tried only on texts that hold one of the words it needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from recovery.understanding import warning_sign_checks
from recovery.understanding.warning_sign_words import PHRASE_GROUPS

LEG_WEAKNESS = "leg weakness"
NUMBNESS = "leg numbness or tingling"
CANT_WALK = "can't walk or feel legs"
CONTINENCE = "loss of bladder or bowel control"
CHEST_PAIN = "chest pain"
BREATHING = "shortness of breath or trouble breathing"
FEVER = "fever or chills"
NEEDLE_SITE = "redness, swelling or drainage at the needle site"
BLEEDING = "bleeding"
SUDDEN_PAIN = "sudden new severe pain"
FALL = "a fall"
FAINTING = "fainting or passing out"
DIZZINESS = "dizziness"
CONFUSION = "new confusion"
SIGNS = (
    LEG_WEAKNESS,
    NUMBNESS,
    CANT_WALK,
    CONTINENCE,
    CHEST_PAIN,
    BREATHING,
    FEVER,
    NEEDLE_SITE,
    BLEEDING,
    SUDDEN_PAIN,
    FALL,
    FAINTING,
    DIZZINESS,
    CONFUSION,
)

Check = Callable[[str, "re.Match[str]"], bool]
# Each sign by the key the vocabulary file gives it: "leg_weakness" for LEG_WEAKNESS.
_SIGN_BY_KEY = {name.lower(): value for name, value in globals().items() if value in SIGNS}


@dataclass(frozen=True)
class SignPattern:
    """One way of saying a warning sign, and the words a text needs for it to be tried."""

    sign: str
    pattern: re.Pattern[str]
    check: Check | None = None
    may_deny_inside: bool = False
    needs: tuple[str, ...] | None = None


def _fewest(needs: frozenset[str] | None) -> tuple[str, ...] | None:
    """The needed words without any that starts with another ("weak" covers "weaker")."""
    if needs is None:
        return None
    return tuple(sorted(w for w in needs if not any(o != w and w.startswith(o) for o in needs)))


def _patterns() -> list[SignPattern]:
    """Every phrase of the vocabulary, compiled to end at a word's edge."""
    keys = {group.sign_key for group in PHRASE_GROUPS}
    if keys != set(_SIGN_BY_KEY):
        raise ValueError(f"the vocabulary's signs {sorted(keys)} are not {sorted(_SIGN_BY_KEY)}")
    patterns: list[SignPattern] = []
    for group in PHRASE_GROUPS:
        check: Check | None = None
        if group.check is not None:
            check = getattr(warning_sign_checks, group.check)
        for phrase in group.phrases:
            # The start's word edge is checked by `word_matches`: a leading look-behind would
            # keep the regex engine from skipping ahead to the phrase's first letters.
            pattern = re.compile(rf"(?:{phrase.regex})(?!\w)")
            sign = _SIGN_BY_KEY[group.sign_key]
            needs = _fewest(phrase.needs)
            patterns.append(SignPattern(sign, pattern, check, group.may_deny_inside, needs))
    return patterns


SIGN_PATTERNS: list[SignPattern] = _patterns()
_WORD = re.compile(r"[^\W_]+")


def _index(patterns: list[SignPattern]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Each needed word (or a word's start, for "desmay*") to the patterns that need it, and
    the needed literals that are not one plain word ("light-headed") likewise."""
    by_word: dict[str, list[int]] = {}
    by_literal: dict[str, list[int]] = {}
    for index, pattern in enumerate(patterns):
        for needed in pattern.needs or ():
            table = by_word if _WORD.fullmatch(needed) else by_literal
            table.setdefault(needed, []).append(index)
    return by_word, by_literal


_ALWAYS = tuple(i for i, p in enumerate(SIGN_PATTERNS) if p.needs is None)
_BY_WORD, _BY_LITERAL = _index(SIGN_PATTERNS)


def word_matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The pattern's matches that start at a word's edge, in text order."""
    at = 0
    while (match := pattern.search(text, at)) is not None:
        start = match.start()
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            at = start + 1
            continue
        yield match
        at = max(match.end(), start + 1)


def patterns_for(text: str) -> list[SignPattern]:
    """The patterns worth running on a folded text: those whose needed words it holds.

    A needed word may be the start of a word of the text ("desmay" in "desmayó").
    """
    chosen = set(_ALWAYS)
    for word in set(_WORD.findall(text)):
        for end in range(1, len(word) + 1):
            chosen.update(_BY_WORD.get(word[:end], ()))
    for literal, indexes in _BY_LITERAL.items():
        if literal in text:
            chosen.update(indexes)
    return [SIGN_PATTERNS[i] for i in sorted(chosen)]
