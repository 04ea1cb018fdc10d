"""Replies that correct an answer already given: "sorry, I meant 6", "perdón, quise decir 6"."""

from __future__ import annotations

import re

from recovery.understanding.folding import fold

_CORRECTION = re.compile(
    r"\b(?:meant|i mean|i ment|actually|correction|typo"
    r"|wrong (?:number|one|answer|key|button)|oops|my bad|sorry,? (?:it|its|it was|that was"
    r"|should|pain|my|the|i|[0-9])|should (?:have been|be|say|read|have said)|supposed to (?:be"
    r"|say)|scratch that|ignore (?:that|my last|the last)|disregard|fat ?finger\w*"
    r"|not [0-9]+\W+[0-9]+|quise (?:decir|poner)|queria (?:decir|poner)|debi (?:decir|poner)"
    r"|quiero decir|quice decir|perdon|disculpe|lo siento|mas bien|me equivoque|me confundi"
    r"|equivocacion|error|corrijo|correccion|no es|no era)\b"
)


def is_correction(text: str) -> bool:
    """Whether a reply says it corrects something the patient sent before."""
    return _CORRECTION.search(fold(text).text) is not None
