"""Understanding a patient's reply: the pain score (0-10) and the activity level (1-4).

Replies are read generously ("7", "7/10", "seven", "siete", "6-7", "pain 7 activity 2",
"still in bed") and never guessed at: a reply that does not say a score gives None.
When a reply gives several values for one question, the one about now wins ("was 8 now 3"),
then the one the reply names ("pain 7" over a bare 7); ranges take the higher pain
("6-7" is 7) and the lower activity ("2 or 3" is 2, so limited mobility is not missed).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from recovery.understanding.activity_words import find_activity_phrases
from recovery.understanding.folding import fold, word_set
from recovery.understanding.mentions import Mention, Role, find_mentions
from recovery.understanding.pain_free import find_pain_free
from recovery.understanding.recency import NOW, UNMARKED, Span, rank_recency
from recovery.understanding.reply_words import Token, content_words, tokenize

Question = Literal["pain", "activity"]

PAIN_SCORES = range(0, 11)
ACTIVITY_LEVELS = range(1, 5)
_VALID: dict[Role, range] = {"pain": PAIN_SCORES, "activity": ACTIVITY_LEVELS}
_NORMAL_DAY = word_set("normal normales usual regular")
_NORMAL_DAY_COMPANIONS = word_set("todo pretty much day dia back to like as my mi")
# One-word answers to the activity question, by where the day was spent.
_ALONE_LEVELS = {
    **dict.fromkeys(("bed", "cama"), 1),
    **dict.fromkeys(("house", "home", "casa"), 2),
    **dict.fromkeys(("errands", "shopping", "groceries", "store", "church", "mandados"), 3),
    **dict.fromkeys(("work", "working", "gym", "golf", "trabajo", "trabajando"), 4),
}

# How strongly a reply names an answer, when two candidates are equally current.
_NAMED, _NUMBER_ALONE, _WORDS = 3, 2, 1


@dataclass(frozen=True)
class Reading:
    """What a reply says: each answer or None when the text doesn't give it."""

    pain: int | None = None
    activity: int | None = None


@dataclass(frozen=True)
class _Candidate:
    """One possible answer to one question, with how current and how plain it is."""

    role: Role
    value: float
    span: Span
    strength: int
    is_words: bool = False
    is_dominant: bool = False


def read_reply(text: str, expecting: Question) -> Reading:
    """Understand a reply to the question we are waiting on."""
    folded = fold(text)
    tokens = tokenize(folded.text)
    mentions = [m for m in find_mentions(folded.text, tokens) if _is_plausible(m)]
    candidates = [
        *_number_candidates(tokens, mentions, expecting),
        *_pain_free_candidates(folded.text, tokens),
        *_activity_word_candidates(folded.text, tokens, expecting),
    ]
    ranks = rank_recency(tokens, [c.span for c in candidates])
    return Reading(
        pain=_choose("pain", candidates, ranks),
        activity=_choose("activity", candidates, ranks),
    )


def _is_plausible(mention: Mention) -> bool:
    """Bare numbers off the pain scale are not answers to anything (dates, ages, temperatures)."""
    return mention.role is not None or all(0 <= v < 10.5 for v in mention.values)


def _number_candidates(
    tokens: list[Token], mentions: list[Mention], expecting: Question
) -> list[_Candidate]:
    """Each number as pain or activity: as named, else as the reply's shape suggests.

    A bare number outside the range of the question it would answer answers nothing; a named
    one ("activity 7") stays, so that the reply reads as not understood.
    """
    ranks = rank_recency(tokens, [m.span for m in mentions])
    roles = _roles(mentions, ranks, expecting)
    return [
        _Candidate(role, _value(mention, role), mention.span, _strength(mention))
        for mention, role in zip(mentions, roles, strict=True)
        if role is not None
        and (mention.role is not None or _round_half_up(_value(mention, role)) in _VALID[role])
    ]


def _roles(mentions: list[Mention], ranks: list[float], expecting: Question) -> list[Role | None]:
    """The question each number answers; None for numbers that answer nothing."""
    roles: list[Role | None] = [m.role for m in mentions]
    contrast = _contrast_role(mentions, ranks, expecting)
    if contrast is not None:
        return [role or contrast for role in roles]
    if expecting == "activity":
        return _roles_expecting_activity(mentions, roles)
    return _roles_expecting_pain(mentions, roles, ranks)


def _contrast_role(mentions: list[Mention], ranks: list[float], expecting: Question) -> Role | None:
    """The question an earlier value answers ("was 8 now 3"): then every number is about it."""
    earlier = [m for m, rank in zip(mentions, ranks, strict=True) if rank < UNMARKED]
    if not earlier or len(mentions) < 2:
        return None
    return earlier[0].role or expecting


def _roles_expecting_pain(
    mentions: list[Mention], roles: list[Role | None], ranks: list[float]
) -> list[Role | None]:
    """First bare number is pain; a bare 1-4 joined right after it ("7 and 2") is activity;
    a bare number said of now after a named pain ("pain 6 ... now it's 4") is pain too."""
    has_named_pain = "pain" in roles
    for index in range(len(mentions)):
        if roles[index] is not None:
            continue
        if "pain" not in roles:
            roles[index] = "pain"
        elif _is_pair_end(mentions, roles, index):
            roles[index] = "activity"
        elif not has_named_pain or ranks[index] >= NOW:
            roles[index] = "pain"
    return roles


def _roles_expecting_activity(
    mentions: list[Mention], roles: list[Role | None]
) -> list[Role | None]:
    """Bare numbers are activity, except a pair ("5 and 2") which gives pain then activity."""
    for index in range(len(mentions)):
        if roles[index] is not None:
            continue
        following = index + 1
        is_pair = (
            following < len(mentions)
            and roles[following] is None
            and mentions[following].join == "list"
            and _value(mentions[following], "activity") in ACTIVITY_LEVELS
        )
        roles[index] = "pain" if is_pair and "pain" not in roles else "activity"
    return roles


def _is_pair_end(mentions: list[Mention], roles: list[Role | None], index: int) -> bool:
    """Whether a bare number follows the pain score as the second of a pair ("7, 2")."""
    mention = mentions[index]
    return (
        mention.join == "list"
        and roles[index - 1] == "pain"
        and _value(mention, "activity") in ACTIVITY_LEVELS
    )


def _value(mention: Mention, role: Role) -> float:
    """The one value a mention gives for a role: the later of a change, an end of a range."""
    if mention.is_change:
        return mention.values[-1]
    if mention.is_range:
        return max(mention.values) if role == "pain" else min(mention.values)
    return mention.values[0]


def _strength(mention: Mention) -> int:
    """How plainly a number is given: named ("pain 7", "7/10") or alone."""
    return _NAMED if mention.role is not None else _NUMBER_ALONE


def _pain_free_candidates(text: str, tokens: list[Token]) -> list[_Candidate]:
    """ "no pain", "sin dolor", "none": pain 0."""
    return [
        _Candidate("pain", 0.0, _token_span(tokens, start, end), _WORDS, is_words=True)
        for start, end in find_pain_free(text, tokens)
    ]


def _activity_word_candidates(
    text: str, tokens: list[Token], expecting: Question
) -> list[_Candidate]:
    """Activity levels said in words; "normal" alone when the activity question is open."""
    found = [
        _Candidate(
            "activity",
            float(phrase.level),
            _token_span(tokens, phrase.start, phrase.end),
            _WORDS,
            is_words=True,
            is_dominant=phrase.is_dominant,
        )
        for phrase in find_activity_phrases(text)
    ]
    level = _level_said_alone(content_words(tokens))
    if not found and expecting == "activity" and level is not None:
        found.append(_Candidate("activity", float(level), Span(0, len(tokens) - 1), _WORDS, True))
    return found


def _level_said_alone(words: list[str]) -> int | None:
    """A one-word answer to the activity question: "normal", "usual", "bed", "house"."""
    if len(words) == 1 and words[0] in _ALONE_LEVELS:
        return _ALONE_LEVELS[words[0]]
    is_normal = bool(_NORMAL_DAY.intersection(words))
    return 4 if is_normal and set(words) <= _NORMAL_DAY | _NORMAL_DAY_COMPANIONS else None


def _token_span(tokens: list[Token], start: int, end: int) -> Span:
    """The tokens covering folded characters start..end."""
    inside = [i for i, t in enumerate(tokens) if t.end > start and t.start < end]
    return Span(inside[0], inside[-1]) if inside else Span(0, 0)


def _choose(role: Role, candidates: list[_Candidate], ranks: list[float]) -> int | None:
    """The answer for one question: most current, then most plainly given."""
    ranked = [(rank, c) for c, rank in zip(candidates, ranks, strict=True) if c.role == role]
    if not ranked:
        return None
    best = max((rank, c.strength, c.is_dominant) for rank, c in ranked)
    top = [c for rank, c in ranked if (rank, c.strength, c.is_dominant) == best]
    value = _combine(role, top)
    return value if value in _VALID[role] else None


def _combine(role: Role, top: Iterable[_Candidate]) -> int:
    """One value from equally good candidates: the higher pain; the lower activity number,
    but the higher activity said in words (the patient did get that far)."""
    candidates = list(top)
    values = [_round_half_up(c.value) for c in candidates]
    if role == "pain" or all(c.is_words for c in candidates):
        return max(values)
    return min(values)


def _round_half_up(value: float) -> int:
    """6.5 is 7: halves round up, as a nurse reads "six and a half"."""
    return math.floor(value + 0.5)
