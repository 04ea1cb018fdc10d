"""Plain-language requests to stop the texts, in English and Spanish, as regular expressions
over folded text.

STRONG phrases ask to stop wherever they sit ("please stop texting me, my pain is 4",
"take my mom off your list", "no le manden más mensajes a mi papá"); WEAK ones ("please
stop", "leave me alone") only count in a message with no answer in it. "Stop" about pain,
pills or a brace ("the pain won't stop", "can I stop wearing the brace?") is neither: each
phrase names the texts, the list, or us as the ones texting.
"""

from __future__ import annotations

import re

_THINGS = (
    r"(?:texts?|txts?|messages?|msgs?|sms|text messages?|notifications?|alerts?|reminders?"
    r"|check[ -]?ins?|surveys?)"
)
_COSAS = r"(?:mensajes?|mensajitos?|textos?|sms|recordatorios?|notificaciones|alertas)"
_CONTACT = (
    r"(?:text|texting|txt|txting|message|messaging|msg|msging|contact|contacting|send|sending"
    r"|email|emailing|call|calling|bother|bothering|spam|spamming|write|writing)"
)
# Who may be taken off the list: the patient, or the one the family texts for.
_WHO = (
    r"(?:me|us|him|her|them|this (?:number|phone)|mom|dad|mama|papa|(?:my|our|his|her)"
    r" (?:\w+ )?(?:number|phone|cell|name|mom|mother|mama|dad|father|papa|husband|hubby|wife"
    r"|son|daughter|grandma|grandmother|grandpa|grandfather|grandson|granddaughter|parents?"
    r"|aunt|uncle|brother|sister|patient|partner|loved one|client))"
)
# What we may be asked to take someone off: a list, the texts, the program, or nothing said.
_LISTS = (
    r"(?:(?:this|the|your|these|that|my|her|his|our|ur|yalls|all) )*(?:\w+ )?(?:list|lists"
    r"|texts?|txts?|messages?|msgs?|program|study|service|system|database|thing|notifications?"
    r"|alerts?|reminders?|check[ -]?ins?|surveys?|contacts?)"
)
_COURTESY_END = (
    r"(?:,? (?:please|pls|plz|now|thanks|thank you|thx|ty|asap|already|anymore|any more"
    r"|por favor|gracias|ya))*\W*$"
)
# "off this list", "from your texts", "off, I'm healed", "off please": off what we send.
_TAKEN_OFF = (
    rf"(?:(?:off|from|out of)(?: of)? {_LISTS}\b"
    rf"|(?:off|from|out of) (?:this|that|it|here|there){_COURTESY_END}"
    r"|off(?: (?:now|please|pls|asap|already))*\s*(?:[.,!;]|$))"
)
_SCHEDULE_ONLY = (
    r"(?!(?: (?:me|us|mas|more|any|these|this|estos|los|sus|mensajes|messages|texts|textos))*"
    r" (?:at|before|after|so early|so late|this early|this late|during|on weekends"
    r"|until|till|in the morning|at night|today|tonight|tan temprano|en la noche|de noche"
    r"|en la madrugada|antes de|despues de|a esta hora|hoy|esta noche|los domingos))"
)
_ENGLISH = (
    rf"\b(?:stop|quit) (?:\w+ ){{0,2}}?{_CONTACT}\b",
    r"\b(?:not|no longer) interested(?: in (?:this|these|the|your|any) (?:\w+ )?(?:texts?"
    r"|messages?|program|service))?(?!\s+(?:in|to|on|at)\b)|\bremove me(?: please)?\W*$",
    rf"\bno need to (?:keep )?{_CONTACT}\b",
    rf"\b(?:stop|cancel|end|halt|turn off|disable|quit) (?:all |these |the |your |this |my"
    rf" |receiving |getting )*{_THINGS}\b",
    rf"\b(?:dont|do not|never|quit|cease) (?:ever )?{_CONTACT} (?:me|us|this number"
    r"|my (?:phone|number|cell))\b",
    rf"\b(?:dont|do not|never) (?:ever )?{_CONTACT} (?:me |us )?(?:anything|any more|anymore"
    r"|again|nothing)\b",
    r"\b(?:want|wish|like|need|going) to (?:leave|quit|exit|drop out of|withdraw from|get out"
    r" of|stop) (?:the|this|your) (?:\w+ )?(?:program|study|list|service|texts?|messages)\b",
    rf"\bno more {_THINGS}\b|\bno {_THINGS} please\b|\benough (?:with )?(?:the |these |"
    rf"your )?{_THINGS}\b|\bdone with (?:these|the|this|your) {_THINGS}\b",
    rf"\b(?:remove|take|delete|drop|unenroll|unenrol|unsubscribe|get) {_WHO} {_TAKEN_OFF}",
    r"\b(?:opt|count|sign) (?:me|us|her|him|them) (?:out|off)\b",
    rf"\b(?:(?:like|want|wish|ask|asking|love) to be|(?:i|we|she|he) (?:would |could |can )?"
    rf"(?:be|get)|(?:have|get) (?:me|us|her|him|them)) (?:removed|taken off|unsubscribed"
    rf"|unenrolled|opted out|deleted|dropped)(?: {_TAKEN_OFF}|{_COURTESY_END})",
    rf"\b(?:remove|delete|erase|lose) {_WHO}{_COURTESY_END}",
    r"\b(?:remove|delete|erase|lose) (?:this|my|her|his|the|our) (?:phone |cell )?number\b",
    rf"\b(?:i|we|she|he) (?:just )?wants? out(?: of (?:this|here|it|{_LISTS}))?{_COURTESY_END}",
    rf"(?:^|\b(?:please|pls|plz|just|you can|can you|could you|would you|will you)) stop"
    rf" (?:all )?(?:these|them|those|it all){_COURTESY_END}",
    rf"\b(?:dont|do not|no longer) (?:want|need) (?:these|any(?:more| more)|any of these)"
    rf"{_COURTESY_END}",
    r"\b(?:dont|do not|no longer|never) (?:want|wish|need|like) to (?:get|receive|getting"
    r"|receiving) (?:these|them|this|anything|any(?:more| more))\b",
    r"\b(?:done|finished|through) with (?:this|these|the|your) (?:\w+ )?(?:program|study"
    r"|service|survey|surveys|check[ -]?ins?)\b",
    r"\bunsubscribe\b|\bopt(?:ing)?[ -]?out\b|\b(?:revoke|withdraw) (?:my )?consent\b",
    rf"\b(?:dont|do not|no longer|never) (?:want|wish|need|like)(?: to)?(?: (?:get|receive"
    rf"|getting|receiving))?(?: (?:these|this|the|your|any|anymore|any more|more))?"
    rf" {_THINGS}\b",
    r"\b(?:dont|do not|no longer) (?:want|wish|need|like) to (?:participate|take part|continue"
    r"|do this|be (?:part|in (?:this|the|your)))\b",
    r"\b(?:cancel|end|stop|quit) (?:my )?(?:subscription|enrollment|participation|the program"
    r"|this program)\b",
    rf"\b(?:want|make|need|please|can|could) (?:the |these |your |all )?(?:\w+ )?{_THINGS}"
    r" (?:to )?stop\b",
)
_SPANISH_PROGRAM = r"(?:esto|este programa|el programa|la lista|esta lista|el sistema)"
_SPANISH = (
    rf"\b(?:favor de |por favor )?no (?:enviar|mandar|escribir) (?:mas )?(?:{_COSAS}|nada)\b",
    r"\bno (?:me |nos )?(?:manden|mande|mandes|envien|envie|envies|escriban|escriba|escribas"
    r"|texteen|textee|contacten|contacte|molesten|moleste|llamen)\b",
    r"\bno (?:le|les|la|lo) (?:manden|mande|envien|envie|escriban|escriba|texteen|contacten"
    r"|molesten|llamen)(?: (?:mas|nada|mensajes|textos|ningun|a (?:mi|su|el|ella))\b|\W*$)",
    r"\bno (?:me |le |les |nos |la |lo )?(?:sigan|siga) (?:mandando|enviando|escribiendo)\b",
    rf"\bno (?:quiero|deseo|necesito) (?:(?:recibir|seguir recibiendo|mas|que me manden"
    rf"|que me envien) )*(?:(?:mas|estos|los|sus|ningun|ningunos) )?{_COSAS}\b",
    rf"\bno (?:quiero|deseo|quiere|desea) (?:participar|seguir|continuar|estar)"
    rf"(?: (?:en|con) {_SPANISH_PROGRAM})?(?:,? (?:gracias|por favor))*\W*$",
    rf"\bno (?:quiero|quiere|deseo|desea) (?:seguir|continuar|estar) (?:en|con)"
    rf" (?:{_SPANISH_PROGRAM}|los mensajes)\b",
    r"\bno (?:quiero|deseo) que me (?:manden|envien|escriban|contacten|molesten)\b",
    r"\b(?:quit|sac|saq|borr|elimin|remuev)\w*me (?:de|del) (?:la |su |esta |sus |este )?"
    r"(?:lista|programa|sistema|mensajes|textos|servicio)\b",
    r"\b(?:quit|sac|saq|borr|elimin|remuev)\w* (?:a )?(?:mi|su|este|el) (?:\w+ )?(?:de|del)"
    r" (?:la |su |esta |sus |este )?(?:lista|programa|sistema|mensajes|textos|servicio)\b",
    r"\b(?:borr|elimin|quit)\w* (?:mi|su|este|el) numero\b",
    r"\bno me interesan?(?: (?:esto|estos mensajes|los mensajes|el programa))?"
    r"(?:,? (?:gracias|por favor))*\W*$",
    r"\b(?:den|de|denle|denla|denlo|darle|darla|darlo|dale) de baja\b",
    r"\b(?:denme|deme|darme|dar|doy|me doy|me dan) de baja\b",
    r"\brevoco (?:mi )?consentimiento\b",
    r"\bno (?:me |le |nos |les )?(?:vuelvan|vuelva) a (?:escribir|mandar|enviar|textear"
    r"|contactar|llamar|molestar)\w*\b",
    r"\b(?:salir|salirme|salirse|retirarme|retirarse) (?:del|de este|de la|de esta)"
    r" (?:programa|sistema|lista|estudio)\b",
    r"\b(?:dejen|deje|dejes|paren|pare|dejar) de (?:mandar|enviar|escribir|textear"
    r"|molestar|contactar|llamar)\w*\b",
    rf"\bno mas {_COSAS}\b|\bbasta de {_COSAS}\b",
    rf"\b(?:cancelar|cancelen|cancele|parar|paren|detener|detengan|suspender|suspendan)"
    rf" (?:los |estos |sus |mis |el |la )?(?:{_COSAS}|suscripcion|servicio|programa)\b",
)
STRONG = re.compile(
    "|".join(rf"(?:{pattern}){_SCHEDULE_ONLY}" for pattern in (*_ENGLISH, *_SPANISH))
)
WEAK = re.compile(
    r"\b(?:stop|quit) asking(?! for)\b|\bleave me alone\b|\b(?:please|pls|plz) stop\b"
    r"|\bstop (?:please|pls|plz)\b|\bdejenme en paz\b"
    r"|\bya no (?:quiero|deseo)(?:,? (?:gracias|por favor|mas|nada))*\W*$"
    r"|\b(?:want|wanna|would like|need) to (?:stop|quit|unsubscribe|opt out|cancel)\W*$"
)
