"""Replies that correct an earlier answer."""

from __future__ import annotations

import pytest

from recovery.understanding.corrections import is_correction


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sorry I meant 6", True),
        ("Actually 3", True),
        ("oops, 8 not 5", True),
        ("perdón, quise decir 6", True),
        ("me equivoqué, es 4", True),
        ("sorry, pain is 9 not 7", True),
        ("hit the wrong key, should be 3", True),
        ("ignore my last text, it's a 5", True),
        ("not 7, 5", True),
        ("meant 2", True),
        ("lo siento, es un 8", True),
        ("me confundí, era 3", True),
        ("sorry for the late reply", False),
        ("not much today", False),
        ("6", False),
        ("walked to the store", False),
        ("I mostly stayed home", False),
    ],
)
def test_a_reply_that_corrects_an_answer_is_recognized(text: str, expected: bool) -> None:
    assert is_correction(text) is expected
