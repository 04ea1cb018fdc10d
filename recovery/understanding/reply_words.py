"""Splitting folded reply text into words, numbers and marks, and into clauses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from recovery.understanding.folding import word_set
from recovery.understanding.numbers import number_word_value

TokenKind = Literal["number", "word", "mark"]

_TOKEN = re.compile(
    r"[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])"  # 1,000
    r"|[0-9]+\.[0-9]+"  # 6.5
    r"|[0-9]+,5(?![0-9])"  # 6,5 (a decimal comma, as Spanish writes halves)
    r"|[^\W\d_]+0[^\W\d_]*(?![0-9])"  # "tw0", "zer0": a zero typed for the letter o
    r"|[0-9]+"
    r"|[^\W\d_]+"
    r"|\S"
)
# Punctuation that dictation spells out: "seven out of ten period".
_DICTATED: dict[tuple[str, ...], str] = {
    ("question", "mark"): "?",
    ("exclamation", "point"): "!",
    ("exclamation", "mark"): "!",
    ("full", "stop"): ".",
    ("new", "line"): ".",
    ("period",): ".",
    ("comma",): ",",
    ("punto", "y", "aparte"): ".",
    ("signo", "de", "interrogacion"): "?",
}
# Words that sound like a number, read as one after "a": "it's a for today", "a too".
_SOUNDALIKES = {"too": 2.0, "to": 2.0, "for": 4.0, "fore": 4.0, "ate": 8.0, "won": 1.0}
_AFTER_SOUNDALIKE = frozenset(
    {"today", "now", "rn", "tonight", "right", "hoy", "maybe", "i", "im", "lol", "tbh", "ish"}
)
_CLAUSE_MARKS = frozenset(".;!?\n")
_CLAUSE_WORDS = frozenset({"but", "pero", "though", "although", "however", "aunque"})

# Words that carry no answer: what is left once these go is what the reply really says.
FILLER_WORDS = word_set(
    """
    ok okay k kk thanks thank you thx ty tks gracias lol haha hehe jaja jeje hi hello hey
    hola yes yeah yep yup si i id would say its it is was about like maybe probably um uh
    umm hmm today hoy now ahora pain dolor my the el la mi es de a an so well pues bueno
    just only right around approximately approx roughly guess think creo que diria sera
    muchas very much answer reply respuesta level nivel score and y im am estoy feel feeling
    me siento at en
    """
)


@dataclass(frozen=True)
class Token:
    """One word, number or mark of folded text, with where it sits."""

    text: str
    kind: TokenKind
    start: int
    end: int
    is_glued: bool = False
    value: float | None = None

    @property
    def is_digits(self) -> bool:
        """Whether the token is a number written in digits."""
        return self.kind == "number" and self.text[0].isdigit()


def tokenize(text: str) -> list[Token]:
    """The tokens of folded text; spelled-out numbers from zero to ten become numbers."""
    tokens: list[Token] = []
    previous_end = -1
    for match in _TOKEN.finditer(text):
        tokens.append(_token(match.group(), match.start(), match.end(), previous_end))
        previous_end = match.end()
    return _read_soundalikes(_read_dictation(tokens))


def _read_dictation(tokens: list[Token]) -> list[Token]:
    """Spelled-out punctuation ("question mark", "period") as the mark it stands for."""
    read: list[Token] = []
    index = 0
    while index < len(tokens):
        size, mark = next(
            (
                (len(words), mark)
                for words, mark in _DICTATED.items()
                if tuple(t.text for t in tokens[index : index + len(words)]) == words
            ),
            (1, None),
        )
        last = tokens[index + size - 1]
        if mark is None:
            read.append(tokens[index])
        else:
            read.append(Token(mark, "mark", tokens[index].start, last.end))
        index += size
    return read


def _read_soundalikes(tokens: list[Token]) -> list[Token]:
    """ "a for", "a too" at the end of a clause: the number the word sounds like."""
    read = list(tokens)
    for index, token in enumerate(tokens):
        value = _SOUNDALIKES.get(token.text)
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        is_ending = after is None or after.kind == "mark" or after.text in _AFTER_SOUNDALIKE
        if value is not None and index > 0 and tokens[index - 1].text == "a" and is_ending:
            read[index] = Token(token.text, "number", token.start, token.end, False, value)
    return read


def _token(text: str, start: int, end: int, previous_end: int) -> Token:
    """A token from the text it matched."""
    is_glued = start == previous_end
    if text[0].isdigit():
        is_decimal_comma = re.fullmatch(r"[0-9]+,5", text) is not None
        value = float(text.replace(",", ".") if is_decimal_comma else text.replace(",", ""))
        return Token(text, "number", start, end, is_glued, value)
    if not text.isalpha() and "0" in text:
        spelled = number_word_value(text.replace("0", "o"))
        kind: TokenKind = "word" if spelled is None else "number"
        return Token(text, kind, start, end, is_glued, None if spelled is None else float(spelled))
    if text.isalpha():
        spelled = number_word_value(text.removesuffix("ish") if len(text) > 5 else text)
        if spelled is not None:
            return Token(text, "number", start, end, is_glued, float(spelled))
        return Token(text, "word", start, end, is_glued)
    return Token(text, "mark", start, end, is_glued)


def clause_numbers(tokens: list[Token]) -> list[int]:
    """For each token, the number of the clause it belongs to (split at stops and "but")."""
    clauses: list[int] = []
    current = 0
    for token in tokens:
        if token.text in _CLAUSE_MARKS or token.text in _CLAUSE_WORDS:
            current += 1
        clauses.append(current)
    return clauses


def content_words(tokens: list[Token]) -> list[str]:
    """The words and numbers of a reply once greetings, thanks and hedges are taken out."""
    return [t.text for t in tokens if t.kind != "mark" and t.text not in FILLER_WORDS]
