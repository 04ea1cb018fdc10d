"""Guessing the language of a text from a stranger."""

import pytest

from recovery.understanding.language import reads_as_spanish


@pytest.mark.parametrize(
    ("text", "is_spanish"),
    [
        ("Hola buenas tardes", True),
        ("quien es?", True),
        ("¿Quién habla?", True),
        ("numero equivocado, gracias", True),
        ("hi who is this", False),
        ("wrong number, thanks", False),
        ("7", False),
        ("", False),
        ("ok", False),
    ],
)
def test_a_text_reads_as_spanish_only_with_more_spanish_than_english(
    text: str, is_spanish: bool
) -> None:
    assert reads_as_spanish(text) is is_spanish
