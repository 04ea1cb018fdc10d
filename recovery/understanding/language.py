"""Which of our two languages a text from a stranger is written in, as well as words tell."""

from __future__ import annotations

import re

from recovery.understanding.folding import fold, word_set

_SPANISH = word_set(
    """hola buenos buenas dias tardes noches gracias quien quién es soy eres este esta
    estoy numero mensaje mensajes por favor que qué como cómo donde dónde usted ustedes
    tengo tiene dolor espalda mi mis me el la los las una un con para pero porque y o
    señor senora señora doctor clinica llamar llame necesito quiero sí si no se sé"""
)
_ENGLISH = word_set(
    """hi hello hey good morning thanks thank you who is this are am i my me the a an
    with for but because and or number message messages please what how where doctor
    clinic call need want yes no know pain back"""
)
_SPANISH_MARKS = re.compile(r"[ñ¿¡áéíóú]")


def reads_as_spanish(text: str) -> bool:
    """Whether the text has more Spanish than English in it (ties go to English)."""
    words = re.findall(r"[a-z]+", fold(text).text)
    spanish = sum(word in _SPANISH for word in words)
    english = sum(word in _ENGLISH for word in words)
    spanish += len(_SPANISH_MARKS.findall(text.lower()))
    return spanish > english
