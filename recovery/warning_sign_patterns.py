"""How patients say each warning sign, in English and Spanish, as patterns over folded text.

Folded text is lower case without accents or apostrophes ("can't" is "cant", "débil" is
"debil"). A pattern may name a group `neg` for a negation inside the phrase ("legs don't
feel weak"); a check may refuse a match on its surroundings ("blood pressure").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from recovery.warning_sign_checks import (
    SITE,
    is_a_fever,
    is_at_site,
    is_bathroom_accident,
    is_bleeding,
    is_fever_reading,
    is_not_from_heat,
)

LEG_WEAKNESS = "leg weakness"
NUMBNESS = "leg numbness or tingling"
CANT_WALK = "can't walk or feel legs"
CONTINENCE = "loss of bladder or bowel control"
CHEST_PAIN = "chest pain"
BREATHING = "shortness of breath or trouble breathing"
FEVER = "fever or chills"
NEEDLE_SITE = "redness, swelling or drainage at the needle site"
BLEEDING = "bleeding"
SUDDEN_PAIN = "sudden new severe pain"
SIGNS = (
    LEG_WEAKNESS,
    NUMBNESS,
    CANT_WALK,
    CONTINENCE,
    CHEST_PAIN,
    BREATHING,
    FEVER,
    NEEDLE_SITE,
    BLEEDING,
    SUDDEN_PAIN,
)

Check = Callable[[str, "re.Match[str]"], bool]

_LEGS = (
    r"(?:legs?|thighs?|knees?|feet|foot|toes?|calf|calves|lower (?:body|half|extremities)"
    r"|piernas?|pies?|muslos?|rodillas?|dedos de los pies|pantorrillas?|patas)"
)
_OWNER = (
    r"(?:(?:my|both|the|one|left|right|her|his|their|mis|las|la|los|el|ambas|ambos|una|izquierda"
    r"|derecha|su|sus) )*"
)
_MORE = (
    r"(?:(?:so|very|really|too|a bit|a little|kinda|kind of|sort of|pretty|super|extremely"
    r"|quite|more|muy|bien|un poco|algo|tan|mas) )*"
)
_CANT = r"(?:cant|cannot|can not|can t|couldnt|could not|unable to|not able to)"
_NOT = r"(?:(?P<neg>not|dont|do not|arent|isnt|no|never) )?"
_BE = (
    r"(?:(?:feel|feels|felt|feeling|are|r|is|were|was|seem|seems|got|getting|get|have been"
    r"|has been|keep getting|se sienten|se siente|estan|esta|se ponen|se me ponen|siento) )?"
)
_BREATHE = (
    r"(?:breath|breathe|breathing|breth|brethe|breathin|breating|brething|catch(?:ing)? my breath"
    r"|get (?:my |a |enough )?(?:breath|air)|take a (?:deep |full )?breath)"
)
_SITE_LOOK = (
    r"(?:red|reddish|redness|rojo|roja|rojiza|colorad[oa]|enrojecid[oa]|swollen|swelling"
    r"|swelled|swolen|sweling|puffy|inflamed|inflamad[oa]|hinchad[oa]|inchad[oa]|hinchazon"
    r"|hot|warm|caliente|oozing|draining|leaking|weeping|seeping|discharge|pus|bump|lump"
    r"|bulto|bolita|infected|infectad[oa]|supura|supurando|sangrando)"
)
_ALONE_SITE_LOOK = (
    r"(?:redness|reddened|enrojecid[oa]s?|enrojecimiento|swollen|swelling|sweling|swolen"
    r"|inflamed|inflamad[oa]|inflamacion|hinchad[oa]|inchad[oa]|hinchazon|inchazon)"
)
_DRAINAGE = (
    r"(?:oozing|ooze|oozes|oozed|pus|drainage|draining|weeping|seeping|infected|infection"
    r"|infectad[oa]|infeccion|supura|supurando|supuracion|supurar|secrecion|drenando|drena"
    r"|leaking (?:fluid|pus|liquid)|yellow (?:fluid|stuff|liquid)|liquido amarillo"
    r"|(?:warm|hot|caliente) (?:to|al) (?:the )?(?:touch|tacto))"
)
_LEAKING = (
    r"(?:green|yellow|white|cloudy|smelly|stinky) (?:fluid|stuff|liquid|gunk|goo|discharge)"
    r"|(?:le |me )?(?:sale|salio|saliendo|esta saliendo) (?:agua|liquido|materia|algo)"
)
_SEVERE = (
    r"(?:severe|sharp|stabbing|shooting|terrible|horrible|excruciating|intense|unbearable"
    r"|awful|agonizing|extreme|searing|tearing|ripping|crushing|really bad|very bad|bad)"
)
_SUDDEN = r"(?:sudden|suddenly|all of a sudden|out of nowhere|out of the blue|abruptly)"
_PAIN = r"(?:pain|pains|hurt|hurts|hurting|ache|spasm|spasms|worse)"
_FORTE = (
    r"(?:(?:muy|bien|mas|tan) )?(?:fuerte|intenso|insoportable|horrible|terrible|punzante|agudo)"
)


@dataclass(frozen=True)
class SignPattern:
    """One way of saying a warning sign."""

    sign: str
    pattern: re.Pattern[str]
    check: Check | None = None
    may_deny_inside: bool = False


def _patterns(
    sign: str, *regexes: str, check: Check | None = None, may_deny_inside: bool = False
) -> list[SignPattern]:
    """Compiled patterns for one sign, each starting and ending at a word's edge."""
    return [
        SignPattern(sign, re.compile(rf"(?<!\w)(?:{r})(?!\w)"), check, may_deny_inside)
        for r in regexes
    ]


SIGN_PATTERNS: list[SignPattern] = [
    *_patterns(
        LEG_WEAKNESS,
        rf"{_OWNER}{_LEGS} {_BE}{_NOT}{_BE}{_MORE}(?:weak|weaker|weakness|debiles|debil"
        r"|flojas?|flojos?|sin fuerza|wobbly|shaky|unsteady|heavy|dead|like lead|pesadas?)",
        rf"{_LEGS}\b[^.!?\n]{{0,40}}?\b(?:las|los) (?:siento|tengo|noto) {_MORE}(?:debiles|debil"
        r"|flojas?|flojos?|sin fuerza|pesadas?)",
        rf"(?:weak|weakness|weaker|debilidad|debil|debiles|sin fuerza|no tengo fuerza|falta de"
        rf" fuerza) (?:(?:in|of|on|en|de|las|los) )+{_OWNER}{_LEGS}",
        rf"weak {_LEGS}|foot drop|drop foot|dragging (?:my )?(?:foot|leg)|(?:foot|leg) (?:is )?"
        r"dragging",
        rf"{_OWNER}{_LEGS} (?:(?:keep|keeps|kept|just|are|is|were|was|have|has|started|start"
        r"|sometimes|still) )*(?:gave out|give out|giving out|given out|gave way"
        r"|give way|giving way|buckled|buckle|buckling|collapsed|went out|wont hold me(?: up)?"
        r"|wont support me|(?:feel |are |feels )?like (?:jelly|rubber|noodles|jello))",
        r"se me (?:doblan|doblaron|aflojan|aflojaron|vencen|vencieron) las (?:piernas|rodillas)",
        r"(?:me fallan|me fallaron|no me sostienen|no me aguantan) las piernas",
        r"las piernas no me (?:sostienen|aguantan)",
        rf"{_CANT} (?:lift|raise) {_OWNER}{_LEGS}",
    ),
    *_patterns(
        NUMBNESS,
        r"numb|numbness|numbnes|numness|numbess|numbnesss|numbed|numbish|nunmbness",
        r"tingl(?:e|es|ed|ing|in|y|ey|ling|ly)|tinglng|tinglig|tinling|tingeling",
        r"pins (?:and|&|n) needles?|pins y agujas",
        rf"{_OWNER}{_LEGS} (?:\w+ ){{0,2}}?(?:(?:fell|falling|falls|fall|is|are|feels?) )?asleep",
        rf"siento (?:\w+ ){{0,2}}?(?:hormigas|agujas|alfileres)|(?:hormigas|agujas|alfileres"
        rf"|piquetes) en {_OWNER}{_LEGS}",
        r"hormigueos?|ormigueos?|hormiguean|hormiguea|hormigueando|cosquilleos?",
        r"(?:entumid|entumecid|adormecid|adormesid)[oa]s?|entumecimiento|adormecimiento"
        r"|adormesimiento|entumimiento",
        rf"se me (?:duermen|durmieron|duerme|durmio) {_OWNER}{_LEGS}|{_LEGS} dormid[oa]s?",
        rf"{_CANT} feel (?:(?:my|her|his|the) )?(?:butt|bottom|buttocks|behind|rear|groin"
        r"|crotch|privates|private parts|genitals)|(?:no siento|no me siento)"
        r" (?:las |mis |la |mi )?(?:nalgas|pompis|sentaderas|entrepierna|partes)",
        rf"(?:less|decreased|reduced|weird|strange|funny) (?:feeling|sensation) in {_OWNER}"
        rf"{_LEGS}",
    ),
    *_patterns(
        CANT_WALK,
        rf"{_CANT} (?:really |even )?walk(?! (?:far|much|very|long|for long|fast|as|outside"
        r"|yet|without|too|a lot|that far|the dog|my dog|more than|around the block))",
        rf"{_CANT} (?:stand|stand up|bear weight|put weight on {_OWNER}{_LEGS})"
        r"(?! (?:the|it|this|that|him|her|being|when|how|to|for long|long|up for long))",
        rf"{_CANT} (?:feel|move) {_OWNER}{_LEGS}",
        rf"(?:no|lost|loss of|lose|losing|zero) (?:feeling|sensation) (?:in|on) {_OWNER}{_LEGS}",
        rf"{_OWNER}{_LEGS} (?:wont|dont|do not|will not|arent|are not|cant|wouldnt) (?:move"
        r"|work|working|respond|hold me up|support me)",
        r"paraly[sz]ed|paralisis|paralizad[oa]s?",
        r"(?:barely|hardly|can barely|can hardly|trouble|difficulty|hard time|problems?"
        r"|struggling|struggle) (?:walking|walk|to walk|standing)|(?:hard|difficult) to walk",
        r"no (?:puedo|pude|podia) (?:caminar|andar|pararme|ponerme de pie|mover (?:las|mis)"
        r" piernas|estar de pie|sostenerme)(?! (?:mucho|lejos|tanto|rapido|afuera|sin))",
        r"no siento (?:nada en )?(?:las|mis|la|el|los|mi) (?:piernas?|pies?)(?! (?:debiles"
        r"|debil|flojas|dormidas|raras|mal|pesadas|entumid|entumecid|adormecid|con|igual))",
        r"no tengo (?:sensibilidad|sensacion) en (?:las|mis) (?:piernas|pies)",
        r"no me siento (?:las|mis) (?:piernas|pies)",
        r"no me (?:puedo|pude|podia) (?:parar|poner de pie|sostener)",
        r"las piernas no me responden|(?:casi no puedo|me cuesta|dificultad para|batallo para)"
        r" (?:caminar|andar)",
    ),
    *_patterns(
        CONTINENCE,
        r"(?:peed|pee d|peeing|pees|pissed|pissing|wet|wets|wetting|soiled|soiling|pooped|pooping"
        r"|pooed|shit|shat|messed|messing|crapped) (?:on |in )?(?:myself|my self|herself|himself"
        r"|themselves|(?:my|her|his|the) (?:pants|bed|underwear|diaper|clothes))",
        rf"(?:{_CANT}|no|lost|losing|lose|loss of|trouble|difficulty) (?:control|controlling"
        r"|hold|holding) (?:(?:of|over) )?(?:my )?(?:bladder|bowels?|urine|pee|poop|stool"
        r"|stools|bm|bowel movements?|it in|my water)",
        r"(?:lost|lose|losing|loss of|no) (?:control (?:of|over) (?:my )?)?(?:bladder|bowels?)"
        r" control|(?:lost|losing|lose|loss of) control of (?:my )?(?:bladder|bowels?)",
        r"incontinent|incontinence|incontinencia|leaking (?:urine|pee|stool)|urine leak(?:ing|s)?",
        r"(?:couldnt|could not|didnt|did not|cant|cannot|wont) make it to the (?:bathroom|toilet"
        r"|restroom|potty)|no (?:alcance|alcanzo|alcanse|llegue) (?:a llegar )?al bano",
        r"(?:trouble|difficulty|problems?|issues?|hard time) (?:peeing|urinating|pooping"
        r"|with (?:my )?(?:bladder|bowels?|peeing|urinating|urine))",
        r"(?:bladder|bowels?|urinary|peeing)(?: (?:or|and|/) (?:bladder|bowels?))? (?:problems?"
        r"|issues?|trouble)",
        r"(?P<neg>no|not any|zero|ningun) (?:more )?accidents?",
        rf"(?:{_CANT}|havent been able to|trouble|difficulty|hard to|hard time) (?:pee|urinate"
        r"|piss|go pee|pass urine|empty my bladder|poop|have a bowel movement)",
        r"(?:havent|have not|didnt|did not) (?:peed|urinated|pee|urinate)",
        r"(?:bathroom|bladder|bowel|pee|poop|potty|toilet) accidents?|accidents? (?:in|on) (?:my"
        r"|the) (?:pants|bed|underwear|diaper|chair|clothes)",
        r"me (?:orine|hice pipi|hice pis|hice del bano|hice popo|hice caca|hice encima|hice en"
        r" (?:los|la|el|mi|mis) (?:pantalones|calzones|cama|ropa|panal))",
        r"me (?:moje|mojo) (?:encima|en la cama|la ropa|los pantalones|sin querer)",
        r"no (?:controlo|puedo controlar|puedo aguantar|aguanto|pude aguantar|pude controlar)"
        r" (?:la |el |mi |mis |las )?(?:orina|pipi|pis|vejiga|intestinos?|heces|popo|caca"
        r"|esfinteres|ganas de orinar)",
        r"se me (?:sale|salio|escapa|escapo|salen|escapan) (?:la |el )?(?:orina|pipi|pis|popo"
        r"|caca|heces)",
        r"perdi (?:el )?control (?:de|del) (?:la |los |mis |mi )?(?:vejiga|intestinos?"
        r"|esfinteres|orina)",
        r"no (?:puedo|he podido|pude) (?:orinar|hacer pipi|hacer pis|hacer del bano)"
        r"|no he (?:orinado|hecho pipi)",
    ),
    *_patterns(
        CONTINENCE,
        r"(?:had|having|have|an|an?other) (?:an? |some |little )?accidents?",
        check=is_bathroom_accident,
    ),
    *_patterns(
        CHEST_PAIN,
        r"chest (?:(?P<neg>doesnt|does not|isnt|is not|dont|not) )?(?:(?:has been|is|keeps"
        r"|kept|started|been|still) )?(?:pains?|pian|hurts?"
        r"|hurting|ache|aches|aching|tightness|pressure|discomfort|is tight|feels tight"
        r"|feels heavy|heaviness|is hurting|feels funny)",
        r"(?:pain|pains|pressure|tightness|tight|heaviness|ache|hurts?|hurting|discomfort)"
        r" (?:in|on|across|around) (?:my |the )?chest|heart (?:pain|hurts)|tight chest",
        r"chest (?:\w+ )?(?:tight|heavy)",
        r"dolor (?:de|en el|del|al|en mi|de mi) (?:pecho|torax)|(?:me )?duele (?:el|mi) pecho",
        r"(?:presion|opresion|apreton|peso|ardor|dolorcito) (?:en el|en mi|del|de) pecho"
        r"|pecho apretado|me aprieta el pecho",
    ),
    *_patterns(
        BREATHING,
        r"short(?:ness)? (?:of|o) brea?th(?:e)?|out of breath|breathless(?:ness)?|winded"
        r"|gasping|air hunger",
        rf"(?:hard|difficult|tough|painful|pain|pains|hurts?|struggling|struggle|trouble|difficulty"
        rf"|problems?|issues?|hard time|{_CANT}|can barely|can hardly) (?:to |for |with |when i )?"
        rf"{_BREATHE}",
        r"breathing (?:is |has been |feels )?(?:hard|labou?red|difficult|heavy|shallow|fast"
        r"|rapid|tough|a problem)|labou?red breathing",
        r"(?:stop|stopping|need|needed|have|had) to catch my breath|not getting enough air",
        r"(?:me )?falta (?:el )?aire|falta de (?:aire|aliento|respiracion)|me ahogo|me estoy"
        r" ahogando|ahogad[oa]|sin aliento|respiro mal|no me entra (?:el )?aire|me falta la"
        r" respiracion|me canso al respirar|respiracion (?:dificil|agitada|corta)",
        r"(?:me cuesta|dificultad para|no puedo|no pude|batallo para|trabajo para|dificil|me duele"
        r" al|duele al|problemas para|me cuesta trabajo|cuesta trabajo) (?:respirar|resirar)",
        r"respiro con (?:dificultad|trabajo)",
    ),
    *_patterns(
        FEVER,
        r"fevers?|feverish|fevr|fver|feaver|fevor|fevah|febrile",
        check=is_a_fever,
    ),
    *_patterns(
        FEVER,
        r"(?:have|has|had|having|running|got|get|getting|with|spiking|spiked|spike) (?:a )?"
        r"(?:high |low grade |low-grade |slight |little )?(?:temp|temperature)",
        r"(?:shaking )?(?:chills|chils|chillls)|rigors|shivering|shivers|shivery|cold sweats?"
        r"|night sweats",
        r"fiebres?|calenturas?|febril|fiebra|fiebe|fievre|escalofrios?|escalosfrios?"
        r"|escalofrillos|calofrios?|tiritando|tirito|temblando de frio|destemplad[oa]",
        r"tengo temperatura|con temperatura|temperatura alta",
        r"(?:im|i am|shes|she is|hes|he is|feel|feels|feeling|felt)(?: like (?:i am |im )?)?"
        r" burning up|(?:feel|feels|feeling|felt) (?:hot and cold|cold and hot)",
        r"frio y (?:tiemblo|temblando|temblores)",
        r"(?P<neg>no|sin) (?:temp|temperature|temperatura)",
    ),
    *_patterns(
        FEVER,
        r"(?:temp|temperature|temperatura|fever|fiebre|calentura|thermometer|termometro)"
        r"(?: \w+){0,3}? (?P<value>[0-9]{2,3}(?:\.[0-9])?)",
        r"(?P<value>[0-9]{2,3}(?:\.[0-9])?) ?(?:degrees|deg|grados|°)",
        check=is_fever_reading,
    ),
    *_patterns(
        NEEDLE_SITE,
        rf"{SITE} (?:\w+ ){{0,3}}?{_SITE_LOOK}(?:(?: and| &| y| or| o|,) {_SITE_LOOK})*",
        check=is_not_from_heat,
        may_deny_inside=True,
    ),
    *_patterns(
        NEEDLE_SITE,
        rf"{_SITE_LOOK}(?:(?: and| &| y| or| o|,) {_SITE_LOOK})* (?:(?:at|around|near|on|in|by"
        rf"|from|en|alrededor de|cerca de|de|del) )?(?:the |my |el |la |mi )?{SITE}",
        _DRAINAGE,
    ),
    *_patterns(NEEDLE_SITE, _ALONE_SITE_LOOK, _LEAKING, check=is_at_site),
    *_patterns(
        BLEEDING,
        r"bleeding|bleed|bleeds|bled|bleding|bleedin|bleading|nose ?bleeds?|bloody(?! (?:hell"
        r"|mary))"
        r"|blood(?! (?:pressure|sugars?|thinners?|work|tests?|draws?|count|levels?|type"
        r"|glucose|bp|donation|bank|clots?|vessels?|cells?))|hemorrhag\w*|hemorragia",
        r"sangrado|sangrando|sangra|sangro|sangre|sangrar|sangrado",
        check=is_bleeding,
    ),
    *_patterns(
        SUDDEN_PAIN,
        rf"{_SUDDEN} (?:\w+ ){{0,4}}?{_PAIN}|{_PAIN} (?:\w+ ){{0,4}}?{_SUDDEN}",
        rf"new (?:(?:and|&|very|really|so) )?{_SEVERE} (?:\w+ )?pain|{_SEVERE} (?:\w+ )?new"
        r" (?:\w+ )?pain",
        r"worst pain (?:of my life|ive ever (?:had|felt)|i have ever (?:had|felt)|ever)",
        r"(?:felt|heard) (?:a |something )?(?:pop|snap|crack)|something (?:popped|snapped|cracked)",
        rf"me (?:dio|vino|entro|agarro|pego) (?:un )?dolor (?:\w+ )?{_FORTE}",
        r"dolor (?:\w+ ){0,5}?(?:de repente|de golpe|repentino|repentinamente|subito|de la nada)",
        r"(?:de repente|de golpe|repentinamente|de la nada) (?:\w+ ){0,4}?(?:dolor|duele|dolio)",
        rf"(?:nuevo dolor|dolor nuevo) (?:\w+ ){{0,2}}?{_FORTE}|(?:un )?dolor {_FORTE} (?:y )?"
        r"(?:muy )?nuevo|el peor dolor de mi vida",
    ),
]
