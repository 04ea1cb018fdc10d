"""SMS keywords (STOP, START, HELP and their Spanish forms) and plain requests to stop texting.

A keyword is the whole message: "STOP", " stop. ", "'Stop!'", "opt-out". Since April 2025 a
patient may also revoke consent in their own words ("please stop texting me", "no me manden
mensajes"); `is_stop_request` finds those, and `is_start_request` finds "START again".
"Stop" inside an answer ("stop the pain please, 9", "the pain won't stop", "I stopped my
pills") is neither.
"""

from __future__ import annotations

import re
from enum import StrEnum

from recovery.understanding.folding import fold, word_set
from recovery.understanding.reply_words import tokenize


class Keyword(StrEnum):
    """What a keyword asks for."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


_KEYWORDS: dict[str, Keyword] = {
    **dict.fromkeys(
        word_set("stop stopall unsubscribe cancel end quit optout revoke alto parar cancelar"),
        Keyword.OPT_OUT,
    ),
    **dict.fromkeys(word_set("start yes unstop"), Keyword.OPT_IN),
    **dict.fromkeys(word_set("help info ayuda"), Keyword.HELP),
}
_EDGE_MARKS = " \t\n\"'`.,;:!?¡¿()[]*~-_"
_POLITE = word_set(
    """
    please pls plz thanks thank you thx ty now por favor gracias ya ok okay already asap
    immediately right it this all me them these messages texts now sir maam
    """
)
# Alone (with courtesies), these plainly say "stop": "basta", "ya basta", "no más por favor".
_ENOUGH = frozenset({"basta", "pare", "paren", "no mas", "no more", "baja", "de baja"})
# "START again", "restart texts please": asking for the texts back, a keyword and its frame.
_RESUME = word_set("start unstop restart resume")
_AGAIN = word_set("again back up texting texts messages mensajes otra vez de nuevo")
_JOKES = re.compile(r"\b(?:jk|j k|just kidding|kidding|es broma|bromeando|broma|just joking)\b")
_LAUGHS = re.compile(r"\b(?:lol|lmao|haha\w*|jaja\w*|hehe\w*)\b")

_THINGS = (
    r"(?:texts?|txts?|messages?|msgs?|sms|text messages?|notifications?|alerts?|reminders?"
    r"|check ?ins?|surveys?)"
)
_COSAS = r"(?:mensajes?|mensajitos?|textos?|sms|recordatorios?|notificaciones|alertas)"
_CONTACT = (
    r"(?:text|texting|txt|txting|message|messaging|msg|msging|contact|contacting|send|sending"
    r"|email|emailing|call|calling|bother|bothering|spam|spamming|write|writing)"
)
_SCHEDULE_ONLY = (
    r"(?!(?: (?:me|us|mas|more|any|these|this|estos|los|sus|mensajes|messages|texts|textos))*"
    r" (?:at|before|after|so early|so late|this early|this late|during|on weekends"
    r"|until|till|in the morning|at night|today|tonight|tan temprano|en la noche|de noche"
    r"|en la madrugada|antes de|despues de|a esta hora|hoy|esta noche|los domingos))"
)
_STRONG = re.compile(
    "|".join(
        rf"(?:{pattern}){_SCHEDULE_ONLY}"
        for pattern in (
            rf"\b(?:stop|quit) (?:\w+ ){{0,2}}?{_CONTACT}\b",
            r"\b(?:not|no longer) interested(?: in (?:this|these|the|your|any) (?:\w+ )?(?:texts?"
            r"|messages?|program|service))?(?!\s+(?:in|to|on|at)\b)|\bremove me(?: please)?\W*$",
            rf"\bno need to (?:keep )?{_CONTACT}\b",
            rf"\b(?:stop|cancel|end|halt|turn off|disable|quit) (?:all |these |the |your |this |my"
            rf" |receiving |getting )*{_THINGS}\b",
            rf"\b(?:dont|do not|never|quit|cease) (?:ever )?{_CONTACT} (?:me|us|this number"
            r"|my (?:phone|number|cell))\b",
            rf"\bno more {_THINGS}\b|\bno {_THINGS} please\b|\benough (?:with )?(?:the |these |"
            rf"your )?{_THINGS}\b|\bdone with (?:these|the|this|your) {_THINGS}\b",
            r"\b(?:remove|take|delete|drop|unenroll|unenrol|unsubscribe|opt) (?:me|my (?:number"
            r"|phone|name)|this number)(?: out)? (?:from|off|of)\b|\bopt me out\b",
            r"\bunsubscribe\b|\bopt(?:ing)?[ -]?out\b|\b(?:revoke|withdraw) (?:my )?consent\b",
            rf"\b(?:dont|do not|no longer|never) (?:want|wish|need|like)(?: to)?(?: (?:get|receive"
            rf"|getting|receiving))?(?: (?:these|this|the|your|any|anymore|any more|more))?"
            rf" {_THINGS}\b",
            r"\b(?:dont|do not|no longer) want to (?:participate|be (?:part|in this)|continue"
            r"|do this)\b|\b(?:cancel|end|stop|quit) (?:my )?(?:subscription|enrollment"
            r"|participation|the program|this program)\b",
            r"\b(?:lose|delete|erase|remove) my (?:phone )?number\b",
            rf"\b(?:want|make|need|please|can|could) (?:the |these |your |all )?(?:\w+ )?{_THINGS}"
            r" (?:to )?stop\b",
            r"\bno (?:me )?(?:manden|mande|mandes|envien|envie|envies|escriban|escriba|escribas"
            r"|texteen|textee|contacten|contacte|molesten|moleste|llamen)\b|\bno (?:me )?(?:sigan"
            r"|siga) (?:mandando|enviando|escribiendo)\b",
            rf"\bno (?:quiero|deseo|necesito) (?:(?:recibir|seguir recibiendo|mas|que me manden"
            rf"|que me envien) )*(?:(?:mas|estos|los|sus|ningun|ningunos) )?{_COSAS}\b",
            r"\bno (?:quiero|deseo) (?:participar|seguir|continuar|estar en)\b|\bno (?:quiero"
            r"|deseo) que me (?:manden|envien|escriban|contacten|molesten)\b",
            r"\b(?:quit|sac|saq|borr|elimin|remuev)\w*me (?:de|del) (?:la |su |esta |sus |este )?"
            r"(?:lista|programa|sistema|mensajes|textos|servicio)\b",
            r"\b(?:denme|deme|darme|dar|doy|me doy|me dan) de baja\b|\brevoco (?:mi )?"
            r"consentimiento\b",
            r"\b(?:dejen|deje|dejes|paren|pare|dejar) de (?:mandar|enviar|escribir|textear"
            r"|molestar|contactar|llamar)\w*\b",
            rf"\bno mas {_COSAS}\b|\bbasta de {_COSAS}\b|\b(?:cancelar|cancelen|cancele|parar|paren"
            rf"|detener|detengan|suspender|suspendan) (?:los |estos |sus |mis |el |la )?"
            rf"(?:{_COSAS}|suscripcion|servicio|programa)\b",
        )
    )
)
_WEAK = re.compile(
    r"\bstop asking\b|\bleave me alone\b|\b(?:please|pls|plz) stop\b|\bstop (?:please|pls|plz)"
    r"\b|\bdejenme en paz\b|\bya no (?:quiero|deseo)\b"
    r"|\b(?:want|wanna|would like|need) to (?:stop|quit|unsubscribe|opt out|cancel)\W*$"
)
_NEGATED = re.compile(
    r"\b(?:dont|do not|never|not|cant|cannot|couldnt|didnt)(?: want (?:you |them )?to"
    r"| need to)? ?$"
)
# Spanish puts "no" before the verb it denies: "no dejen de escribirme" wants the texts.
_SPANISH_DENIED = re.compile(r"\bno $")
_SPANISH_VERBS = ("dej", "par", "cancel", "deten", "suspend", "quit", "sac", "borr", "elimin")


def match_keyword(text: str) -> Keyword | None:
    """The keyword the whole message is, trimmed and case-folded, if it is one."""
    core = fold(text).text.strip(_EDGE_MARKS)
    if core in _KEYWORDS:
        return _KEYWORDS[core]
    joined = re.sub(r"[\s-]+", "", core)
    if joined != core and joined in _KEYWORDS and len(core.split()) <= 2:
        return _KEYWORDS[joined]
    return None


def is_stop_request(text: str) -> bool:
    """Whether the message plainly asks us to stop texting (not a keyword)."""
    if match_keyword(text) is not None:
        return False
    folded = fold(text).text
    if _JOKES.search(folded):
        return False
    clauses = re.split(r"[.!?\n]+", folded)
    if any(_is_polite_keyword(clause) for clause in clauses) and not _has_number(folded):
        return True
    if any(not _is_negated(folded, m.start()) for m in _STRONG.finditer(folded)):
        return True
    is_plain = _LAUGHS.search(folded) is None and not _has_number(folded)
    return is_plain and any(not _is_negated(folded, m.start()) for m in _WEAK.finditer(folded))


def is_help_request(text: str) -> bool:
    """Whether the message asks for help in so many words: "help please", "ayuda por favor"."""
    if match_keyword(text) is not None:
        return False
    words = re.findall(r"[^\W\d_]+", fold(text).text)
    meant = [word for word in words if word not in _POLITE]
    return bool(meant) and all(_KEYWORDS.get(word) == Keyword.HELP for word in meant)


def is_start_request(text: str) -> bool:
    """Whether the message asks for the texts again with a few more words: "START again"."""
    if match_keyword(text) is not None:
        return False
    words = re.findall(r"[^\W\d_]+", fold(text).text)
    meant = [word for word in words if word not in _POLITE and word not in _AGAIN]
    return bool(meant) and all(word in _RESUME for word in meant)


def _is_polite_keyword(folded: str) -> bool:
    """ "STOP please", "stop stop stop", "alto por favor": opt-out keywords with courtesies."""
    words = re.findall(r"[^\W\d_]+", folded)
    meant = [word for word in words if word not in _POLITE]
    if " ".join(meant) in _ENOUGH:
        return True
    return bool(meant) and all(_KEYWORDS.get(word) == Keyword.OPT_OUT for word in meant)


def _is_negated(folded: str, start: int) -> bool:
    """Whether the request is denied ("don't stop texting me", "no dejen de escribirme")."""
    before = folded[max(start - 30, 0) : start]
    if folded.startswith(_SPANISH_VERBS, start) and _SPANISH_DENIED.search(before):
        return True
    return _NEGATED.search(before) is not None


def _has_number(folded: str) -> bool:
    """Whether the message carries a number (it is then an answer, not a request)."""
    return any(token.kind == "number" for token in tokenize(folded))
