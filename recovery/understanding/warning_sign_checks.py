"""Checks on the words around a warning-sign match: where swelling is, what a temperature is.

Each check takes the folded text and the match, and says whether the match stands.
"""

from __future__ import annotations

import re

from recovery.understanding.warning_sign_words import WORDS

_OTHER_BODY = re.compile(
    r"\b(?:ankles?|feet|foot|legs?|hands?|fingers?|face|eyes?|belly|stomach|tummy|lips?"
    r"|gums?|throat|tongue|tobillos?|pies?|piernas?|manos?|dedos|cara|ojos?|panza|estomago"
    r"|barriga|labios?|garganta|encias)\b"
)
_WEATHER = re.compile(
    r"\b(?:weather|outside|outdoors|out there|afuera|clima|calor|oven|house|in here|ac|a/c"
    r"|air conditioning|snow|snowing|winter|icy|hace frio|hace calor|fan|thermostat|heater"
    r"|ventilador|aire acondicionado|calefaccion)\b"
)
_SITE_WORD = re.compile(rf"\b(?:{WORDS['site'].regex})\b")
_CLAUSE = re.compile(r"[.;!?\n]|\bbut\b|\bpero\b")
_SENTENCE = re.compile(r"[.;!?\n]")


def _sentence(text: str, match: re.Match[str]) -> str:
    """The sentence of folded text around a match, with its question mark."""
    start = max((m.end() for m in _SENTENCE.finditer(text, 0, match.start())), default=0)
    following = _SENTENCE.search(text, match.end())
    return text[start : following.end() if following else len(text)]


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
        r"|underwear|diaper|myself|urine|stool|bano|orina|pipi|pis|calzones|panal|pantalones"
        r"|cama|sanitario)\b",
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


def is_not_the_weather(text: str, match: re.Match[str]) -> bool:
    """Freezing or hot as a body feels, not as the weather or the house is."""
    return _WEATHER.search(_clause(text, match)) is None


def names_the_site(text: str, match: re.Match[str]) -> bool:
    """Hot to the touch where the needle went in: the clause names the site."""
    return _SITE_WORD.search(_clause(text, match)) is not None


def is_away_from_the_site(text: str, match: re.Match[str]) -> bool:
    """Hot to the touch with no site named: the body is, a fever."""
    return not names_the_site(text, match)


_ALMOST = re.compile(
    r"\b(?:almost|nearly|about to|afraid|scared|fear|feared|worried|worry|worries|might|could"
    r"|dont want to|so i dont|so i wont|so she doesnt|so he doesnt|so she wont|so he wont|risk"
    r"|prevent|avoid|careful|casi|por poco|miedo|temor|no quiero|para no|riesgo|evitar"
    r"|prevenir|cuidado|preocupa)\b(?: \w+){0,3} ?$"
)
_THINGS = re.compile(
    r"\b(?:bandage|band aid|bandaid|dressing|tape|scab|gauze|phone|glasses|pill|pills|cup|glass"
    r"|remote|it|that|something|stuff|picture|leaves|leaf|tree|rain|snow|book|plate|temperature"
    r"|temp|fever|pain|number|price|prices|blood pressure|pressure|sugar|curita|venda|telefono"
    r"|celular|vaso|pastilla|lentes|algo|eso|cabello|pelo|chair|table|lamp|walker|cane|vase"
    r"|bottle|box|plant|shelf|tv|silla|mesa|lampara|andador|baston|cuadro|appointment"
    r"|appointments|visit|birthday|holiday|date|day|cita|cumpleanos|niagara)\b"
    r"(?: (?:off|down|out))? ?$"
)


def is_a_fall(text: str, match: re.Match[str]) -> bool:
    """A person falling: not "almost fell", not "the bandage fell off"."""
    before = text[max(match.start() - 40, 0) : match.start()]
    return _ALMOST.search(before) is None and _THINGS.search(before) is None


_CONFUSED_ABOUT = re.compile(
    r" (?:about|with|by|over|regarding|as to|on|which|what|how|whether|if|con|sobre|por|de|acerca"
    r"|cual|que|entre)\b"
)
_APOLOGY = re.compile(r"\b(?:sorry|apologi\w*|my bad|perdon|disculp\w*|lo siento)\b")


_FIRST_PERSON = re.compile(r"\b(?:im|i am|i was|i get|i got|i feel|i m|estoy|ando|me siento)\s*$")
_MESSAGES = re.compile(
    r"\?|\b(?:text|texts|message|messages|question|questions|number|numbers|send|reply|answer"
    r"|schedule|instructions|pills?|meds|medications?|app|link|form|mensajes?|preguntas?"
    r"|numeros?|horario|instrucciones|pastillas?|medicinas?|contestar|responder)\b"
)


def is_a_confused_mind(text: str, match: re.Match[str]) -> bool:
    """Confused as a mind is: not about which pill to take, not "sorry for the confusion",
    not a patient confused by our texts ("I'm confused, what number do I send?")."""
    if _CONFUSED_ABOUT.match(text, match.end()) is not None:
        return False
    if _APOLOGY.search(_clause(text, match)) is not None:
        return False
    is_own = _FIRST_PERSON.search(text, max(match.start() - 12, 0), match.start()) is not None
    return not (is_own and _MESSAGES.search(_sentence(text, match)) is not None)
