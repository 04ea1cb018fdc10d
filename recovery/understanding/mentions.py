"""Numbers in a reply that may answer a question, with what the reply says around them.

"pain 7 activity 2", "7/10", "6-7", "from 8 to 3", "6 and a half": each becomes one mention
with the question it names (if any) and how it joins the mention before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from recovery.understanding.folding import word_set
from recovery.understanding.labels import Role, labelled_role, names_follow
from recovery.understanding.non_scores import find_non_scores
from recovery.understanding.numbers import WEAK_NUMBER_WORDS
from recovery.understanding.recency import Span
from recovery.understanding.reply_words import Token, content_words

Join = Literal["list", "range", "change", "none"]

_DENOMINATORS: dict[float, Role] = {10.0: "pain", 4.0: "activity"}
_SCALE_WORDS = (("out", "of"), ("outta",), ("out",), ("of",), ("de",), ("sobre",), ("over",))
_HALVES = (
    ("and", "a", "half"),
    ("&", "a", "half"),
    ("y", "medio"),
    ("y", "media"),
    ("and", "1", "/", "2"),
    ("y", "1", "/", "2"),
)
_HEDGES = word_set("maybe possibly perhaps prob probably quizas quiza talvez")
_JOIN_FILLERS = word_set("an un una maybe like about around probably prob its it is i say")
_STOPS = frozenset(".;!?")
_TO_WORDS = word_set("to al hasta > then luego down up thru through till")
_OR_WORDS = word_set("or o u")
_AND_WORDS = word_set("and y & , / plus +")
_MOVING_WORDS = word_set("went gone go goes going got dropped came come bajo subio from de")
# Verbs that alone carry a change from one score to the next ("de 8 bajó a 4").
_CHANGE_VERBS = _MOVING_WORDS - {"from", "de"}
_JOIN_VOCABULARY = _TO_WORDS | _OR_WORDS | _AND_WORDS | _MOVING_WORDS | {"-", "a"}


@dataclass(frozen=True)
class Mention:
    """One number, or a range or change of numbers, that may be an answer."""

    values: tuple[float, ...]
    span: Span
    role: Role | None
    join: Join = "none"
    is_range: bool = False
    is_change: bool = False


@dataclass(frozen=True)
class _Number:
    """A single number before ranges are put together."""

    value: float
    span: Span
    role: Role | None


def find_mentions(text: str, tokens: list[Token]) -> list[Mention]:
    """The numbers of a reply that may be answers, in order, ranges put together."""
    numbers = _single_numbers(text, tokens)
    mentions: list[Mention] = []
    for number in numbers:
        join = _join(tokens, mentions[-1], number) if mentions else "none"
        if join in {"range", "change"}:
            mentions[-1] = _extend(mentions[-1], number, join)
        else:
            mentions.append(Mention((number.value,), number.span, number.role, join))
    return mentions


def _single_numbers(text: str, tokens: list[Token]) -> list[_Number]:
    """Every number that is not plainly a date, dose, count or code."""
    scaled = {i: found for i in range(len(tokens)) if (found := _scaled(tokens, i)) is not None}
    skipped = find_non_scores(text, tokens) - scaled.keys()
    skipped |= {end for _, end in scaled.values()}
    numbers: list[_Number] = []
    is_named_after = names_follow(tokens)
    for index, token in enumerate(tokens):
        if token.kind != "number" or index in skipped or token.value is None:
            continue
        half_end = _half_end(tokens, index)
        skipped.update(range(index + 1, (half_end or index) + 1))
        role, end = scaled.get(index, (labelled_role(tokens, index, is_named_after), index))
        value = token.value + (0.5 if half_end else 0.0)
        numbers.append(_Number(value, Span(index, max(end, half_end or index)), role))
    return [n for n in numbers if _is_kept(tokens, n)]


def _is_kept(tokens: list[Token], number: _Number) -> bool:
    """Weak number words ("dies") count only when nothing else is said ("dolor: dies")."""
    word = tokens[number.span.first].text
    if word not in WEAK_NUMBER_WORDS:
        return True
    return set(content_words(tokens)) - {"10", "diez", "sobre", "out", "of", "outta"} == {word}


def _scaled(tokens: list[Token], index: int) -> tuple[Role, int] | None:
    """ "7/10", "7 out of 10", "7 de 10", "3/4": the role the scale names and its last token."""
    if tokens[index].kind != "number":
        return None
    for words in (("/",), *_SCALE_WORDS):
        end = index + len(words) + 1
        if end >= len(tokens) or tuple(t.text for t in tokens[index + 1 : end]) != words:
            continue
        role = _DENOMINATORS.get(tokens[end].value or -1.0)
        is_date = end + 1 < len(tokens) and tokens[end + 1].is_glued and tokens[end + 1].text == "/"
        if tokens[end].kind == "number" and role and not is_date and not _is_range(tokens, index):
            return role, end
    return None


def _is_range(tokens: list[Token], index: int) -> bool:
    """ "3/4" written together is more likely "3 or 4" than "3 out of 4"."""
    if index + 2 >= len(tokens):
        return False
    first, slash, second = tokens[index : index + 3]
    is_glued = slash.text == "/" and slash.is_glued and second.is_glued
    return is_glued and second.value == 4.0 and abs((first.value or 0.0) - 4.0) == 1.0


def _half_end(tokens: list[Token], index: int) -> int | None:
    """The last token of "and a half", "y medio" or " 1/2" after a number, if there."""
    for words in _HALVES:
        end = index + len(words)
        if tuple(t.text for t in tokens[index + 1 : end + 1]) == words:
            return end
    texts = [t.text for t in tokens[index + 1 : index + 4]]
    if texts == ["1", "/", "2"] and tokens[index + 2].is_glued and tokens[index + 3].is_glued:
        return index + 3
    return None


def _join(tokens: list[Token], previous: Mention, number: _Number) -> Join:
    """How a number joins the mention before it: "6-7", "6 or 7", "8 to 3", "7 and 2"."""
    if previous.role is not None and number.role not in {None, previous.role}:
        return "list"  # "P6 A3": two answers, not a range
    between = tokens[previous.span.last + 1 : number.span.first]
    if _is_hedged_pair(between):
        return "range"
    words = [t.text for t in between if t.text not in _JOIN_FILLERS]
    if words != ["a"]:  # alone, Spanish "to" ("6 a 7"); with others, an article ("6 or a 7")
        words = [word for word in words if word != "a"]
    if _STOPS.intersection(words) or not set(words) <= _JOIN_VOCABULARY:
        return "none"
    last = previous.values[-1]
    if _is_between(tokens, previous) and set(words) <= {"and", "y", "&"}:
        return "range"
    if not words:
        return "list"
    if words == ["-"] or (words == ["/"] and between[0].is_glued):
        is_pair = last > number.value and 1 <= number.value <= 4 and words == ["-"]
        return "list" if is_pair else "range"
    if (_TO_WORDS | _CHANGE_VERBS).intersection(words) or words == ["a"]:
        return "range" if last < number.value else "change"
    if _OR_WORDS.intersection(words):
        return "range"
    return "list" if set(words) <= _AND_WORDS else "none"


def _is_hedged_pair(between: list[Token]) -> bool:
    """ "1 maybe 2", "5 or maybe 6": a second guess, read as a range."""
    words = [t.text for t in between]
    return bool(words) and words[-1] in _HEDGES and set(words) <= _HEDGES | _OR_WORDS | {","}


def _is_between(tokens: list[Token], mention: Mention) -> bool:
    """Whether "between" or "entre" comes just before a mention."""
    before = [t.text for t in tokens[max(mention.span.first - 2, 0) : mention.span.first]]
    return "between" in before or "entre" in before


def _extend(mention: Mention, number: _Number, join: Join) -> Mention:
    """A mention grown by a number that finishes its range or change."""
    return Mention(
        values=(*mention.values, number.value),
        span=Span(mention.span.first, number.span.last),
        role=mention.role or number.role,
        join=mention.join,
        is_range=mention.is_range or join == "range",
        is_change=join == "change",
    )
