"""Warning signs in a patient's text, in English and Spanish, and whether they are denied.

"no fever", "sin fiebre", "I don't have any chills", "denies numbness or tingling" are
negated mentions; "no, I have a fever" and "no I can't feel my legs" are not (the "no"
answers something else). A negation carries over a short list ("no numbness or tingling",
"ni fiebre ni escalofríos"). "If I get a fever..." is treated as negated too: the patient is
asking, not reporting, so a human reads it without the emergency advice. "Sin" inside a
phrase is part of the sign ("me quedo sin aire"), and "can't talk without gasping" reports.

The phrases are data (vocabulary/warning_signs.toml); a sign said of someone else, of long
ago, of a title or in repeating the instructions is dropped (`warning_sign_context`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recovery.understanding.folding import Folded, fold, word_set
from recovery.understanding.warning_sign_context import (
    Context,
    is_an_instruction,
    is_from_a_show,
    is_in_a_title,
    is_long_ago,
    is_someone_elses,
    is_supposed,
    read_context,
)
from recovery.understanding.warning_sign_patterns import (
    FEVER,
    SIGNS,
    patterns_for,
    word_matches,
)

__all__ = ["SIGNS", "WarningSign", "find_warning_signs"]

_NEGATORS = word_set(
    """
    no not never without sin denies deny denied denying nor ni neither nunca tampoco zero
    negative ningun ninguna ninguno nada dont didnt doesnt havent hasnt hadnt arent isnt
    wasnt werent cant cannot wont if case caso whether none free nothing
    """
)
_BETWEEN = word_set(
    """
    any more real new signs sign of a an the my had have has been felt feel feeling feels
    noticed notice noticing experienced experience experiencing got get getting gotten having
    further other significant major serious obvious high low grade bad much really i ive im
    think believe seem to be do did does tengo he tenido tuve siento sentido sentia hay ha
    habido presento presentado me da dado dio de el la los las un una mas ya signos senales
    seen see longer yet creo que like some anything develop developed start starts go goes
    going gets legs leg feet foot toes chest back are is was were esta estan se ve ven veo
    le lo les tiene tenia tuvo ever notado sentido vuelto volvio vuelve
    sale salio salen sangrado tenido
    """
)
# Not "he": Spanish "no he tenido fiebre" is a denial.
_SUBJECTS = word_set("i im ive id yo its it my mine they she we thats that this")
_DENIALS_INSIDE = re.compile(r"\b(?:not|isnt|arent|no|doesnt|dont|never|wasnt)\b")
_BREAKS = frozenset(",.;:!?\n") | {"but", "pero", "though", "however", "aunque"}
_LOOK_BACK = 7
_OR = word_set("or nor ni o")
_WORD = re.compile(r"[^\W_]+|[^\s\w]|\n")
_GONE_AFTER = re.compile(
    r"\s*-?\s*(?:(?:is|are|were|has|have|its|had|finally|now|already|ya|se|me|le|totally|completely"
    r"|all|been) )*(?:gone|went away|stopped|resolved|broke|free|fue|quito|desaparecio|paso"
    r"|ceased|cleared|quitaron|fueron|pasaron|desaparecieron)(?!\w)"
)
# "dizzy after the anesthesia but that's gone": gone, said later in the sentence.
_GONE_LATER = re.compile(
    r"[^.!?\n]{0,50}?\b(?:(?:thats|that is|its|it is|it has|that has|which is|theyre|they are)"
    r"(?: all| now| completely| totally)? (?:gone|passed|resolved)|(?:it|that|they) (?:went away"
    r"|passed|stopped|cleared up|resolved)|ya (?:se me |se le |me |le )?(?:paso|quito|fue))\b"
)
# "se me quitó la calentura", "the fever broke": gone, said before the sign.
_GONE_BEFORE = re.compile(
    r"(?:se (?:me |le )?(?:quito|fue|paso|bajo)|(?:got rid|no more) of) (?:la |el |mi |the |my )?$"
)
_LIST_BETWEEN = re.compile(r"(?:\s|,|/|&|\b(?:or|and|nor|ni|o|y|any|other|no)\b)*")
# "can't finish a sentence without gasping": the "without" says the sign always comes.
_CANT_BEFORE = re.compile(
    r"\b(?:cant|cannot|can not|couldnt|could not|no puedo|no puede|no pude)\b"
)
_SPACES = re.compile(r"[ \t]{2,}")
_VERBS = re.compile(
    r"\b(?:feel|feels|felt|are|is|was|were|gave|hurts?|cant|can|keep|keeps|got|se|me|esta"
    r"|estan|siento|tengo|have|has|had)\b"
)


@dataclass(frozen=True)
class WarningSign:
    """A warning sign a text mentions, quoted in the patient's words, and whether denied."""

    sign: str
    phrase: str
    is_negated: bool


@dataclass(frozen=True)
class _Hit:
    """One matched phrase in the folded text."""

    sign: str
    start: int
    end: int
    is_negated: bool


def find_warning_signs(text: str) -> list[WarningSign]:
    """Every warning sign the text mentions, in order, each once per category."""
    folded = _single_spaced(fold(text))
    hits = _matches(folded.text)
    if not hits:
        return []
    context = read_context(folded.text)
    hits = [h for h in hits if not _is_titled(folded, h)]
    hits = _negate(folded.text, context, _patients_own(folded.text, context, hits))
    chosen: dict[str, _Hit] = {}
    for hit in hits:
        held = chosen.get(hit.sign)
        if held is None or (held.is_negated and not hit.is_negated):
            chosen[hit.sign] = hit
    ordered = sorted(chosen.values(), key=lambda hit: (hit.start, SIGNS.index(hit.sign)))
    return [
        WarningSign(h.sign, folded.quote(h.start, h.end).strip(), h.is_negated) for h in ordered
    ]


def _single_spaced(folded: Folded) -> Folded:
    """The folded text with each run of spaces (emoji leave some) made one space."""
    if _SPACES.search(folded.text) is None:
        return folded
    keep = [
        i
        for i, char in enumerate(folded.text)
        if not (char in " \t" and folded.text[i - 1 : i] in (" ", "\t"))
    ]
    text = "".join(folded.text[i] for i in keep).replace("\t", " ")
    return Folded(text, tuple(folded.origins[i] for i in keep), folded.original)


def _is_titled(folded: Folded, hit: _Hit) -> bool:
    """Whether the hit's words, as written, are part of a title ("Saturday Night Fever")."""
    start, end = folded.origins[hit.start], folded.origins[hit.end - 1] + 1
    return is_in_a_title(folded.original, start, end)


def _patients_own(text: str, context: Context, hits: list[_Hit]) -> list[_Hit]:
    """The hits that are the patient's, now: not someone else's, of long ago, or a film's."""
    return [
        hit
        for hit in hits
        if not is_someone_elses(context, hit.start, hit.end)
        and not is_long_ago(context, hit.start, hit.end)
        and not is_an_instruction(context, text, hit.start, hit.end)
        and not (hit.sign == FEVER and is_from_a_show(context, hit.start, hit.end))
    ]


def _matches(text: str) -> list[_Hit]:
    """Every phrase that names a sign, without overlaps inside one sign, in text order."""
    found: list[_Hit] = []
    for entry in patterns_for(text):
        for match in word_matches(entry.pattern, text):
            if entry.check is not None and not entry.check(text, match):
                continue
            is_negated = "neg" in entry.pattern.groupindex and match.group("neg") is not None
            if entry.may_deny_inside:
                is_negated = _DENIALS_INSIDE.search(match.group()) is not None
            found.append(_Hit(entry.sign, match.start(), match.end(), is_negated))
    kept: list[_Hit] = []
    for hit in sorted(found, key=lambda h: (-(h.end - h.start), h.start)):
        if not any(k.sign == hit.sign and hit.start < k.end and k.start < hit.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _negate(text: str, context: Context, hits: list[_Hit]) -> list[_Hit]:
    """The hits with their negation decided: by the words before, after, or the list they are in."""
    decided: list[_Hit] = []
    for hit in hits:
        is_negated = hit.is_negated or _is_denied_before(text, hit)
        is_negated = is_negated or is_supposed(context, text, hit.start, hit.end)
        is_negated = is_negated or _GONE_AFTER.match(text, hit.end) is not None
        is_negated = is_negated or _GONE_LATER.match(text, hit.end) is not None
        is_negated = (
            is_negated or _GONE_BEFORE.search(text, max(hit.start - 40, 0), hit.start) is not None
        )
        if not is_negated and decided:
            is_negated = _is_listed_after_denial(text, decided[-1], hit)
        decided.append(_Hit(hit.sign, hit.start, hit.end, is_negated))
    return decided


def _is_denied_before(text: str, hit: _Hit) -> bool:
    """Whether a negation ("no", "sin", "don't have any") comes just before, in the clause.

    It reaches back over an "or" and the word before it: "no weakness or numbness".
    """
    words = [m.group() for m in _WORD.finditer(text, 0, hit.start)][-_LOOK_BACK:]
    first = _WORD.search(text, hit.start, hit.end)
    following = first.group() if first else ""
    is_listed = False
    for word in reversed(words):
        if word in _BREAKS:
            return False
        if word in _NEGATORS:
            if word in ("without", "sin") and _is_after_cant(text, hit.start):
                return False
            return not (word == "no" and following in _SUBJECTS)
        if word in _OR and _VERBS.search(text, hit.start, hit.end) is None:
            is_listed = True
        elif is_listed:
            is_listed = False
        elif word not in _BETWEEN:
            return False
        following = word
    return False


def _is_after_cant(text: str, start: int) -> bool:
    """Whether a "can't" comes earlier in the clause: "can't talk without gasping"."""
    clause_start = max((m.end() for m in re.finditer(r"[,.;:!?\n]", text[:start])), default=0)
    return _CANT_BEFORE.search(text, clause_start, start) is not None


def _is_listed_after_denial(text: str, previous: _Hit, hit: _Hit) -> bool:
    """Whether a sign continues a denied list: "no numbness or tingling", "ni ... ni ..."."""
    if not previous.is_negated or previous.end > hit.start:
        return False
    between = text[previous.end : hit.start]
    is_list = _LIST_BETWEEN.fullmatch(between) is not None
    return is_list and _VERBS.search(text, hit.start, hit.end) is None
