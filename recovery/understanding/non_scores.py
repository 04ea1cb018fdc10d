"""Numbers in a reply that are not scores: dates, times, doses, counts, phone numbers.

A patient writes "took 2 tylenol at 3pm, pain 6": only the 6 answers the question.
"""

from __future__ import annotations

import re

from recovery.understanding.folding import word_set
from recovery.understanding.labels import paired_labels, question_numbers
from recovery.understanding.reply_words import Token

_UNITS = word_set(
    """
    s sec secs second seconds min mins minute minutes hour hours hr hrs h day days night
    nights week weeks wk wks month months year years yr yrs am pm oclock a.m p.m segundos
    minuto minutos hora horas dia dias noche noches semana semanas mes meses ano anos times
    time veces vez x
    mg mgs milligram milligrams mcg g gram grams ml cc pill pills tablet tablets tab tabs
    capsule capsules cap caps dose doses tylenol tylenols advil advils motrin ibuprofen aleve
    aspirin aspirins percocet percocets norco norcos oxy oxys oxycodone hydrocodone tramadol
    vicodin gabapentin naproxen meds med medication medications medicine medicines
    painkiller painkillers killers pastilla pastillas tableta tabletas capsula capsulas
    dosis gota gotas drops puffs shots shot injection injections patch patches parche
    parches p
    lb lbs pound pounds kg kilo kilos degree degrees deg grado grados f percent por ciento
    mile miles km block blocks cuadra cuadras step steps paso pasos feet foot ft meter
    meters metro metros yard yards lap laps vuelta vueltas flight flights stairs escalones
    round rounds trip trips cup cups glass glasses bottle bottles meal meals bite bites nap
    naps visit visits call calls text texts message messages question questions
    kid kids grandkid grandkids grandchildren child children son sons daughter daughters
    dog dogs cat cats people person persons friend friends visitor visitors nurse nurses
    doctor doctors hijo hijos hija hijas nieto nietos nieta nietas perro perros gato gatos
    persona personas amigo amigos leg legs hand hands pierna piernas pie pies mano manos
    levels vertebra vertebrae fracture fractures fractura fracturas surgery surgeries
    procedure procedures operation operations cigarettes cigarros beers cervezas thing
    things cosas star stars estrella estrellas hole holes hoyos inning innings game games
    set sets
    % ° $
    """
)
_MODIFIERS = word_set(
    """
    extra strength more pain regular small big little short long full whole half a my
    these those mas mis las los el la prescribed baby quick slow of de dolor for good bad great
    rough hard tough better worse few couple buenos malos buenas malas
    """
)
_ORDINAL_ENDINGS = word_set("st nd rd th ro do er da to vo mo")
# "the 2nd one", "3rd option": an ordinal that picks one of the offered answers.
_CHOICES = word_set("one option choice answer opcion uno una")
_BEFORE = word_set(
    """
    took take taking taken takes tome tomo tomando tomar tomamos every cada x $ day dia pod
    week semana room cuarto habitacion floor piso age edad apt ext since desde las slept
    ate drank dormi
    """
)
_MONTHS = word_set(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec enero febrero marzo abril mayo junio
    julio agosto septiembre setiembre octubre noviembre diciembre ene abr ago dic
    """
)
_TIME_VERBS = word_set(
    """
    woke wake waking up slept sleep bed took take ate left arrived came home started began
    appointment dinner lunch breakfast called call texted meds medicine pills nap
    went out left returned drove
    """
)
_TIME_AFTER = word_set("tonight morning afternoon evening manana tarde noche")
_ARTICLES = word_set(
    """
    no any every some the this that which each another el ese este next last other first
    second third fourth primer primera segunda segundo tercera tercero cuarta cuarto only
    little big good bad
    """
)
# Lengths of time say how long, not when: "3 days in a row at 5" is a score.
_DURATIONS = word_set(
    """
    s sec secs second seconds min mins minute minutes hour hours hr hrs h day days week weeks
    wk wks month months year years yr yrs segundos minuto minutos hora horas dia dias semana
    semanas mes meses ano anos row
    """
)
_DOSE_WORDS = (_UNITS - _DURATIONS) | _TIME_VERBS
# Where looking back for a dose or a time verb stops: "took pills, pain at 6" is a score.
_CLAUSE_ENDS = frozenset(".,;!?\n") | word_set("pain dolor level score is es its and y but pero")
# "May" and "mar" after a number are more often "may be" and Spanish "sea" than months.
_MONTHS_AFTER = _MONTHS - {"may", "mar"}
# Words that put a clock time after them: "woke up around 5", "at 4 it was 7".
_CLOCK_WORDS = word_set("at around by until till til")
_CLAUSE_OPENERS = word_set("and but then so y pero luego")
# Words after a number that keep it a score: "at 4 or 5", "around 3 maybe".
_SCORE_FOLLOWERS = word_set("or o to a - maybe ish now today hoy ahora")
_PHONE = re.compile(r"\+?\(?[0-9][0-9\s().-]{5,}[0-9]")
_SCALE_ENDS = frozenset({0.0, 1.0, 10.0})
_SCALE_JOINS = word_set("to - a al through thru hasta")
_SCALE_TOP_WORDS = word_set("worst peor max maximum maximo highest")


def find_non_scores(text: str, tokens: list[Token]) -> set[int]:
    """Indexes of the number tokens that are dates, times, doses, counts or codes."""
    found = _in_phone_numbers(text, tokens) | _scale_descriptions(tokens)
    for chain in _glued_chains(tokens):
        if _is_clock_or_date(tokens, chain):
            found.update(i for i in chain if tokens[i].kind == "number")
    for index, token in enumerate(tokens):
        if token.kind == "number" and _is_not_a_score(tokens, index):
            found.add(index)
    paired = paired_labels(tokens)
    return (found - paired.keys()) | question_numbers(tokens, paired)


def _is_not_a_score(tokens: list[Token], index: int) -> bool:
    """Whether the number at index is plainly something other than a score."""
    return (
        _is_counted(tokens, index)
        or _is_introduced(tokens, index)
        or _is_code(tokens, index)
        or _is_negative(tokens, index)
        or _is_denied(tokens, index)
    )


def _word(tokens: list[Token], index: int) -> str:
    """The text of the token at index, or "" past either end."""
    return tokens[index].text if 0 <= index < len(tokens) else ""


def _is_counted(tokens: list[Token], index: int) -> bool:
    """ "2 pills", "500mg", "3 extra strength tylenol", "2nd", "2 of my pills"."""
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is not None and following.is_glued and following.text in _ORDINAL_ENDINGS:
        return _word(tokens, index + 2) not in _CHOICES
    if _word(tokens, index + 1) in {"of", "de", "del"}:
        after = tokens[index + 2] if index + 2 < len(tokens) else None
        return after is not None and after.kind == "word" and after.text not in {"pain", "dolor"}
    if [_word(tokens, index + offset) for offset in (1, 2, 3)] == ["a", ".", "m"]:
        return True
    for offset in range(1, 4):
        word = _word(tokens, index + offset)
        if word in _UNITS:
            return True
        if word not in _MODIFIERS:
            return False
    return False


def _is_introduced(tokens: list[Token], index: int) -> bool:
    """ "took 2", "day 2", "since 3", "the one", "at 3" after a time verb."""
    before = _word(tokens, index - 1)
    if before in _BEFORE or before in _MONTHS or _word(tokens, index + 1) in _MONTHS_AFTER:
        return True
    if tokens[index].text in {"one", "uno", "una"} and _is_pronoun_one(tokens, index):
        return True
    if before in {"foot", "feet", "ft"} and index > 1 and tokens[index - 2].kind == "number":
        return True  # "6 foot 2" is a height
    if before in _CLOCK_WORDS and _DOSE_WORDS.intersection(_clause_before(tokens, index - 1)):
        return _word(tokens, index - 2) != "am"  # "I am at 4" says where the pain is
    if before == "at" and _word(tokens, index + 1) in {"in", "this", "last", "de"} | _TIME_AFTER:
        return True
    return _is_clock_lead(tokens, index)


def _is_clock_lead(tokens: list[Token], index: int) -> bool:
    """ "at 4 it was 7", "by 3 it was an 8": a time opening the clause, a score after it."""
    opener = _word(tokens, index - 2)
    is_opening = index < 2 or tokens[index - 2].kind == "mark" or opener in _CLAUSE_OPENERS
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if _word(tokens, index - 1) not in {"at", "by"} or not is_opening or following is None:
        return False
    if following.kind != "word" or following.text in _SCORE_FOLLOWERS:
        return False
    rest = tokens[index + 1 :]
    clause_end = next((i for i, t in enumerate(rest) if t.text in ".,;!?\n"), len(rest))
    return any(t.kind == "number" for t in rest[:clause_end])


def _is_pronoun_one(tokens: list[Token], index: int) -> bool:
    """ "the one", "the next one", "the 2nd one": "one" standing for a thing, not a number."""
    before = _word(tokens, index - 1)
    is_ordinal = before in _ORDINAL_ENDINGS and index > 1 and tokens[index - 1].is_glued
    return before in _ARTICLES or is_ordinal


def _clause_before(tokens: list[Token], index: int) -> list[str]:
    """The last few words before index, stopping at a clause mark ("took 2 pills at 8")."""
    words: list[str] = []
    for back in range(index - 1, max(index - 5, -1), -1):
        if tokens[back].text in _CLAUSE_ENDS:
            break
        words.append(tokens[back].text)
    return words


def _is_clock_or_date(tokens: list[Token], chain: list[int]) -> bool:
    """ "10:30", "11/23", "11/23/2024", "2024-11-23", "555-123-4567"."""
    marks = {tokens[i].text for i in chain if tokens[i].kind == "mark"}
    numbers = [tokens[i] for i in chain if tokens[i].kind == "number"]
    if ":" in marks and len(numbers) > 1:
        return True
    if len(numbers) > 2 and marks & {"/", "-", "."}:
        return True
    if marks == {"/"} and len(numbers) == 2:
        first, second = (n.value or 0.0 for n in numbers)
        return second not in {10.0, 4.0} and not (abs(first - second) == 1 and second <= 10)
    return False


def _glued_chains(tokens: list[Token]) -> list[list[int]]:
    """Runs of digit numbers and marks written together ("11/23/2024"), as token indexes."""
    chains: list[list[int]] = []
    for index, token in enumerate(tokens):
        if not _is_chain_part(token):
            continue
        if chains and chains[-1][-1] == index - 1 and token.is_glued:
            chains[-1].append(index)
        else:
            chains.append([index])
    return chains


def _is_chain_part(token: Token) -> bool:
    """Whether a token can be part of a written date, time or phone number."""
    return token.is_digits or token.text in {"/", "-", ":", "."}


def _is_code(tokens: list[Token], index: int) -> bool:
    """ "L4", "T12", "x2", "b12": a single letter glued to digits names a thing."""
    before = tokens[index - 1] if index > 0 else None
    return (
        tokens[index].is_glued
        and tokens[index].is_digits
        and before is not None
        and before.kind == "word"
        and len(before.text) == 1
    )


def _is_negative(tokens: list[Token], index: int) -> bool:
    """ "-3": a minus sign glued to the number, not between numbers or after a word."""
    if index == 0 or tokens[index - 1].text != "-" or not tokens[index].is_glued:
        return False
    dash = tokens[index - 1]
    before = tokens[index - 2] if index > 1 else None
    if before is None:
        return True
    return before.kind == "mark" or (before.kind == "number" and not dash.is_glued)


def _is_denied(tokens: list[Token], index: int) -> bool:
    """ "not a 7", "no es un 7": the patient says what the score is not."""
    words = [_word(tokens, index - offset) for offset in (1, 2, 3)]
    if words[0] == "not" or (words[0] in {"a", "an"} and words[1] == "not"):
        return True
    return words[:2] == ["es", "no"] or words == ["un", "es", "no"]


def _in_phone_numbers(text: str, tokens: list[Token]) -> set[int]:
    """Number tokens inside runs of seven or more digits (phone numbers)."""
    spans = [
        (m.start(), m.end())
        for m in _PHONE.finditer(text)
        if sum(char.isdigit() for char in m.group()) >= 7
    ]
    return {
        i
        for i, token in enumerate(tokens)
        if token.is_digits and any(start <= token.start < end for start, end in spans)
    }


def _scale_descriptions(tokens: list[Token]) -> set[int]:
    """ "on a scale of 1 to 10", "del 0 al 10", "10 being the worst": the scale, not a score."""
    found: set[int] = set()
    for index, token in enumerate(tokens):
        if token.kind != "number" or token.value not in _SCALE_ENDS:
            continue
        if token.value == 10.0 and _is_scale_top(tokens, index):
            found.add(index)
        if token.value == 0.0 and _word(tokens, index + 1) in {"being", "siendo", "="}:
            found.add(index)
        end = index + 2
        is_joined = _word(tokens, index + 1) in _SCALE_JOINS and end < len(tokens)
        if is_joined and token.value != 10.0 and tokens[end].value == 10.0:
            found.update({index, end})
    return found


def _is_scale_top(tokens: list[Token], index: int) -> bool:
    """ "10 being the worst", "10 = worst", "10 es el peor": the top of the scale explained."""
    following = [_word(tokens, index + offset) for offset in (1, 2, 3)]
    if following[0] in {"being", "siendo", "="}:
        return True
    return following[0] in {"is", "es"} and bool(_SCALE_TOP_WORDS.intersection(following[1:]))
