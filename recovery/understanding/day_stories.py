"""A day told as a story, in English and Spanish: the activity level follows from where the
day was spent, as regular expressions over folded text.

"Stayed in bed, only sat up for meals" is 1; "Dad was in his recliner most of the day" and
"never went outside" are 2; "walked to church with my cane" and "ran some errands" are 3;
"back to work, full shift", "went golfing" and "mowed the lawn" are 4. Patients and the
family who text for them write alike ("she hasn't left her bed", "mi papá fue a trabajar"),
so a possessive may be anyone's. These phrases win over the plainer ones of
`activity_phrases` when both read the same words ("went to work" is work, not a trip out).
"""

from __future__ import annotations

_WHOSE = r"(?:(?:the|my|his|her|their|our|a|la|el|mi|su|sus|mis) )"
_BED = rf"(?:{_WHOSE}?(?:bed|cama))"
# Seats one sits up in. A couch or sofa may be lain on all day like a bed: not read alone.
_SEATS = (
    r"(?:recliner|armchair|arm chair|lazy ?boy|lift chair|easy chair|sillon|reclinable|reposet)"
)
_INDOOR_SPOTS = rf"(?:couch|sofa|chair|{_SEATS}|kitchen|living ?room|table|cocina|sala|comedor)"
# Being somewhere, said of the patient: a room named without it may hold only the bed.
_SPENT = (
    r"(?:sat|sit|sitting|sits|stayed|staying|stays|was|were|been|hung out|hanging out|spent"
    r" (?:the|my|her|his) (?:day|afternoon|morning)|spent (?:most of the day|time)|up|estuve"
    r"|estuvo|estaba|me quede|se quedo|sentad[oa]|pase el dia|paso el dia)"
)
_ROOMS = r"(?:living ?room|family room|den|kitchen|tv room|sala|cocina|estancia)"
# Places inside a home that a walk may reach without leaving it.
_INDOORS = (
    r"(?!(?:(?:the|my|his|her|a|la|el|mi|su) )?(?:bed|bathroom|restroom|toilet|kitchen|couch"
    r"|sofa|chair|recliner|room|bedroom|living|dining|family|door|front door|window|table"
    r"|fridge|hall|hallway|sink|shower|tub|closet|stairs|cama|bano|cocina|sala|cuarto"
    r"|recamara|puerta|ventana|mesa|comedor|pasillo|regadera|other|next|otro|otra|floor"
    r"|ground|suelo|piso|lado)\b)"
)
# After "walked to" or "fue a": what was done at home, not where the walk went.
_NOT_AN_ERRAND = (
    r"(?!(?:sit|stand|lie|lay|pee|poop|eat|use|wash|shower|bathe|brush|cook|rest|sleep|nap"
    r"|change|dress|grab|check|fix|put|take|make|try|answer|dormir|acostar\w*|descansar"
    r"|sentar\w*|banar\w*|duchar\w*|orinar|cambiar\w*)\b)"
)
_NOT_OUT = (
    r"(?:havent|hasnt|hadnt|have not|has not|didnt|did not|never|wasnt|was not|not) (?:yet "
    r")?(?:been|gone|go|went|got|gotten|get|stepped|step|set foot|made it|ventured)"
)
_SPORTS = (
    r"(?:golf|golfing|tennis|pickleball|softball|baseball|basketball|soccer|volleyball"
    r"|racquetball|bowling|swimming|hiking|biking|cycling|running|jogging|skiing|kayaking"
    r"|dancing|horseback riding)"
)
_WORK_PLACES = r"(?:work|the office|my job|his job|her job|the job|school|class|the gym|gym)"

STORY_PHRASES: dict[int, tuple[str, ...]] = {
    1: (
        r"(?:havent|hasnt|hadnt|have not|has not|didnt|did not|never|barely|hardly|not) (?:even"
        rf" )?(?:left|leave|leaving|gotten out of|got out of|get out of|gone out of|made it out of"
        rf"|make it out of) {_BED}",
        rf"(?<!up )(?<!out )(?:from|desde) {_BED}(?! (?:to|a|al|and|y)\b)",
        r"(?:only|just|solo|nomas) (?:sat|sit|sitting|sits|se sento|me sente) up (?:to|for|para)",
        r"(?:solo|nomas|nada mas) (?:se |me )?(?:levanto|levante|paro|pare|sento|sente|levantaba)"
        r"(?: \w+){0,2}? (?:para|pa|a) (?:ir al bano|al bano|el bano|bano|comer|cenar|desayunar"
        r"|almorzar)",
        r"no (?:se |me )?(?:levanto|levante|ha levantado|he levantado|quiso levantarse"
        r"|quise levantarme)(?: de (?:la |mi |su )?cama)?|no sal(?:i|io|e) de (?:la |mi |su )?cama",
        r"(?:stayed|stays|staying|remained|kept to|se quedo|me quede) (?:in|on|en) " + _BED,
        rf"(?:in|on) {_WHOSE}(?:guest|hospital|own|sick|adjustable|day|spare) bed",
        r"(?:slept|sleeping|napped|napping|asleep|dozed|dozing) (?:\w+ ){0,3}?(?:most of the"
        r" (?:day|time)|all day|the whole day|all afternoon|mostly)"
        r"|(?:mostly|mainly) (?:slept|sleeping|asleep)",
        r"(?:dormi|durmio|durmiendo|dormida|dormido) (?:\w+ ){0,3}?(?:casi )?(?:todo el dia"
        r"|la mayor parte)"
        r"|(?:se|me) (?:la )?(?:paso|pase) (?:durmiendo|dormid[oa]|acostad[oa])",
    ),
    2: (
        rf"(?:(?:in|on|at|between|from|en|entre|del|de) {_WHOSE}?)?{_SEATS}",
        rf"{_SPENT} (?:\w+ )?(?:in|at|en) {_WHOSE}{_ROOMS}",
        rf"(?:between|from|entre|del|de) {_WHOSE}?(?:bed|cama|{_INDOOR_SPOTS}) (?:and|to|y|a|al)"
        rf" {_WHOSE}?{_INDOOR_SPOTS}",
        rf"{_NOT_OUT} (?:\w+ )?(?:out|outside|outdoors|afuera)",
        r"(?:havent|hasnt|hadnt|have not|has not|didnt|did not|never|not) (?:yet )?(?:left|leave"
        r"|leaving) (?:the|my|his|her|their) (?:house|home|room|bedroom|apartment|place)",
        r"(?:didnt|did not|havent|hasnt|have not|has not|never|not) (?:\w+ )?(?:go|gone|been"
        r"|went) anywhere|no (?:fui|fue|fuimos|salimos|sali|salio|hemos ido|ha ido|he ido)"
        r" (?:a )?(?:ningun lado|ninguna parte|ningun lugar)",
        r"no (?:ha |he |quiso |quise |pudo |pude |hemos )?(?:sal(?:i|io|ido|ir|e)|salimos)"
        r"(?! de (?:la |mi |su )?cama)",
        r"(?:anduvo|anduve|anda|ando|andaba|estuvo|estuve) (?:por|en|dentro de) (?:la |mi |su )?"
        r"casa",
    ),
    3: (
        rf"walk(?:ed|ing|s)? (?:(?:down|over|up|out|all the way|back) )?(?:to|hasta) "
        rf"{_WHOSE}?{_INDOORS}{_NOT_AN_ERRAND}[^\W\d_]+",
        r"(?:in|around|through) (?:the|my|our|his|her|their) neighbou?rhood",
        r"(?:in|around|to|on|into) (?:the|my|our|his|her|their) (?:backyard|back yard|front yard"
        r"|yard|garden)",
        r"(?:ran|run|running|did|do|doing|went on|got|get|getting|picked up|pick up)"
        r" (?:a few |a couple(?: of)? |some |my |our |the |her |his )?(?:errands|groceries"
        r"|grocery shopping)",
        r"(?:get|got|getting|grab|grabbed|picked up|brought in) the (?:mail|newspaper|paper)"
        r"|(?:rode|riding|ride) (?:in the car|along)|went for a (?:car )?(?:drive|ride)",
        r"walk(?:ed|ing|s)? (?:\w+ ){1,2}(?:blocks?|miles?)|camin(?:e|o|amos|ando|ar) (?:\w+ ){0,2}"
        r"cuadras?",
        rf"camin(?:e|o|amos|ando|ar) (?:hasta|a|al|por) (?:la |el |los |las |mi |su )?"
        rf"{_INDOORS}{_NOT_AN_ERRAND}[^\W\d_]+",
        r"(?:hice|hizo|hicimos|hacer) (?:unos |los |algunos )?(?:mandados|mandaditos|compras|"
        r"diligencias)",
        rf"(?:fue|fuimos|fueron|vamos) (?:a|al|pa|pal) (?:la |el )?{_INDOORS}{_NOT_AN_ERRAND}"
        r"[^\W\d_]+",
        rf"(?:me|la|lo|nos|los|las) (?:llevo|llevaron|llevamos|llevaste|llevaba) (?:a|al|de)"
        rf" (?:la |el )?{_INDOORS}{_NOT_AN_ERRAND}[^\W\d_]+",
    ),
    4: (
        rf"(?:went|gone|drove|back|returned|headed|made it|got) (?:back )?(?:in"
        rf" )?to {_WORK_PLACES}|back (?:at|to|in) {_WHOSE}?(?:desk |day |old )?(?:office|gym|job)",
        r"(?:full|whole|long|entire) (?:day|shift|work ?day) (?:at|of) work|(?:full|whole) shift"
        r"|full (?:work ?day|day at work)|at (?:work|the office) all day",
        r"worked (?:all day|a full|the whole|my (?:full |usual |regular )?shift|(?:a |my )?"
        r"(?:half|full) day|\d+ hours)|(?:i|she|he|we|they) (?:\w+ )?(?:worked|work|working) out"
        r"|working out (?:at|again|today|this)|workout|exercise class"
        r"|hit the gym|worked (?:an? )?(?:\d+[ -]?(?:hour|hr) |full |long |double |whole )?shift",
        r"(?:a |an )?(?:normal|usual|regular|typical|ordinary) day",
        rf"(?:went|go|going|been) {_SPORTS}|(?:played|playing|play) (?:\d+ holes|{_SPORTS})"
        r"|golfed|swam|jogged|hiked|biked|(?:went|been) to (?:the )?(?:pool|golf course|driving"
        r" range|bowling alley|yoga|pilates|zumba|water aerobics)",
        r"(?:mow(?:ed|ing)?|cut|cutting) (?:the )?(?:lawn|grass|yard)|yard ?work"
        r"|rak(?:ed|ing) (?:the )?leaves|shovel(?:ed|ing) (?:the )?snow"
        r"|(?:worked|working) in the (?:yard|garden)",
        r"(?<=[^\W\d_] )(?:like|as) (?:usual|per usual)|like nothing happened"
        r"|like (?:his|her|their) old self"
        r"|back to (?:his|her|their) (?:old self|normal|usual|routine|old ways)",
        r"(?:ya )?(?:esta|estoy|anda|ando) trabajando(?! desde)|ya trabaj(?:o|a)\b"
        r"|(?:fui|fue|va|voy|volvi|volvio"
        r"|regrese|regreso|vuelve) (?:a |al )(?:(?:mi|su) )?(?:trabajar|trabajo"
        r"|gimnasio|gym|escuela)|trabaj(?:e|o) (?:todo el dia|el turno|mi turno|su turno|turno"
        r" completo)|turno completo|jornada completa",
        r"(?:jugue|jugo|jugamos) (?:al )?(?:golf|tenis|futbol|boliche|beisbol|basquet)|(?:fui|fue"
        r"|fuimos) a (?:pescar|nadar|bailar|jugar|correr|cazar|andar en bici)|(?:corte|corto)"
        r" el (?:pasto|zacate|cesped)|trabaj(?:e|o) en el (?:jardin|patio)|como si nada",
    ),
}
