"""How patients say each warning sign, in English and Spanish, as patterns over folded text.

Folded text is lower case without accents or apostrophes ("can't" is "cant", "débil" is
"debil"). A pattern may name a group `neg` for a negation inside the phrase ("legs don't
feel weak"); a check may refuse a match on its surroundings ("blood pressure").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from recovery.understanding.warning_sign_checks import (
    SITE,
    is_a_fever,
    is_at_site,
    is_bathroom_accident,
    is_bleeding,
    is_fever_reading,
    is_not_from_heat,
)
from recovery.understanding.warning_sign_words import (
    ALONE_SITE_LOOK,
    BE,
    BREATHE,
    CANT,
    DRAINAGE,
    FORTE,
    LEAKING,
    LEGS,
    MORE,
    NOT,
    OWNER,
    PAIN,
    SEVERE,
    SITE_LOOK,
    SUDDEN,
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
        rf"{OWNER}{LEGS} {BE}{NOT}{BE}{MORE}(?:weak|weaker|weakness|debiles|debil"
        r"|flojas?|flojos?|sin fuerza|wobbly|shaky|unsteady|heavy|dead|like lead|pesadas?)",
        rf"{LEGS}\b[^.!?\n]{{0,40}}?\b(?:las|los) (?:siento|tengo|noto) {MORE}(?:debiles|debil"
        r"|flojas?|flojos?|sin fuerza|pesadas?)",
        rf"(?:weak|weakness|weaker|debilidad|debil|debiles|sin fuerza|no tengo fuerza|falta de"
        rf" fuerza) (?:(?:in|of|on|en|de|las|los) )+{OWNER}{LEGS}",
        rf"weak {LEGS}|foot drop|drop foot|(?:dragging|drag|drags) {OWNER}(?:foot|feet|legs?"
        r"|toes)|(?:foot|feet|legs?|toes?) (?:(?:is|are|keeps|keep|kept|was|started) )*"
        r"(?:dragging|drags|flopping|flops|floppy|slapping|slaps|dropping|drooping|catching"
        r"|catches)|arrastr\w* (?:el|la|mi|los|las) (?:pie|pies|pierna|piernas)",
        rf"{LEGS}\b(?:(?!\b(?:but|pero|though|aunque)\b)[^.!?\n]){{0,30}}?\b(?:(?P<neg>not|no"
        r"|arent|isnt|ni|nor) )?(?:weak|weaker|debiles|debil|wobbly|sin fuerza|no tengo fuerza)",
        rf"{OWNER}{LEGS} (?:(?:keep|keeps|kept|just|are|is|were|was|have|has|started|start"
        r"|sometimes|still) )*(?:gave out|give out|giving out|given out|gave way"
        r"|give way|giving way|buckled|buckle|buckling|collapsed|went out|wont hold me(?: up)?"
        r"|wont support me|(?:feel |are |feels )?like (?:jelly|rubber|noodles|jello))",
        r"se me (?:doblan|doblaron|aflojan|aflojaron|vencen|vencieron) las (?:piernas|rodillas)",
        r"(?:me fallan|me fallaron|no me sostienen|no me aguantan) las piernas",
        r"las piernas no me (?:sostienen|aguantan)",
        rf"{CANT} (?:lift|raise) {OWNER}{LEGS}",
    ),
    *_patterns(
        NUMBNESS,
        r"numb|numbness|numbnes|numness|numbess|numbnesss|numbed|numbish|nunmbness",
        r"tingl(?:e|es|ed|ing|in|y|ey|ling|ly)|tinglng|tinglig|tinling|tingeling",
        r"pins (?:and|&|n) needles?|pins y agujas",
        rf"{OWNER}{LEGS} (?:\w+ ){{0,2}}?(?:(?:fell|falling|falls|fall|is|are|feels?) )?asleep",
        rf"siento (?:\w+ ){{0,2}}?(?:hormigas|agujas|alfileres)|(?:hormigas|agujas|alfileres"
        rf"|piquetes) en {OWNER}{LEGS}",
        r"hormigueos?|ormigueos?|hormiguean|hormiguea|hormigueando|cosquilleos?",
        r"(?:entumid|entumecid|adormecid|adormesid)[oa]s?|entumecimiento|adormecimiento"
        r"|adormesimiento|entumimiento",
        rf"se me (?:duermen|durmieron|duerme|durmio) {OWNER}{LEGS}|{LEGS} dormid[oa]s?",
        rf"{CANT} feel (?:(?:my|her|his|the) )?(?:butt|bottom|buttocks|behind|rear|groin"
        r"|crotch|privates|private parts|genitals)|(?:no siento|no me siento)"
        r" (?:las |mis |la |mi )?(?:nalgas|pompis|sentaderas|entrepierna|partes)",
        rf"(?:less|decreased|reduced|weird|strange|funny) (?:feeling|sensation) in {OWNER}"
        rf"{LEGS}",
    ),
    *_patterns(
        CANT_WALK,
        rf"{CANT} (?:really |even )?walk(?! (?:far|much|very|long|for long|fast|as|outside"
        r"|yet|without|too|a lot|that far|the dog|my dog|more than|around the block))",
        rf"{CANT} (?:stand|stand up|bear weight|put weight on {OWNER}{LEGS})"
        r"(?! (?:the|it|this|that|him|her|being|when|how|to|for long|long|up for long))",
        rf"{CANT} (?:feel|move) {OWNER}{LEGS}",
        rf"(?:no|lost|loss of|lose|losing|zero) (?:feeling|sensation) (?:in|on) {OWNER}{LEGS}",
        rf"{OWNER}{LEGS} (?:wont|dont|do not|will not|arent|are not|cant|wouldnt) (?:move"
        r"|work|working|respond|hold me up|support me)",
        r"paraly[sz]ed|paralisis|paralizad[oa]s?",
        r"(?:barely|hardly|can barely|can hardly|trouble|difficulty|hard time|problems?"
        r"|struggling|struggle) (?:walking|walk|to walk|standing)|(?:hard|difficult) to walk",
        r"no (?:puedo|pude|podia) (?:caminar|andar|pararme|ponerme de pie|mover (?:las|mis)"
        r" piernas|estar de pie|sostenerme)(?! (?:mucho|lejos|tanto|rapido|afuera|sin))",
        r"no siento (?:nada en )?(?:las|mis|la|el|los|mi) (?:piernas?|pies?)(?! (?:debiles"
        r"|debil|flojas|dormidas|raras|mal|pesadas|entumid|entumecid|adormecid|con|igual))",
        r"no tengo (?:sensibilidad|sensacion) en (?:las|mis) (?:piernas|pies)",
        r"no (?:puedo|pude|podia) (?:sentir|sentirme) (?:nada en )?(?:las|mis|la|mi) (?:piernas?"
        r"|pies?)",
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
        rf"(?:{CANT}|no|lost|losing|lose|loss of|trouble|difficulty) (?:control|controlling"
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
        rf"(?:{CANT}|havent been able to|trouble|difficulty|hard to|hard time) (?:pee|urinate"
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
        r"dolor (?:de|en el|del|al|en mi|de mi) (?:pecho|torax)|(?:el|mi) pecho me duele",
        r"(?:me )?duele (?:(?:mucho|bastante|un poco|poquito|demasiado|muchisimo) )?"
        r"(?:el|mi) pecho",
        r"(?:presion|opresion|apreton|peso|ardor|dolorcito) (?:en el|en mi|del|de) pecho"
        r"|pecho apretado|me aprieta el pecho",
    ),
    *_patterns(
        BREATHING,
        r"short(?:ness)? (?:of|o) brea?th(?:e)?|out of breath|breathless(?:ness)?|winded"
        r"|gasping|air hunger",
        rf"(?:hard|difficult|tough|painful|pain|pains|hurts?|struggling|struggle|trouble|difficulty"
        rf"|problems?|issues?|hard time|{CANT}|can barely|can hardly|could barely|could hardly"
        rf"|barely|hardly) (?:to |for |with |when i )?"
        rf"{BREATHE}",
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
        r"|escalofrillos|calofrios?|tiritando|tirito|temblando de frio|destemplad[oa]"
        r"|(?:a|en)fiebrad[oa]s?|calenturient[oa]s?",
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
        rf"{SITE} (?:\w+ ){{0,3}}?{SITE_LOOK}(?:(?: and| &| y| or| o|,) {SITE_LOOK})*",
        check=is_not_from_heat,
        may_deny_inside=True,
    ),
    *_patterns(
        NEEDLE_SITE,
        rf"{SITE_LOOK}(?:(?: and| &| y| or| o|,) {SITE_LOOK})* (?:(?:at|around|near|on|in|by"
        rf"|from|en|alrededor de|cerca de|de|del) )?(?:the |my |el |la |mi )?{SITE}",
        DRAINAGE,
    ),
    *_patterns(NEEDLE_SITE, ALONE_SITE_LOOK, LEAKING, check=is_at_site),
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
        rf"{SUDDEN} (?:\w+ ){{0,4}}?{PAIN}|{PAIN} (?:\w+ ){{0,4}}?{SUDDEN}",
        rf"new (?:(?:and|&|very|really|so) )?{SEVERE} (?:\w+ )?pain|{SEVERE} (?:\w+ )?new"
        r" (?:\w+ )?pain",
        r"worst pain (?:of my life|ive ever (?:had|felt)|i have ever (?:had|felt)|ever)",
        r"(?:felt|heard) (?:a |something )?(?:pop|snap|crack)|something (?:popped|snapped|cracked)",
        rf"me (?:dio|vino|entro|agarro|pego) (?:un )?dolor (?:\w+ )?{FORTE}",
        r"dolor (?:\w+ ){0,5}?(?:de repente|de golpe|repentino|repentinamente|subito|de la nada)",
        r"(?:de repente|de golpe|repentinamente|de la nada) (?:\w+ ){0,4}?(?:dolor|duele|dolio)",
        rf"(?:nuevo dolor|dolor nuevo) (?:\w+ ){{0,2}}?{FORTE}|(?:un )?dolor {FORTE} (?:y )?"
        r"(?:muy )?nuevo|el peor dolor de mi vida",
    ),
]
