"""Whose sign it is and when: the words around a warning-sign phrase, over folded text.

A sign said of someone else ("my neighbor fell"), of long ago ("dizzy from the car ride
last month"), of a film or a title ("watching Saturday Night Fever") or in repeating the
instructions ("the nurse said to watch for fever") is not the patient's sign now: it is
dropped, and the text reaches a nurse as a comment. A sign supposed ("if she gets a fever,
what do I do?") is taken as denied: a nurse reads it, without the emergency advice.

The word lists are in the vocabulary file; the text is read for them once (`Context`), and
each phrase found is then placed among them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from recovery.understanding.folding import word_set
from recovery.understanding.warning_sign_words import WORDS


def _words(name: str) -> str:
    """A named word list of the vocabulary as a regex of whole words."""
    return rf"(?<!\w)(?:{WORDS[name].regex})(?!\w)"


_SENTENCE_BREAK = re.compile(r"[.!?\n;]|\b(?:but|pero|though|aunque|although)\b")
_CLAUSE_BREAK = re.compile(r"[.!?\n;,:]|\b(?:but|pero|though|aunque|although)\b")
_PERSON = re.compile(rf"(?P<other>{_words('someone_else')})|{_words('the_patient')}")
# "My sister said she got dizzy": the "she" of someone else's words is that someone else.
_REPORTED = re.compile(
    rf"{_words('someone_else')}[^.!?\n]{{0,60}}?\b(?:said|says|dijo|dice)(?: that| que)?"
    r" (?P<pronoun>she|he|shes|hes|ella|el)\b"
)
_SPEAKER = re.compile(r"\b(?:i|im|ive|id|yo)\b")
_FIRST_PERSON = re.compile(r"\b(?:i|im|ive|id|yo|my|me|myself|mis)\b")
_LONG_AGO = re.compile(_words("long_ago"))
_SINCE = re.compile(r"\b(?:since|desde|for the|in the|over the|durante el)\s*$")
_SHOWS = re.compile(_words("shows"))
_INSTRUCTIONS = re.compile(_words("instructions"))
_SUPPOSING = re.compile(rf"{_words('supposing')}(?<!as if)(?<!even if)")
# Spanish "si" is "if" only in a question: "sí" (yes) folds to it too.
_SPANISH_IF = re.compile(r"\bsi\b")


@dataclass(frozen=True)
class Context:
    """Where a text's sentences and clauses break, and where it names people and times."""

    sentence_starts: tuple[int, ...]
    clause_starts: tuple[int, ...]
    people: tuple[tuple[int, bool], ...]  # (end of the name, whether someone else)
    speakers: tuple[int, ...]  # where the writer says "I"
    first_person: tuple[int, ...]  # where the writer says "I", "me" or "my"
    long_ago: tuple[int, ...]
    shows: tuple[int, ...]
    instructions: tuple[int, ...]
    supposing: tuple[int, ...]  # where each "if" ends
    spanish_ifs: tuple[int, ...]
    questions: tuple[int, ...]


def read_context(text: str) -> Context:
    """The context of a folded text, read once for all the phrases found in it."""
    return Context(
        sentence_starts=(0, *(m.end() for m in _SENTENCE_BREAK.finditer(text))),
        clause_starts=(0, *(m.end() for m in _CLAUSE_BREAK.finditer(text))),
        people=_people(text),
        speakers=_starts(_SPEAKER, text),
        first_person=_starts(_FIRST_PERSON, text),
        long_ago=tuple(
            m.start()
            for m in _LONG_AGO.finditer(text)
            if _SINCE.search(text, max(m.start() - 12, 0), m.start()) is None
        ),
        shows=_starts(_SHOWS, text),
        instructions=_starts(_INSTRUCTIONS, text),
        supposing=tuple(m.end() for m in _SUPPOSING.finditer(text)),
        spanish_ifs=tuple(m.end() for m in _SPANISH_IF.finditer(text)),
        questions=tuple(i for i, char in enumerate(text) if char == "?"),
    )


def _people(text: str) -> tuple[tuple[int, bool], ...]:
    """Where each person is named, and whether it is someone other than the patient."""
    reported = {m.end("pronoun") for m in _REPORTED.finditer(text)}
    return tuple(
        (m.end(), m.group("other") is not None or m.end() in reported)
        for m in _PERSON.finditer(text)
    )


def _starts(pattern: re.Pattern[str], text: str) -> tuple[int, ...]:
    """Where each match of a pattern starts."""
    return tuple(m.start() for m in pattern.finditer(text))


def _span(starts: tuple[int, ...], start: int, end: int) -> tuple[int, int]:
    """The sentence or clause (given the positions they start at) around start..end."""
    first = starts[bisect_right(starts, start) - 1]
    following = bisect_right(starts, end)
    return first, starts[following] if following < len(starts) else 1 << 30


def _any_in(positions: tuple[int, ...], start: int, end: int) -> bool:
    """Whether any position falls in start..end."""
    return any(start <= at < end for at in positions)


def is_someone_elses(context: Context, start: int, end: int) -> bool:
    """Whether the last person named up to the sign's end, in its sentence, is not the patient:
    unless "I" comes before them in the clause ("I was helping my grandson and fell"), or the
    patient is named after the sign in its clause ("my son saw the numbness in my legs")."""
    sentence_start, _ = _span(context.sentence_starts, start, start)
    named = [(at, is_other) for at, is_other in context.people if sentence_start < at <= end]
    if not named or not named[-1][1]:
        return False
    _, clause_end = _span(context.clause_starts, end, end)
    if _any_in(context.first_person, end, clause_end):
        return False  # "my son noticed numbness in my legs"
    clause_start, _ = _span(context.clause_starts, named[-1][0] - 1, named[-1][0] - 1)
    return not _any_in(context.speakers, clause_start, named[-1][0])


def is_long_ago(context: Context, start: int, end: int) -> bool:
    """Whether the sign's clause places it in the past ("last year"), not since then."""
    return _any_in(context.long_ago, *_span(context.clause_starts, start, end))


def is_from_a_show(context: Context, start: int, end: int) -> bool:
    """Whether the sign's clause is about a film, a song or a fright."""
    return _any_in(context.shows, *_span(context.clause_starts, start, end))


def is_an_instruction(context: Context, text: str, start: int, end: int) -> bool:
    """Whether the sign is named in repeating what to watch for: in the sentence that says
    so, or as one of the bare questions that follow it ("What should we watch for? fever?")."""
    sentence_start, _ = _span(context.sentence_starts, start, start)
    if _any_in(context.instructions, sentence_start, start):
        return True
    is_bare_question = not text[sentence_start:start].strip(" \u00bf\"'") and text[
        end : end + 3
    ].lstrip(" \"'").startswith("?")
    return is_bare_question and _any_in(context.instructions, 0, start)


def is_supposed(context: Context, text: str, start: int, end: int) -> bool:
    """Whether the sign is supposed, not reported: "if she gets a fever", "¿si le da fiebre?".

    Not when the sign is what follows the supposition: "if I stand up I get dizzy".
    """
    clause_start, _ = _span(context.clause_starts, start, start)
    markers = [at for at in context.supposing if clause_start <= at < start]
    if not markers:
        _, sentence_end = _span(context.sentence_starts, end, end)
        if not _any_in(context.questions, end, sentence_end):
            return False
        markers = [at for at in context.spanish_ifs if clause_start <= at < start]
    if not markers:
        return False
    words = _WORDS.findall(text, markers[-1], start) + _WORDS.findall(text, start, end)[:1]
    return not any(word in _SUBJECTS for word in words[1:])


_WORDS = re.compile(r"[^\W_]+")
# A subject after the supposition's first words starts what follows from it.
_SUBJECTS = word_set("i im ive my she shes he hes her his it its me mi yo ella el se")


_ORIGINAL_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_TITLE_CUES = word_set(
    """watching watched watch saw seen reading read listening playing movie show book song
    called titled named viendo vimos vi leyendo pelicula película serie libro"""
)


def is_in_a_title(original: str, start: int, end: int) -> bool:
    """Whether the sign's words (original characters start..end) are part of a capitalized
    title: three capitalized words in a row, or two after "watching", "the movie"...

    A text written all in capitals or all in title case is not read this way, nor a run
    that opens its sentence ("Mom Fainted"), nor "I".
    """
    if not original[start : start + 1].isupper():
        return False
    words = [(m.start(), m.group()) for m in _ORIGINAL_WORD.finditer(original)]
    if not words or sum(w[:1].isupper() for _, w in words) * 2 > len(words):
        return False
    inside = [i for i, (at, _) in enumerate(words) if start <= at < end]
    if not inside or not _is_capital(words[inside[0]][1]):
        return False
    first = inside[0]
    while first > 0 and _is_capital(words[first - 1][1]) and not _breaks(original, words, first):
        first -= 1
    last = inside[0]
    while last + 1 < len(words) and _is_capital(words[last + 1][1]):
        last += 1
    if first == 0 or _breaks(original, words, first):
        return False
    size = last - first + 1
    return size >= 3 or (size == 2 and words[first - 1][1].casefold() in _TITLE_CUES)


def _is_capital(word: str) -> bool:
    """A word that starts with a capital, other than "I"."""
    return word[:1].isupper() and word != "I"


def _breaks(original: str, words: list[tuple[int, str]], index: int) -> bool:
    """Whether punctuation comes between word ``index`` and the one before."""
    previous_at, previous = words[index - 1]
    between = original[previous_at + len(previous) : words[index][0]]
    return any(char in ".,;:!?\n" for char in between)
