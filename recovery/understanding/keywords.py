"""SMS keywords (STOP, START, HELP and their Spanish forms) and plain requests to stop texting.

A keyword is the whole message: "STOP", " stop. ", "'Stop!'", "opt-out". Since April 2025 a
patient may also revoke consent in their own words ("please stop texting me", "no me manden
mensajes", "take my mother off your list"); `is_stop_request` finds those with the phrases
of `stop_phrases`, and `is_start_request` finds "START again".
"Stop" inside an answer ("stop the pain please, 9", "the pain won't stop", "I stopped my
pills") is neither.
"""

from __future__ import annotations

import re
from enum import StrEnum

from recovery.understanding.folding import fold, word_set
from recovery.understanding.reply_words import tokenize
from recovery.understanding.stop_phrases import STRONG, WEAK


class Keyword(StrEnum):
    """What a keyword asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


_KEYWORDS: dict[str, Keyword] = {
    **dict.fromkeys(
        word_set("stop stopall unsubscribe cancel end quit optout revoke alto parar cancelar"),
        Keyword.OPT_OUT,
    ),
    **dict.fromkeys(word_set("start yes unstop"), Keyword.OPT_IN),
    **dict.fromkeys(word_set("help info ayuda"), Keyword.HELP),
}
_EDGE_MARKS = " \t\n\"'`.,;:!?¡¿()[]*~-_"
_POLITE = word_set(
    """
    please pls plz thanks thank you thx ty now por favor gracias ya ok okay already asap
    immediately right it this all me them these messages texts now sir maam
    """
)
# Alone (with courtesies), these plainly say "stop": "basta", "ya basta", "no más por favor".
_ENOUGH = frozenset(
    {
        "basta",
        "pare",
        "paren",
        "no mas",
        "no more",
        "baja",
        "de baja",
        "enough",
        "remove",
        "unsub",
        "unsuscribe",
        "unsubcribe",
        "unsubscribe me",
        "withdraw",
        "i withdraw",
        "desuscribir",
        "desuscribirme",
        "cancelen",
        "cancele",
        "quiero cancelar",
        "eliminenme",
        "saquenme",
        "borrenme",
        "quitenme",
    }
)
# "START again", "restart texts please": asking for the texts back, a keyword and its frame.
_RESUME = word_set("start unstop restart resume")
_AGAIN = word_set("again back up texting texts messages mensajes otra vez de nuevo")
_JOKES = re.compile(r"\b(?:jk|j k|just kidding|kidding|es broma|bromeando|broma|just joking)\b")
_LAUGHS = re.compile(r"\b(?:lol|lmao|haha\w*|jaja\w*|hehe\w*)\b")
# What a bare "please stop" may be about instead of the texts: "please stop, it hurts",
# "make it stop please", "pls stop the burning".
_SUFFERING = re.compile(
    r"\b(?:pain\w*|hurt\w*|ach(?:e|es|ing|y)|sore\w*|burn\w*|throb\w*|sting\w*|spasm\w*"
    r"|cramp\w*|itch\w*|bleed\w*|numb\w*|tingl\w*|swell\w*|nause\w*|vomit\w*|dizz\w*"
    r"|shak\w*|make (?:it|this|them)|dolor\w*|duel\w*|ardor|arde|punzad\w*|calambre\w*"
    r"|hagan?lo)\b"
)

_NEGATED = re.compile(
    r"\b(?:dont|do not|never|not|cant|cannot|couldnt|didnt)(?: want (?:you |them )?to"
    r"| need to)? ?$"
)
# Spanish puts "no" before the verb it denies: "no dejen de escribirme" wants the texts.
_SPANISH_DENIED = re.compile(r"\bno $")
_SPANISH_VERBS = ("dej", "par", "cancel", "deten", "suspend", "quit", "sac", "borr", "elimin")


def match_keyword(text: str) -> Keyword | None:
    """The keyword the whole message is, trimmed and case-folded, if it is one."""
    core = fold(text).text.strip(_EDGE_MARKS)
    if core in _KEYWORDS:
        return _KEYWORDS[core]
    joined = re.sub(r"[\s-]+", "", core)
    if joined != core and joined in _KEYWORDS and len(core.split()) <= 2:
        return _KEYWORDS[joined]
    return None


def is_stop_request(text: str) -> bool:
    """Whether the message plainly asks us to stop texting (not a keyword)."""
    if match_keyword(text) is not None:
        return False
    folded = fold(text).text
    if _JOKES.search(folded):
        return False
    clauses = re.split(r"[.!?\n]+", folded)
    if any(_is_polite_keyword(clause) for clause in clauses) and not _has_number(folded):
        return True
    if any(not _is_negated(folded, m.start()) for m in STRONG.finditer(folded)):
        return True
    is_plain = _LAUGHS.search(folded) is None and not _has_number(folded)
    return is_plain and any(_is_weak_request(folded, match) for match in WEAK.finditer(folded))


def _is_weak_request(folded: str, match: re.Match[str]) -> bool:
    """Whether a weak phrase ("please stop") asks to stop the texts: not denied, and not
    said of pain ("please stop, it hurts"), unless it names our asking ("stop asking")."""
    if _is_negated(folded, match.start()):
        return False
    return "asking" in match.group() or _SUFFERING.search(folded) is None


def is_help_request(text: str) -> bool:
    """Whether the message asks for help in so many words: "help please", "ayuda por favor"."""
    if match_keyword(text) is not None:
        return False
    words = re.findall(r"[^\W\d_]+", fold(text).text)
    meant = [word for word in words if word not in _POLITE]
    return bool(meant) and all(_KEYWORDS.get(word) == Keyword.HELP for word in meant)


def is_start_request(text: str) -> bool:
    """Whether the message asks for the texts again with a few more words: "START again"."""
    if match_keyword(text) is not None:
        return False
    words = re.findall(r"[^\W\d_]+", fold(text).text)
    meant = [word for word in words if word not in _POLITE and word not in _AGAIN]
    return bool(meant) and all(word in _RESUME for word in meant)


def _is_polite_keyword(folded: str) -> bool:
    """ "STOP please", "stop stop stop", "alto por favor": opt-out keywords with courtesies."""
    words = re.findall(r"[^\W\d_]+", folded)
    meant = [word for word in words if word not in _POLITE]
    if " ".join(meant) in _ENOUGH:
        return True
    return bool(meant) and all(_KEYWORDS.get(word) == Keyword.OPT_OUT for word in meant)


def _is_negated(folded: str, start: int) -> bool:
    """Whether the request is denied ("don't stop texting me", "no dejen de escribirme")."""
    before = folded[max(start - 30, 0) : start]
    if folded.startswith(_SPANISH_VERBS, start) and _SPANISH_DENIED.search(before):
        return True
    return _NEGATED.search(before) is not None


def _has_number(folded: str) -> bool:
    """Whether the message carries a number (it is then an answer, not a request)."""
    return any(token.kind == "number" for token in tokenize(folded))
