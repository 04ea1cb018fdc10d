"""Replies that correct an answer already given: "sorry, I meant 6", "perdón, quise decir 6"."""

from __future__ import annotations

import re

from recovery.understanding.folding import fold

_CORRECTION = re.compile(
    r"\b(?:i meant|meant to (?:say|put|type|write)|i mean|i ment|actually|correction|typo"
    r"|wrong (?:number|one|answer)|oops|my bad|sorry (?:it|its|it was|that was|should)"
    r"|should (?:have been|be|say)|quise decir|quiero decir|quice decir|perdon|disculpe|mas bien"
    r"|me equivoque|equivocacion|error|corrijo|correccion|no es|no era)\b"
)


def is_correction(text: str) -> bool:
    """Whether a reply says it corrects something the patient sent before."""
    return _CORRECTION.search(fold(text).text) is not None
