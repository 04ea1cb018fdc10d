"""The phrase syntax of the warning-sign vocabulary, compiled to regular expressions.

A phrase is words, as a patient would write them (accents and apostrophes are folded away,
so "can't" and "débil" are fine), with a few marks:

    {legs}            any entry of the named word list "legs"
    (fell|tripped)    one of the alternatives; each may be several words
    [down]            optional words; [a|the] optional alternatives; [{owner}]* any number
    desmay*           a word that starts so: desmayó, desmayada, desmayos
    ...               up to three other words
    -(asleep|behind)  not followed by these words ("fell", but not "fell asleep")
    <not>             an optional denial inside the phrase ("legs are <not> weak")
    <no>              a required denial ("<no> falls")

Each phrase also gives the words that any text it matches must contain, so that a phrase
whose words are absent is never run (this keeps the scan fast as the vocabulary grows).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from recovery.understanding.folding import fold

_TOKEN = re.compile(
    r"(?P<gap>\.\.\.)|(?P<mark><not>|<no>)|(?P<minus>(?<!\S)-(?=[(\w]))"
    r"|(?P<name>\{[a-z_]+\})|(?P<punct>[()\[\]|*])|(?P<word>[^\s{}()\[\]|*<>]+)|(?P<space>\s+)"
)
_GAP_FIRST = r"(?:[^\W_]+ ){0,3}?"
_GAP_AFTER = r"(?: [^\W_]+){0,3}?"
_NAME = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Compiled:
    """A phrase as a regular expression, and the literals one of which it always contains."""

    regex: str
    needs: frozenset[str] | None


@dataclass(frozen=True)
class _Item:
    """One piece of a sequence: how it joins its neighbours, its regex and what it needs."""

    kind: str  # "word", "optional", "gap" or "lookahead"
    regex: str
    needs: frozenset[str] | None = None


ListLookup = Callable[[str], Compiled]


class PhraseError(ValueError):
    """A phrase of the vocabulary that cannot be read."""


def compile_phrase(phrase: str, lookup: ListLookup, negation: str) -> Compiled:
    """A phrase as a regex; ``lookup`` gives named lists, ``negation`` the denial words."""
    tokens = [
        (m.lastgroup or "", m.group()) for m in _TOKEN.finditer(phrase) if m.lastgroup != "space"
    ]
    if "".join(text for _, text in tokens) != re.sub(r"\s+", "", phrase):
        raise PhraseError(f"cannot read the phrase {phrase!r}")
    parser = _Parser(tokens, lookup, negation, phrase)
    compiled = parser.alternatives(end=None)
    if parser.marks > 1:
        raise PhraseError(f"a phrase may hold one <not> or <no>: {phrase!r}")
    return compiled


def substitute_lists(regex: str, lookup: ListLookup) -> str:
    """A raw regex with each {name} replaced by the named list."""
    return _NAME.sub(lambda m: f"(?:{lookup(m.group(1)).regex})", regex)


def join_alternatives(parts: list[Compiled]) -> Compiled:
    """Alternatives, longest first, needing what every alternative needs."""
    ordered = sorted(parts, key=lambda part: -len(part.regex))
    regex = "|".join(part.regex for part in ordered)
    needs: frozenset[str] | None = frozenset()
    for part in parts:
        needs = None if needs is None or part.needs is None else needs | part.needs
    return Compiled(regex if len(parts) == 1 else f"(?:{regex})", needs)


class _Parser:
    """A recursive reading of one phrase's tokens."""

    def __init__(
        self, tokens: list[tuple[str, str]], lookup: ListLookup, negation: str, phrase: str
    ) -> None:
        self.tokens = tokens
        self.at = 0
        self.lookup = lookup
        self.negation = negation
        self.phrase = phrase
        self.marks = 0

    def peek(self) -> str:
        """The next token's text, or "" at the end."""
        return self.tokens[self.at][1] if self.at < len(self.tokens) else ""

    def take(self) -> tuple[str, str]:
        """The next token, consumed."""
        if self.at >= len(self.tokens):
            raise PhraseError(f"the phrase ends too soon: {self.phrase!r}")
        self.at += 1
        return self.tokens[self.at - 1]

    def alternatives(self, end: str | None) -> Compiled:
        """Sequences separated by "|", up to the closing ``end`` (or the phrase's end)."""
        parts = [self.sequence()]
        while self.peek() == "|":
            self.take()
            parts.append(self.sequence())
        if end is not None and self.take()[1] != end:
            raise PhraseError(f"expected {end!r} in {self.phrase!r}")
        if end is None and self.at < len(self.tokens):
            raise PhraseError(f"unexpected {self.peek()!r} in {self.phrase!r}")
        return join_alternatives(parts)

    def sequence(self) -> Compiled:
        """Items up to a "|" or a closing bracket."""
        items: list[_Item] = []
        while self.peek() not in ("", "|", ")", "]"):
            items.append(self.item())
        return _joined(items)

    def item(self) -> _Item:
        """One word, list, group, optional part, gap, mark or exclusion."""
        kind, text = self.take()
        if kind == "word":
            is_stem = self.peek() == "*"
            if is_stem:
                self.take()
            word = re.escape(fold(text).text)
            return _Item("word", word + (r"\w*" if is_stem else ""), frozenset([fold(text).text]))
        if kind == "name":
            compiled = self.lookup(text[1:-1])
            return _Item("word", f"(?:{compiled.regex})", compiled.needs)
        if kind == "gap":
            return _Item("gap", "")
        if kind == "mark":
            self.marks += 1
            group = f"(?P<neg>{self.negation})"
            return _Item("optional" if text == "<not>" else "word", group)
        if kind == "minus":
            following = self.item()
            return _Item("lookahead", rf"(?! {following.regex}(?!\w))")
        if text == "(":
            inner = self.alternatives(end=")")
            return _Item("word", f"(?:{inner.regex})", inner.needs)
        if text == "[":
            inner = self.alternatives(end="]")
            is_repeated = self.peek() == "*"
            if is_repeated:
                self.take()
            return _Item("repeated" if is_repeated else "optional", inner.regex)
        raise PhraseError(f"unexpected {text!r} in {self.phrase!r}")


def _joined(items: list[_Item]) -> Compiled:
    """A sequence's items joined by single spaces, optional ones carrying their own space."""
    regex = ""
    is_started = False
    needs: frozenset[str] | None = None
    for item in items:
        if item.kind == "lookahead":
            regex += item.regex
        elif item.kind == "gap":
            regex += _GAP_AFTER if is_started else _GAP_FIRST
        elif item.kind in ("optional", "repeated"):
            repeat = "*" if item.kind == "repeated" else "?"
            regex += (
                f"(?: (?:{item.regex})){repeat}" if is_started else f"(?:(?:{item.regex}) ){repeat}"
            )
        else:
            regex += (" " if is_started else "") + item.regex
            is_started = True
            if item.needs is not None and _selectivity(item.needs) > _selectivity(needs):
                needs = item.needs
    return Compiled(regex, needs)


def _selectivity(needs: frozenset[str] | None) -> int:
    """How much a set of needed literals narrows the texts: its shortest literal's length."""
    return -1 if not needs else min(len(literal) for literal in needs)


def compile_lists(lists: Mapping[str, list[str]], negation_list: str) -> dict[str, Compiled]:
    """Every named word list compiled, each entry a phrase that may name other lists; the
    list ``negation_list`` gives the denials that <not> and <no> stand for."""
    compiled: dict[str, Compiled] = {}
    pending: set[str] = set()
    negation = "(?!)"

    def lookup(name: str) -> Compiled:
        if name in compiled:
            return compiled[name]
        if name not in lists:
            raise PhraseError(f"no word list named {{{name}}}")
        if name in pending:
            raise PhraseError(f"the word list {{{name}}} names itself")
        pending.add(name)
        parts = [compile_phrase(entry, lookup, negation) for entry in lists[name]]
        compiled[name] = join_alternatives(parts)
        pending.discard(name)
        return compiled[name]

    negation = lookup(negation_list).regex
    for name in lists:
        lookup(name)
    return compiled
