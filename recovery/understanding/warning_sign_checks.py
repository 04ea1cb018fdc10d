"""Checks on the words around a warning-sign match: where swelling is, what a temperature is.

Each check takes the folded text and the match, and says whether the match stands.
"""

from __future__ import annotations

import re

# Where the needle went in, and what patients call it.
SITE = (
    r"(?:(?:needle|injection|puncture|procedure) (?:site|spot|area|hole|mark)"
    r"|needle|injection|puncture|incision|wound|cut|site|spot|area|hole|mark|bandage"
    r"|band aid|bandaid|dressing|stitch|stitches|sutures?|steri strips?|back|skin"
    r"|where (?:the needle(?: went in| was)?|they (?:went in|injected|put the needle|stuck me"
    r"|poked me))"
    r"|herida|sitio|piquete|pinchazo|curita|venda|vendaje|parche|puncion|cortada|puntos?"
    r"|espalda|piel|donde (?:me )?(?:pusieron|entro|metieron|picaron|inyectaron)"
    r"(?: la aguja| la inyeccion)?)"
)
_OTHER_BODY = re.compile(
    r"\b(?:ankles?|feet|foot|legs?|hands?|fingers?|face|eyes?|belly|stomach|tummy|lips?"
    r"|gums?|throat|tongue|tobillos?|pies?|piernas?|manos?|dedos|cara|ojos?|panza|estomago"
    r"|barriga|labios?|garganta|encias)\b"
)
_WEATHER = re.compile(r"\b(?:weather|outside|outdoors|out there|afuera|clima|calor|oven)\b")
_SITE_WORD = re.compile(rf"\b{SITE}\b")
_CLAUSE = re.compile(r"[.;!?\n]|\bbut\b|\bpero\b")


def _clause(text: str, match: re.Match[str]) -> str:
    """The clause of folded text around a match."""
    start = max((m.end() for m in _CLAUSE.finditer(text, 0, match.start())), default=0)
    following = _CLAUSE.search(text, match.end())
    return text[start : following.start() if following else len(text)]


_WARMTH = re.compile(r"\b(?:hot|warm|caliente)\b")
_OTHER_LOOKS = re.compile(
    r"red|roj|swol|swel|inflam|hinch|inchad|puffy|ooz|drain|leak|weep|seep|discharg|pus|bump|lump"
    r"|bult|bolit|infect|supur|sangr|colorad|enrojec"
)
_HEAT = re.compile(
    r"\b(?:heating pad|heat|heater|heated|pad|shower|bath|blanket|compress|pack|sun|hot water"
    r"|bolsa|cojin|almohadilla|ducha|bano|cobija|sol)\b"
)


def is_not_from_heat(text: str, match: re.Match[str]) -> bool:
    """A back that is only warm from a heating pad or a shower is not a sign at the site."""
    found = match.group()
    if _WARMTH.search(found) is None or _OTHER_LOOKS.search(found) is not None:
        return True
    return _HEAT.search(_clause(text, match)) is None


def is_at_site(text: str, match: re.Match[str]) -> bool:
    """Swelling with no other body part named is taken to be at the needle site."""
    clause = _clause(text, match)
    return _SITE_WORD.search(clause) is not None or _OTHER_BODY.search(clause) is None


def is_bathroom_accident(text: str, match: re.Match[str]) -> bool:
    """An "accident" counts only with the bathroom in the same clause."""
    return re.search(
        r"\b(?:pee|peed|poop|pooped|bathroom|restroom|toilet|potty|bladder|bowels?|pants|bed"
        r"|underwear|diaper|myself|urine|stool)\b",
        _clause(text, match),
    ) is not None and not re.search(r"\b(?:car|fall|fell|slipped)\b", _clause(text, match))


def is_fever_reading(text: str, match: re.Match[str]) -> bool:
    """A body temperature of 100.4 F (38 C) or more is a fever; 98.6 or the weather is not."""
    value = float(match.group("value"))
    is_weather = _WEATHER.search(_clause(text, match)) is not None
    return (100.4 <= value <= 110 or 38 <= value <= 43) and not is_weather


def is_a_fever(text: str, match: re.Match[str]) -> bool:
    """ "Fever", but not "hay fever" or "cabin fever"."""
    return re.search(r"\b(?:hay|cabin|spring|scarlet)\s*$", text[: match.start()]) is None


def is_bleeding(text: str, match: re.Match[str]) -> bool:
    """Blood, but not blood pressure, blood sugar, blood thinners or a blood test."""
    before = text[max(match.start() - 25, 0) : match.start()]
    return re.search(r"\b(?:presion|azucar|analisis|examen|prueba|nivel|tipo)\b", before) is None
