"""Reactions that phones send as text: `Liked “…”`, `Le gustó “…”`, `Reacted 👍 to “…”`.

An iPhone reacting to a message sends the reaction to phones that don't show reactions as
a text that quotes the message reacted to; Android phones do the same the other way. The
quote is our own text, so a reaction is never an answer, a keyword or a warning sign.
"""

from __future__ import annotations

import re

_VERBS = (
    r"liked|loved|disliked|emphasi[sz]ed|laughed at|questioned|removed an? \w+ from"
    r"|reacted(?: with)? \S{1,8} to|reacted to"
    r"|le gusto|le encanto|le gusta|le encanta|no le gusto|le disgusto|destaco|enfatizo"
    r"|le hizo (?:reir|gracia)|le divirtio|le sorprendio|le asombro|le entristecio|le enojo"
    r"|se rio de|se ha reido de|cuestiono|pregunto por|hizo enfasis en|reacciono con \S{1,8} a"
    r"|reacciono \S{1,8} a|ha reaccionado con \S{1,8} a|elimino (?:un|el) \w+ de"
    r"|quito (?:un|el) \w+ de"
)
_OPENING = "\"\u201c\u201d\u00ab\u201e'\u2018\u2019"
_CLOSING = "\"\u201c\u201d\u00bb'\u2018\u2019"
_REACTION = re.compile(
    rf"^\s*(?:{_VERBS})\s*[{_OPENING}](?P<quoted>.*)[{_CLOSING}]\s*$", re.IGNORECASE | re.DOTALL
)
_ACCENTS = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")


def is_reaction(text: str) -> bool:
    """Whether a text is a phone's reaction quoting another message."""
    return _REACTION.match(text.translate(_ACCENTS)) is not None
