"""Words that say which question a number answers: "pain 7", "activity: 2", "7 de dolor",
"3 for activity", "moving around: 3", "2 for the other question".

A label may come before the number (looking back past fillers such as "is about a") or
after it ("7 pain", "3 for activity"); "back" is the back that hurts, unless it tells a
trip home ("walked to the park and back, 3").
"""

from __future__ import annotations

from typing import Literal

from recovery.understanding.folding import word_set
from recovery.understanding.reply_words import Token

Role = Literal["pain", "activity"]

PAIN_WORDS = word_set("pain dolor hurts hurt hurting ache aches aching sore soreness duele")
_PAIN_MARKERS = PAIN_WORDS | {"back", "espalda", "painscore"}
_ACTIVITY_MARKERS = word_set(
    "activity actividad act activ actv activities actividades option opcion choice #"
    " mobility movilidad movement movimiento"
)
# Words that label the activity answer only when the number follows them closely
# ("moving around: 3", "walking 3"); further away they tell the day ("been walking, 5").
_CLOSE_ACTIVITY_LABELS = word_set("walking moving mobile caminando caminar moverme movimientos")
_CLOSE_FILLERS = word_set(": = - is was at a level about around like")
# "back" tells a trip home ("walked to the park and back, 3"), not the back that hurts.
_RETURN_WORDS = word_set(
    "and n & there came come coming went go going got get getting walked drove be been way y"
)
# Which question an ordinal names: "2 for the second question", "first one 6".
_QUESTION_WORDS = word_set("question questions q pregunta preguntas one uno una")
_QUESTION_ORDINALS: dict[str, Role] = {
    **dict.fromkeys(word_set("first 1st primera primer primero pain dolor"), "pain"),
    **dict.fromkeys(
        word_set("second 2nd other next last segunda segundo otra ultima activity actividad"),
        "activity",
    ),
}
# Ordinals that name a question on their own, just before its answer ("second: 2").
_PLACES = word_set("first second primera segunda primero segundo")
# Words that tie a number to the label after it: "3 for activity", "6 para el dolor".
_FOR_WORDS = word_set("for para on")
_LOOK_BACK_FILLERS = word_set(
    """
    is was at a an about around like level lvl score rating maybe probably of today now
    currently still : = - es de en esta un una como mas o menos nivel hoy ahora my the el mi
    its it feels feel i would say id rate rated as approximately approx roughly solid strong
    right stays stayed remains has been sitting sits down to tengo da , number numero on
    average avg overall mostly pretty much perhaps honestly with give intensity intensidad
    ronda anda sigue sigo holding steady hovering score: y actually really more closer
    definitely def up went gone goes going got dropped jumped rose spiked climbed bajo subio
    baja sube bajado subido ha
    """
)
_ARTICLES = word_set("the el la my mi")
# Single letters that label the answers when both are given so: "P6 A3", "D: 5 A: 2".
_LETTER_ROLES: dict[str, Role] = {"p": "pain", "d": "pain", "a": "activity"}
_LABEL_GAPS = word_set(": = - question pregunta q")
_NUMBERED_ROLES: dict[float, Role] = {1.0: "pain", 2.0: "activity"}
_ANSWER_ENDS = word_set("and y & p a d second segunda pregunta question la the")


def names_follow(tokens: list[Token]) -> bool:
    """Whether the reply names its answers after them ("7 pain 2 activity"), not before."""
    for index, token in enumerate(tokens):
        if token.text in PAIN_WORDS or token.text in _ACTIVITY_MARKERS:
            back = index - 1
            while back >= 0 and tokens[back].text in _FOR_WORDS | _ARTICLES:
                back -= 1
            value = tokens[back].value if back >= 0 else None
            return value is not None and 0 <= value <= 10
    return False


def labelled_role(tokens: list[Token], index: int, is_named_after: bool = False) -> Role | None:
    """The question a nearby word names: "pain 7", "dolor: 7", "activity 2", "7 de dolor"."""
    if (paired := paired_labels(tokens).get(index)) is not None:
        return paired
    if is_named_after and (named := _role_named_after(tokens, index, is_claimable=False)):
        return named
    for back in range(index - 1, max(index - 7, -1), -1):
        role = _label_role(tokens, back, index)
        if role is not None:
            return role
        if tokens[back].text not in _LOOK_BACK_FILLERS:
            break
    return _role_named_after(tokens, index)


def _label_role(tokens: list[Token], at: int, number: int) -> Role | None:
    """The question the word at ``at`` names for the number after it, if it names one."""
    word = tokens[at].text
    previous = tokens[at - 1].text if at > 0 else ""
    if word in _PAIN_MARKERS:
        return None if word == "back" and previous in _RETURN_WORDS else "pain"
    if word in _ACTIVITY_MARKERS:
        return "activity"
    if word in _QUESTION_WORDS:
        return _QUESTION_ORDINALS.get(_ordinal_before(tokens, at))
    is_label = word in _CLOSE_ACTIVITY_LABELS or (
        word in {"around", "about"} and previous in _CLOSE_ACTIVITY_LABELS | {"getting", "up"}
    )
    is_close = all(t.text in _CLOSE_FILLERS for t in tokens[at + 1 : number])
    is_level = tokens[number].value in {1.0, 2.0, 3.0, 4.0}
    return "activity" if is_label and is_close and is_level else None


def _numbered_question(tokens: list[Token], at: int) -> Role | None:
    """ "second", "2nd", "pregunta 2": the question named by its place, if one is."""
    word = tokens[at].text
    if word in _PLACES:
        return _QUESTION_ORDINALS[word]
    previous = tokens[at - 1].text if at > 0 else ""
    if word in {"st", "nd"} and tokens[at].is_glued:
        return _QUESTION_ORDINALS.get(_ordinal_before(tokens, at + 1))
    if tokens[at].kind == "number" and previous in _QUESTION_WORDS:
        return _NUMBERED_ROLES.get(tokens[at].value or -1.0)
    return None


def _ordinal_before(tokens: list[Token], at: int) -> str:
    """The ordinal word before a token ("second question"), "2nd" read as "second"."""
    previous = tokens[at - 1] if at > 0 else None
    if previous is None:
        return ""
    if previous.text in {"st", "nd"} and previous.is_glued and at > 1:
        return {1.0: "first", 2.0: "second"}.get(tokens[at - 2].value or -1.0, "")
    return previous.text


def _role_named_after(tokens: list[Token], index: int, is_claimable: bool = True) -> Role | None:
    """ "7 pain", "2 activity", "3 for activity", "2 for the other question": a role word
    after the number that no other number claims."""
    is_tied = False
    for ahead in range(index + 1, min(index + 5, len(tokens))):
        word = tokens[ahead].text
        role: Role | None = "pain" if word in PAIN_WORDS else None
        role = "activity" if word in _ACTIVITY_MARKERS else role
        if role is None and is_tied and _is_ordinal_answer(tokens, ahead):
            role = _QUESTION_ORDINALS[word]
        if role is not None:
            claimed = (
                is_claimable
                and not is_tied
                and any(t.kind == "number" for t in tokens[ahead + 1 : ahead + 3])
            )
            return None if claimed else role
        is_tied = is_tied or word in _FOR_WORDS
        is_connector = word in {"of", "de", "in", "en", "back"} or word in _FOR_WORDS
        if not (is_connector or (is_tied and word in _ARTICLES)):
            return None
    return None


def _is_ordinal_answer(tokens: list[Token], at: int) -> bool:
    """ "for the second", "for the other question": an ordinal that names a question."""
    following = tokens[at + 1] if at + 1 < len(tokens) else None
    is_end = following is None or following.kind == "mark" or following.text in _QUESTION_WORDS
    return tokens[at].text in _QUESTION_ORDINALS and is_end


def paired_labels(tokens: list[Token]) -> dict[int, Role]:
    """ "P6 A3", "first 5, second 2", "pregunta 1: 6, pregunta 2: 3": numbers labelled by a
    letter or by their question's place, when both answers are labelled so."""
    for find_label in (_letter_role, _numbered_question):
        found: dict[int, Role] = {}
        for index in range(len(tokens)):
            role = find_label(tokens, index)
            answer = _answer_after(tokens, index)
            if role is not None and answer is not None and _is_plain_answer(tokens, answer, role):
                found[answer] = role
        if set(found.values()) == {"pain", "activity"}:
            return found
    return {}


def question_numbers(tokens: list[Token], paired: dict[int, Role]) -> set[int]:
    """The numbers that number a question ("pregunta 1: 6"), once answers are paired."""
    if not paired:
        return set()
    return {
        index
        for index, token in enumerate(tokens)
        if token.kind == "number"
        and index not in paired
        and index > 0
        and tokens[index - 1].text in _QUESTION_WORDS
    }


def _is_plain_answer(tokens: list[Token], index: int, role: Role) -> bool:
    """Whether a labelled number is on its question's scale and stands alone ("P6 A3"),
    not a count ("the first 2 days") or a dose ("vitamin D 1000")."""
    value = tokens[index].value
    top = 10 if role == "pain" else 4
    if value is None or not (0 if role == "pain" else 1) <= value <= top:
        return False
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is None:
        return True
    return following.kind in {"mark", "number"} or following.text in _ANSWER_ENDS


def _letter_role(tokens: list[Token], index: int) -> Role | None:
    """The answer a single letter stands for ("P", "A", "D"), if it is one."""
    token = tokens[index]
    return _LETTER_ROLES.get(token.text) if token.kind == "word" else None


def _answer_after(tokens: list[Token], index: int) -> int | None:
    """The number just after a label, past a colon or a question word ("first question 5")."""
    ahead = index + 1
    while ahead < len(tokens) and ahead - index < 3 and tokens[ahead].text in _LABEL_GAPS:
        ahead += 1
    is_number = ahead < len(tokens) and tokens[ahead].kind == "number"
    return ahead if is_number else None
