"""When an answer in a reply is about: earlier, now, or on average.

"was 8 now 3" and "8 yesterday, 3 today" give two pain scores; the one about now wins, and
a correction beats both ("6 no wait 5", "8, sorry I meant 6"). Each
time word attaches to the nearest answer in its clause; ties go the way the clause reads
("was 8 now 3" puts time words before numbers, "8 yesterday 3 today" after them).
"""

from __future__ import annotations

from dataclasses import dataclass

from recovery.understanding.folding import word_set
from recovery.understanding.reply_words import Token

PAST = 0.0
AT_TIMES = 0.5
EARLIER_TODAY = 1.0
UNMARKED = 1.5
PRESENT = 2.0
NOW = 3.0
ON_AVERAGE = 3.5
CORRECTED = 4.0

_PHRASES: dict[float, str] = {
    PAST: """was|were|yesterday|yday|yest|yesterdays|earlier|before|previously|initially|from|
        last night|last week|the other day|at first|used to|antes|ayer|anoche|anteriormente|
        al principio|estaba|era|tenia|tuve|fue|hace rato|la semana pasada|el otro dia""",
    AT_TIMES: """worst|at worst|peak|peaked|max|maximum|highest|sometimes|at times|
        occasionally|a veces|lo peor|maximo|peor|best|at best|lowest|least|when|whenever|
        cuando|spikes|spiked|flares|flare|goes up|sube|minimo""",
    EARLIER_TODAY: """this morning|this am|earlier today|in the morning|esta manana|
        en la manana|por la manana|en la madrugada""",
    PRESENT: """today|tonight|this afternoon|this evening|is|its|it is|am|im|hoy|esta tarde|
        esta noche|es|esta|estoy|feels|feel|tiene""",
    NOW: """now|right now|currently|at the moment|atm|at present|presently|still|ahora|
        now its|now it is|now im|now i am|now is|now at|now down to|now down|ahora esta|
        ahora es|ahora estoy|ahora en|
        ahorita|ahora mismo|en este momento|actualmente|todavia|aun|sigue|sigo""",
    ON_AVERAGE: """average|avg|on average|mostly|overall|generally|usually|most of the time|
        most of the day|typically|all day|promedio|en promedio|mayormente|la mayor parte|
        casi siempre|en general|todo el dia|normalmente""",
    CORRECTED: """no wait|wait|i mean|i meant|meant|sorry|sorry i meant|actually|correction|oops|
        er|err|make that|make it|rather|no espera|espera|quiero decir|quise decir|digo|perdon|
        mejor dicho|corrijo|mas bien""",
}
_RANKS: dict[tuple[str, ...], float] = {
    tuple(phrase.split()): rank
    for rank, phrases in _PHRASES.items()
    for phrase in (part.strip() for part in phrases.split("|"))
}
_LONGEST = max(len(words) for words in _RANKS)
# Time words that always come before the value they are about ("was 8", "from 8", "now 3").
_LEADING_WORDS = word_set(
    """
    was were from antes estaba era fue tenia tuve now ahora ahorita currently still is its es
    esta todavia sigue sigo average avg mostly used wait mean meant sorry actually correction
    oops er err that it rather espera decir digo perdon dicho corrijo bien i no make quise
    mejor mas quiero
    """
)
_BOUNDARIES = frozenset(".;!?,\n") | word_set(
    "but pero though although however aunque and y then luego entonces"
)


@dataclass(frozen=True)
class Span:
    """Tokens first..last (inclusive) of something in a reply."""

    first: int
    last: int


def rank_recency(tokens: list[Token], anchors: list[Span]) -> list[float]:
    """How current each anchored answer is, from PAST to ON_AVERAGE (UNMARKED if unsaid)."""
    markers = _find_markers(tokens, anchors)
    clauses = _clauses(tokens)
    ranks = [UNMARKED] * len(anchors)
    best_distance = [len(tokens) + 1] * len(anchors)
    for span, rank in markers:
        owner = _owner(tokens, span, anchors, clauses, markers)
        if rank == CORRECTED:
            owner = _corrected(span, anchors, owner)
        if owner is None:
            continue
        distance = _distance(span, anchors[owner])
        if distance < best_distance[owner]:
            best_distance[owner], ranks[owner] = distance, rank
    return ranks


def _corrected(span: Span, anchors: list[Span], owner: int | None) -> int | None:
    """A correction is about the answer after it, even past a comma ("8, perdón, un 7")."""
    after = [i for i, anchor in enumerate(anchors) if anchor.first > span.last]
    return min(after, key=lambda i: anchors[i].first) if after else owner


def _is_bare_no(tokens: list[Token], anchors: list[Span], index: int) -> bool:
    """ "7... no, 6", "1 no 2": a lone "no" between two answers takes the first one back."""
    if tokens[index].text != "no":
        return False
    ends = {span.last for span in anchors}
    starts = {span.first for span in anchors}
    back = index - 1
    while back >= 0 and tokens[back].kind == "mark":
        back -= 1
    ahead = index + 1
    while ahead < len(tokens) and tokens[ahead].kind == "mark":
        ahead += 1
    return back in ends and ahead in starts


def _find_markers(tokens: list[Token], anchors: list[Span]) -> list[tuple[Span, float]]:
    """Time words and phrases, longest first, outside the anchored answers themselves."""
    taken = {i for span in anchors for i in range(span.first, span.last + 1)}
    markers: list[tuple[Span, float]] = []
    index = 0
    while index < len(tokens):
        if _is_bare_no(tokens, anchors, index):
            markers.append((Span(index, index), CORRECTED))
            index += 1
            continue
        found = _marker_at(tokens, index, taken)
        if found is None:
            index += 1
            continue
        markers.append(found)
        index = found[0].last + 1
    return markers


def _marker_at(tokens: list[Token], index: int, taken: set[int]) -> tuple[Span, float] | None:
    """The longest time phrase starting at index, if any."""
    for size in range(_LONGEST, 0, -1):
        indexes = range(index, index + size)
        if indexes[-1] >= len(tokens) or taken.intersection(indexes):
            continue
        words = tuple(tokens[i].text for i in indexes)
        if words in _RANKS:
            return Span(index, indexes[-1]), _RANKS[words]
    return None


def _clauses(tokens: list[Token]) -> list[int]:
    """The clause number of each token, for time words."""
    clauses, current = [], 0
    for token in tokens:
        current += token.text in _BOUNDARIES
        clauses.append(current)
    return clauses


def _owner(
    tokens: list[Token],
    span: Span,
    anchors: list[Span],
    clauses: list[int],
    markers: list[tuple[Span, float]],
) -> int | None:
    """The anchor a time word belongs to: the nearest in its clause, ties by reading order.

    Words like "was", "from" and "now" always go with the answer after them, if there is one.
    """
    clause = clauses[span.first]
    near = [i for i, anchor in enumerate(anchors) if clauses[anchor.first] == clause]
    is_prefix = tokens[span.first].text in _LEADING_WORDS
    after = [i for i in near if anchors[i].first > span.last]
    if is_prefix and after:
        near = after
    if not near:
        return None
    lead = is_prefix or _do_time_words_lead(span, anchors, near, clauses, markers)
    return min(near, key=lambda i: (_distance(span, anchors[i]), _side(span, anchors[i], lead)))


def _do_time_words_lead(
    span: Span,
    anchors: list[Span],
    near: list[int],
    clauses: list[int],
    markers: list[tuple[Span, float]],
) -> bool:
    """Whether this clause puts its first time word before its first answer."""
    clause = clauses[span.first]
    first_marker = min(m.first for m, _ in markers if clauses[m.first] == clause)
    return first_marker < min(anchors[i].first for i in near)


def _side(span: Span, anchor: Span, words_lead: bool) -> int:
    """0 when the anchor sits on the side this clause's time words point to, else 1."""
    is_after = anchor.first > span.last
    return 0 if is_after == words_lead else 1


def _distance(span: Span, anchor: Span) -> int:
    """How many tokens apart a time word and an answer are."""
    if anchor.first > span.last:
        return anchor.first - span.last
    return max(span.first - anchor.last, 0)
