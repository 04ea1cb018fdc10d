"""Which question a number answers, by the word that labels it."""

from __future__ import annotations

import pytest

from recovery.understanding.folding import fold
from recovery.understanding.labels import Role, labelled_role, paired_labels
from recovery.understanding.reply_words import tokenize


def _role_of(text: str, number: str) -> Role | None:
    tokens = tokenize(fold(text).text)
    index = next(i for i, t in enumerate(tokens) if t.text == number)
    return labelled_role(tokens, index)


@pytest.mark.parametrize(
    ("text", "number", "role"),
    [
        ("pain is about 6", "6", "pain"),
        ("actividad: 2", "2", "activity"),
        ("2 for activity", "2", "activity"),
        ("8 para el dolor", "8", "pain"),
        ("getting around: 3", "3", "activity"),
        ("walking 2", "2", "activity"),
        ("walking is a 7", "7", None),
        ("walked to the store and back, a 3", "3", None),
        ("my back is a 6", "6", "pain"),
        ("3 for the second question", "3", "activity"),
        ("7 for the last few days", "7", None),
    ],
)
def test_a_number_takes_the_question_its_label_names(
    text: str, number: str, role: Role | None
) -> None:
    assert _role_of(text, number) == role


def test_letters_label_answers_only_when_both_are_labelled() -> None:
    assert set(paired_labels(tokenize("p 7 a 1")).values()) == {"pain", "activity"}
    assert paired_labels(tokenize("vitamin d 1000 and a 6")) == {}


def test_places_label_answers_only_when_both_are_labelled() -> None:
    assert set(paired_labels(tokenize("first one 6, second 2")).values()) == {"pain", "activity"}
    assert paired_labels(tokenize("the first 2 days were bad")) == {}
