"""Everything the service takes from one inbound text, in the order it acts on it.

A reaction (`Liked “…”`) quotes our own text and is nothing else. A keyword is only a
keyword. Otherwise the text is scanned for warning signs, requests in words (stop, start,
help) and the answers to the open question; the words left over make it a comment that a
nurse reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from recovery.understanding.comments import unaccounted_words
from recovery.understanding.corrections import is_correction
from recovery.understanding.keywords import (
    Keyword,
    is_help_request,
    is_start_request,
    is_stop_request,
    match_keyword,
)
from recovery.understanding.parsing import Question, Reading, read_reply
from recovery.understanding.reactions import is_reaction
from recovery.understanding.warning_signs import WarningSign, find_warning_signs


@dataclass(frozen=True)
class Understanding:
    """What one text says, as far as the service acts on it."""

    is_reaction: bool = False
    keyword: Keyword | None = None
    signs: tuple[WarningSign, ...] = ()
    asks_to_stop: bool = False
    asks_to_start: bool = False
    asks_for_help: bool = False
    reading: Reading = field(default_factory=Reading)
    other_words: tuple[str, ...] = ()

    @property
    def is_urgent(self) -> bool:
        """Whether a warning sign is reported (not only denied)."""
        return any(not sign.is_negated for sign in self.signs)

    @property
    def is_comment(self) -> bool:
        """Whether words are left that nothing else accounted for: a nurse reads them."""
        return bool(self.other_words)


def understand(text: str, expecting: Question | None) -> Understanding:
    """Read a text; ``expecting`` is the question the open check-in waits on, if any."""
    if is_reaction(text):
        return Understanding(is_reaction=True)
    keyword = match_keyword(text)
    if keyword is not None:
        return Understanding(keyword=keyword)
    signs = tuple(find_warning_signs(text))
    asks_to_stop = is_stop_request(text)
    asks_to_start = not signs and not asks_to_stop and is_start_request(text)
    asks_for_help = not signs and not asks_to_stop and is_help_request(text)
    reading = read_answer(text, expecting) if expecting is not None else Reading()
    is_request = asks_to_stop or asks_to_start or asks_for_help
    other_words = () if signs or is_request else tuple(unaccounted_words(text))
    return Understanding(
        signs=signs,
        asks_to_stop=asks_to_stop,
        asks_to_start=asks_to_start,
        asks_for_help=asks_for_help,
        reading=reading,
        other_words=other_words,
    )


def read_answer(text: str, expecting: Question) -> Reading:
    """The answers a text gives to the open question; a corrected pain score ("sorry, I
    meant 6") when the activity question is open and nothing answers it."""
    reading = read_reply(text, expecting)
    if expecting == "activity" and reading == Reading() and is_correction(text):
        return read_reply(text, "pain")
    return reading
