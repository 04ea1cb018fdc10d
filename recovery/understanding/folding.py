"""Folding patient text for matching: lower case, no accents, plain punctuation.

Every folded character remembers which character of the original text it came from, so a
match in the folded text can quote the patient's own words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Apostrophes (straight, curly, modifier letter) are dropped so "can't" and "cant" fold alike.
_DROPPED = frozenset("'\u2018\u2019\u02bc\u0060\u00b4")
_REPLACED = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2044": "/",
    "\u2215": "/",
    "\u201c": '"',
    "\u201d": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2192": ">",
    "\u27a1": ">",
    "\u00bd": ".5",
    "\U0001f51f": "10",
}
_KEPT_SYMBOLS = frozenset("$%+#&/=<>\u00b0")
_KEPT_PUNCTUATION = frozenset('.,;:!?-()"/')


@dataclass(frozen=True)
class Folded:
    """Folded text and, for each of its characters, the index of the original character."""

    text: str
    origins: tuple[int, ...]
    original: str

    def quote(self, start: int, end: int) -> str:
        """The original words behind the folded characters start..end."""
        if start >= end or not self.origins:
            return ""
        return self.original[self.origins[start] : self.origins[end - 1] + 1]


def word_set(words: str) -> frozenset[str]:
    """The set of the whitespace-separated words of a folded word list."""
    return frozenset(words.split())


def fold(text: str) -> Folded:
    """Fold text: case-folded, accents removed, emoji and other symbols turned into spaces."""
    pieces: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        for folded in _fold_char(char):
            pieces.append(folded)
            origins.append(index)
    return Folded("".join(pieces), tuple(origins), text)


def _fold_char(char: str) -> str:
    """One original character as zero or more folded characters."""
    if char in _DROPPED:
        return ""
    if char in _REPLACED:
        return _REPLACED[char]
    if char == "\n" or char == "\r":
        return "\n"
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    return "".join(_plain(part) for part in unicodedata.normalize("NFKD", decomposed))


def _plain(char: str) -> str:
    """A decomposed character kept, dropped (accents) or turned into a space (emoji)."""
    category = unicodedata.category(char)
    if category.startswith("M") or char in _DROPPED:
        return ""
    if category == "Nd":
        return str(unicodedata.digit(char))
    if category.startswith("L") or char in _KEPT_SYMBOLS or char in _KEPT_PUNCTUATION:
        return char
    if char in _REPLACED:
        return _REPLACED[char]
    return " "
