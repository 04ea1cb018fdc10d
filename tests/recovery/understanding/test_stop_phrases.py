"""Plain-language requests to stop the texts, matched in folded text."""

from __future__ import annotations

import pytest

from recovery.understanding.folding import fold
from recovery.understanding.stop_phrases import STRONG, WEAK


def _asks(text: str) -> bool:
    folded = fold(text).text
    return STRONG.search(folded) is not None or WEAK.search(folded) is not None


@pytest.mark.parametrize(
    "text",
    [
        "take my husband off the list please",
        "I want to be taken off",
        "please remove my mom",
        "dont send me anything else",
        "I want to leave the program",
        "no le escriban más a mi abuela",
        "no me vuelvan a mandar mensajes",
        "quiero salirme del programa",
    ],
)
def test_asking_to_stop_in_other_words_is_matched(text: str) -> None:
    assert _asks(text)


@pytest.mark.parametrize(
    "text",
    [
        "take me off the muscle relaxer",
        "the stitches will be removed monday",
        "ya no quiero estar acostada",
        "can I take my brace off?",
        "no le manden la cuenta",
    ],
)
def test_stopping_a_treatment_is_not_matched(text: str) -> None:
    assert not _asks(text)
