"""Replies that say there is no pain at all: "no pain", "pain free", "sin dolor", "none"."""

from __future__ import annotations

import re

from recovery.understanding.folding import word_set
from recovery.understanding.reply_words import Token, content_words

_NOT_ABOUT_THE_SCORE = (
    r"(?! (?:med|meds|medicine|medicines|medication|medications|pill|pills|killer|killers"
    r"|relief|reliever|relievers|than|management|clinic|doctor|patch))"
)
_PHRASES = (
    rf"no (?:back )?pain{_NOT_ABOUT_THE_SCORE}",
    r"pain ?-?free|free of pain|painless",
    r"(?:doesnt|does not|dont|do not|didnt|did not|it doesnt|no longer) hurt(?:s)?"
    r"(?! (?:as|that|so|too|much|very|like|a lot|when|unless|only|if|bad|as much))",
    r"not (?:hurting|painful|in (?:any )?pain)(?! (?:as|that|so|too|much|when|like))",
    rf"no (?:more|longer) (?:pain|in pain|hurting){_NOT_ABOUT_THE_SCORE}",
    r"pain (?:is |has )?(?:gone|went away|disappeared|resolved)",
    r"sin (?:nada de )?dolor|nada de dolor|ningun dolor|libre de dolor|no hay dolor",
    r"no (?:tengo|siento) (?:nada de |ningun )?dolor",
    r"(?:ya )?no (?:me )?duele(?: nada)?(?! (?:tanto|mucho|como|igual|cuando|mas|si))",
    r"no (?:hay )?dolor(?! (?:de|en|al|cuando|como|tan|mucho))",
    r"(?:el )?dolor (?:se (?:me )?(?:fue|quito)|desaparecio|ya no esta)|se (?:me )?quito el dolor",
)
_PATTERN = re.compile(r"\b(?:" + "|".join(_PHRASES) + r")\b")
_ALONE = frozenset({"none", "nothing", "nada", "ninguno", "ninguna", "nil"})
_DOUBTS = word_set(
    """
    not never isnt wasnt almost nearly hardly barely casi nunca little cant cannot couldnt
    without until no
    """
)
_CLAUSE_BREAK = re.compile(r"[.;!?\n,:]|\bbut\b|\bpero\b")


def find_pain_free(text: str, tokens: list[Token]) -> list[tuple[int, int]]:
    """Where the folded text says there is no pain, as (start, end) character offsets."""
    spans = [(m.start(), m.end()) for m in _PATTERN.finditer(text) if not _is_doubted(text, m)]
    words = content_words(tokens)
    if len(words) == 1 and words[0] in _ALONE:
        token = next(t for t in tokens if t.text == words[0])
        spans.append((token.start, token.end))
    return spans


def _is_doubted(text: str, match: re.Match[str]) -> bool:
    """Whether the words just before the phrase take it back ("not pain free", "casi")."""
    clause_start = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, match.start())), default=0)
    words = re.findall(r"[^\W\d_]+", text[clause_start : match.start()])[-3:]
    return bool(_DOUBTS.intersection(words))
