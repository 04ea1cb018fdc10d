"""Activity levels said in words, in English and Spanish.

The four levels the check-in offers: 1 in bed most of the day, 2 up but only inside the home,
3 walking outside the home (cane or walker OK), 4 back to usual activities. "Walking a bit"
with no place named reads as 3, the option about walking; "walking a bit around the house"
reads as 2. A day told as a story (`day_stories`) reads by where it was spent. A phrase
denied, wished for, planned ("back to work next week"), asked about ("can I drive to the
store?"), only watched ("watched golf on tv") or done by someone else for the patient ("my
daughter went to the store for me") is not an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recovery.understanding.activity_phrases import PHRASES
from recovery.understanding.day_stories import STORY_PHRASES
from recovery.understanding.folding import word_set

_ORDINALS = {
    1: r"first|1st|primer[oa]?",
    2: r"second|2nd|segund[oa]",
    3: r"third|3rd|tercer[oa]?",
    4: r"fourth|4th|last|cuart[oa]|ultim[oa]",
}
# "the second one", "la tercera opción": an answer picked by its place in the list.
_CHOSEN = r"(?:{}) (?:one|option|choice|answer|opcion|uno|una)"
# A day's story first: where it reads the same words as a plainer phrase, the story wins,
# and between two stories, the higher level ("fue a trabajar" is work, not only a trip).
_PATTERNS = [
    (level, re.compile(rf"\b(?:{pattern})\b"))
    for level, group in sorted(STORY_PHRASES.items(), reverse=True)
    for pattern in group
] + [
    (level, re.compile(rf"\b(?:{pattern})\b"))
    for level, group in PHRASES.items()
    for pattern in (*group, _CHOSEN.format(_ORDINALS[level]))
]
_CLAUSE_BREAK = re.compile(r"[.;!?\n,:]|\b(?:but|pero|then|luego|and|y)\b")
_DOMINANT = re.compile(
    r"\b(?:mostly|most of the (?:day|time)|all day|the whole day|all the time|todo el dia"
    r"|la mayor parte|mayormente|la mayoria del tiempo|spent (?:the|her|his|my|their) day"
    r"|(?:pase|paso|se paso) el dia|(?:se quedo|me quede) (?:acostad[oa]|en cama)"
    r"|(?:stayed|stays|staying|remained|se quedo|me quede)"
    r" (?:in|on|en) (?:(?:the|my|his|her|their|la|mi|su) )?(?:bed|cama))\b"
)
_NOT_DONE = word_set(
    """
    not never havent hasnt hadnt didnt dont doesnt cant cannot couldnt wont wasnt isnt arent
    werent unable nunca tampoco nor ni without sin almost nearly casi want wanna hope hoping
    plan planning try trying will gonna would should quiero espero voy too gustaria tomorrow
    wanted wants wished hoped planned planning supposed quiso queria quisiera
    """
)
_SENTENCE_END = re.compile(r"[.!?\n]")
# Words after a phrase that put it in the future: "back to work next week".
_LATER = word_set("tomorrow tmrw next soon someday eventually manana pronto proxima proximo")
# Trips out that the patient only watched or that others made for them.
_WATCHING = word_set("watch watched watching vi vimos viendo veia tv television tele")
_FOR_SOMEONE = re.compile(
    r"\s*(?:for (?:me|us|her|him|them)|por (?:mi|ella|el)|para (?:mi|ella))\b"
)
# Words that open a question about an activity: "can I drive to the store?".
_QUESTION_OPENERS = word_set(
    """
    can could should may might is isnt am are does do did when how what why will would
    puedo puede podria podre debo deberia debe cuando como esta es se
    """
)
_INTERJECTION_FOLLOWERS = word_set("i im ive id yo its it thats ok okay")
_SLEEP_WORDS = word_set(
    "slept sleep sleeping asleep napped nap woke wake go went get dormi durmio dormia dormir"
    " dormimos duermo duerme"
)
_LOOK_BACK = 4


@dataclass(frozen=True)
class ActivityPhrase:
    """An activity level said in words, where it is in the folded text, and its weight."""

    level: int
    start: int
    end: int
    is_dominant: bool


def find_activity_phrases(text: str) -> list[ActivityPhrase]:
    """Every activity level the folded text says in words, in order, skipping denied ones."""
    found = [
        (match.start(), match.end(), level)
        for level, pattern in _PATTERNS
        for match in pattern.finditer(text)
        if not _is_not_done(text, match.start())
        and not _is_planned(text, match.end())
        and not (level > 2 and _is_someone_elses(text, match.start(), match.end(), level))
        and not _is_asked(text, match.start())
    ]
    kept: list[tuple[int, int, int]] = []
    for start, end, level in sorted(found, key=lambda f: (f[0], -f[1])):
        if not any(start < k_end and k_start < end for k_start, k_end, _ in kept):
            kept.append((start, end, level))
    return [ActivityPhrase(level, s, e, _is_dominant(text, s, e)) for s, e, level in kept]


def _words_before(text: str, start: int) -> list[str]:
    """The words of the same clause just before a position, nearest last."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    return re.findall(r"[^\W\d_]+", text[clause_start:start])[-_LOOK_BACK:]


def _is_not_done(text: str, start: int) -> bool:
    """Whether the words before a phrase deny it, wish for it, or mean sleeping in bed."""
    words = _words_before(text, start)
    if words and words[-1] in _SLEEP_WORDS and text.startswith(("in ", "on ", "en "), start):
        return True
    for index, word in enumerate(words):
        if word == "no" and index + 1 < len(words) and words[index + 1] in _INTERJECTION_FOLLOWERS:
            continue
        is_future = word == "going" and words[index + 1 : index + 2] == ["to"]
        if word in _NOT_DONE or word == "no" or is_future:
            return True
    return False


def _is_planned(text: str, end: int) -> bool:
    """Whether the rest of the phrase's clause puts it in the future ("...next week")."""
    following = _CLAUSE_BREAK.search(text, end)
    clause_end = following.start() if following else len(text)
    return bool(_LATER.intersection(re.findall(r"[^\W\d_]+", text[end:clause_end])))


def _is_someone_elses(text: str, start: int, end: int, level: int) -> bool:
    """Whether a trip out was only watched ("watched golf on tv") or made for the patient
    ("my daughter went to the store for me")."""
    if _WATCHING.intersection(_words_before(text, start)):
        return True
    return level == 3 and _FOR_SOMEONE.match(text, end) is not None


def _is_asked(text: str, start: int) -> bool:
    """Whether the phrase sits in a question ("does swimming count as usual activity?")."""
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    sentence_end = _SENTENCE_END.search(text, start)
    if sentence_end is None or sentence_end.group() != "?":
        return False
    words = re.findall(r"[^\W\d_]+", text[sentence_start:start])
    return bool(words) and words[0] in _QUESTION_OPENERS


def _is_dominant(text: str, start: int, end: int) -> bool:
    """Whether the phrase's clause says it filled the day ("mostly", "most of the day")."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
    following = _CLAUSE_BREAK.search(text, end)
    clause_end = following.start() if following else len(text)
    return _DOMINANT.search(text, clause_start, clause_end) is not None
