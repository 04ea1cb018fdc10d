"""The activity levels as patients name them, by level, as regular expressions over folded
text: 1 in bed most of the day, 2 up but only inside the home, 3 walking outside the home
(cane or walker OK), 4 back to usual activities.
"""

from __future__ import annotations

_HOME = r"(?:house|home|apartment|apt|condo|place|casa|hogar|departamento|apartamento)"
_OUT_PLACES = (
    r"(?:block|mailbox|mail box|mail|store|shops?|park|corner|end of|grocery|market|church"
    r"|neighbou?rs?|neighbou?rhood|street|road|driveway|car|pharmacy|yard|garden|curb|lobby"
    r"|mall|doctor|bank|restaurant|post office|library|beach|work|dinner|lunch)"
)
_BATHROOM = r"(?:bathroom|restroom|toilet|potty|washroom|bano)"
# The words between "only" and "bathroom": "only got up to go to the bathroom".
_UP_TO = (
    r"(?:up|got up|get up|getting up|went|go|going|walked|walk|to|for|al|a|para|ir|use|using"
    r"|the|el|la|me levanto|me levante|me paro|me pare|pa|pal)"
)
_STAYING_IN = (
    r"(?!(?:(?:the|my|a|la|el|mi) )?(?:bed|bathroom|restroom|toilet|kitchen|sleep|couch|room"
    r"|bedroom|living room|lie|lay|rest|nap|cama|bano|dormir|acostarme|cocina|cuarto|sala)\b)"
)
# After "went to": a place ("went to Walmart"), not what was done there ("went to sit").
_NOT_A_VERB = (
    r"(?!(?:sit|stand|get|go|use|take|pee|poop|eat|check|try|make|do|walk|lay|lie|have|change"
    r"|wash|shower|bathe|brush|cook|see if|put|grab|fix)\b)"
)
PHRASES: dict[int, tuple[str, ...]] = {
    1: (
        r"bed\s?(?:ridden|bound)|bed rest|(?:encamad|postrad|acostad|recostad)[oa]s?",
        r"(?:in|on) (?:my |the )?bed",
        r"(?:cant|cannot|can not|couldnt|could not|unable to|not able to|hard to|barely"
        r"|(?:havent|hasnt|have not|has not|wasnt|was not|werent) (?:been )?able to)"
        r" (?:get|getting) (?:up|out of (?:the |my )?bed)",
        r"(?:mostly|mainly|mostly just|all day in|all day on) (?:the |my )?bed"
        r"|bed (?:mostly|mainly|all day)",
        rf"(?:only|just|solo|nomas|nada mas)(?: {_UP_TO})* {_BATHROOM}",
        rf"up only(?: {_UP_TO})* {_BATHROOM}|{_BATHROOM} (?:only|and back|trips only|nomas"
        r"|nada mas|y de regreso|y ya)",
        r"(?:lying|laying|laid|lay|lie) (?:down|flat) (?:all|most of the|most|the whole) day",
        r"(?:mostly|mainly|mostly just) (?:lying|laying|resting|lay|laid) (?:down|flat|in bed)",
        r"(?:only|just) (?:got |get |getting )?up (?:to|for) (?:use |go to |the |a )*"
        r"(?:bathroom|restroom|toilet|potty|washroom|bano|pee|eat|meals)",
        r"en (?:la |mi )?cama|en reposo|guardando cama|bed (?:most|all) (?:of )?(?:the )?day",
        r"no (?:me )?(?:puedo|pude|podia) levantar(?:me)?|no (?:me )?(?:he )?(?:podido )?"
        r"levant(?:o|e|ado)",
    ),
    2: (
        rf"(?:around|inside|in|about|at|within|through) (?:the|my|our) {_HOME}",
        r"at home|inside|indoors|adentro|dentro de (?:la |mi )?casa|(?:por|en) (?:la |mi )?casa",
        r"up (?:and|&|n) (?:about|around|moving|walking)|up (?:a little|a bit|some|for a bit)",
        r"(?:walking|walked|walk|moving|moved|getting|got|shuffling|puttering|pottering)"
        r" (?:around|about)",
        rf"(?:havent|have not|didnt|did not|not|never) (?:left|leave|leaving) (?:the|my) {_HOME}",
        r"(?:havent|have not|didnt|did not) (?:been|gone|go|went) (?:out|outside|outdoors)",
        r"(?:sitting|sat) (?:up|in (?:a|my|the) (?:chair|recliner))",
        r"no (?:he )?sal(?:i|ido)|levantad[oa]s?|me (?:levante|levanto|he levantado)",
        r"walk(?:ed|ing|s)? (?:to|down|around) (?:the |my |the other )?(?:bathroom|kitchen"
        r"|living room|room|hall|hallway|bedroom|restroom)",
        r"(?:stay|stayed|staying|stays|stuck|been) (?:at )?home|stayed in (?:my|the|her|his)"
        r" (?:room|bedroom|apartment|chair|recliner)|del cuarto a la (?:sala|cocina)",
        r"(?:got|gotten|getting) (?:up|out of bed) (?:and (?:made|cooked|walked|moved|sat|did"
        r"|showered|dressed|got|ate)|a (?:few|couple|little|bit)|for (?:a (?:bit|while|little)"
        r"|meals|breakfast|lunch|dinner)|some|several times|more)",
        r"(?:up and down|down|along|in) the hall(?:way)?s?|walk(?:ed|ing|s)? the hall(?:way)?s?",
    ),
    3: (
        rf"outside|outdoors|out of the {_HOME}|out (?:and|&|n) about|in the (?:yard|garden)",
        r"(?:went|go|going|gone|been|get|got|getting) out(?! of bed)",
        r"(?:went|go|going|gone|took|take|taking|had|did|do|doing) (?:for |on )?(?:a |my |our )?"
        r"(?:(?:short|little|small|quick|long|slow|nice|brief|easy|couple|few) )*"
        r"(?:walk|walks|stroll|strolls)",
        rf"walk(?:ed|ing|s)? (?:to|down|up|around|round) (?:the |my |our |a )?{_OUT_PLACES}",
        rf"(?:went|go|going|drove|driving|been) (?:to|down to) (?:the |a |my |our )?{_OUT_PLACES}",
        r"around the (?:block|neighbou?rhood|yard)|(?:get|got|getting|check|checked) the mail",
        rf"(?:went|drove) (?:(?:myself|herself|himself|her|him|out) )?to (?:(?:my|the|a|see|visit)"
        rf" )?{_STAYING_IN}{_NOT_A_VERB}"
        r"[^\W\d_]+",
        r"(?:took|take|takes|taking|drove|drive|drives|driving) (?:me|her|him|us|mom|dad) (?:out"
        r"|to|for)|walk(?:ed|ing|s)? the dogs?|(?:took|take|taking) the dogs? (?:out|for)",
        r"went (?:fishing|shopping|bowling|swimming|dancing|golfing|walking|hiking|camping"
        r"|visiting|driving|riding|biking|gardening)|(?:fui|fuimos|ir|voy|fue) de compras",
        r"sal(?:i|imos|io)(?! (?:de (?:la |mi )?(?:cama|cuarto)|del (?:bano|cuarto|hospital)))",
        rf"fui (?:con (?:mi |mis |el |la )?[^\W\d_]+ )?(?:a |al |pa |pal |para (?:el |la )?)"
        rf"{_STAYING_IN}[^\W\d_]+",
        r"went (?:grocery )?shopping|walk(?:ed|ing)? (?:\w+ )?(?:blocks?|miles?|cuadras)",
        r"(?:por|en) la calle|(?:al|en el) parque|por el barrio|por la cuadra",
        r"afuera|fuera de (?:la |mi )?casa|a la calle|en el (?:patio|jardin)",
        r"sal(?:i|io|imos|go|iendo|ir|ido) (?:a )?(?:caminar|pasear|dar una vuelta|la calle"
        r"|afuera|de (?:la |mi )?casa|al (?:parque|patio|jardin|mercado)|a la tienda)",
        r"(?:di|dimos|dar|doy) (?:una |un )?(?:vuelta|vueltita|paseo|paseito|caminata)",
        r"pase(?:e|ando|ar)|paseo",
        r"fui (?:a|al) (?:la |el )?(?:tienda|parque|iglesia|misa|mercado|super|supermercado"
        r"|calle|farmacia|doctor|medico|banco)",
        r"camin(?:e|ando|o|amos|ar) (?:por|en|a|al) (?:la calle|el parque|el barrio|la cuadra"
        r"|el patio|la tienda|el jardin|la esquina)",
        # Walking named with no place, however little: option 3 is the one about walking
        # (with a place that keeps it indoors, the place decides).
        r"(?:walk(?:ing|ed|s)? (?:a )?(?:little|bit|lil|lil bit|little bit|some|slowly|short"
        r" distances|a little|a bit|with help|carefully)|camin(?:ando|o|e|a|amos) (?:un poco"
        r"|un poquito|poquito|poco|despacio|lento|algo))"
        r"(?! (?:around|inside|in|at|to|through|about|por|en|dentro|al|a)\b)",
        # The walker or cane named in option 3, with no place that keeps it indoors.
        r"(?:walk(?:ing|ed|s)?|getting around|camin(?:e|ando|o|amos|ar)) (?:with|con) (?:a |my"
        r" |the |her |his |el |la |mi |un |una )?(?:walker|cane|baston|andadera|caminadora)"
        r"(?! (?:around|inside|in|at|to|through|por|en|dentro|al|a)\b)",
    ),
    4: (
        r"back to (?:my |our |the |a )?(?:normal|usual|regular|old self|old ways|routine"
        r"|everyday|daily|life|work|everything)",
        r"(?:normal|usual|regular|daily|everyday|typical) (?:activities|activity|routine|life"
        r"|stuff|things|self|schedule)",
        r"(?<![\d,] )as usual|(?:like|as) (?:normal|always|my old self|myself(?: again)?)",
        r"(?:doing|do|did|can do) (?:everything|all (?:my|the) (?:(?:usual|normal|regular) )?"
        r"(?:stuff|things|activities|chores)|my (?:usual|normal|regular) (?:stuff|things"
        r"|activities|chores))",
        r"(?:everything|all) (?:is )?(?:back to )?normal|feel(?:ing)? (?:like )?myself(?: again)?",
        r"fully active|back at work",
        r"(?:everything|all|what) (?:i|she|he|we) (?:normally|usually|always) (?:do|did|does)",
        r"como (?:siempre|antes|de costumbre)|vida normal|todo normal|ya (?:estoy )?normal",
        r"(?:actividades|rutina|vida|cosas) (?:normal|normales|de siempre|habituales|diarias"
        r"|cotidianas|de costumbre)",
        r"(?:de vuelta|volvi|regrese|he vuelto|ya volvi|estoy de regreso) (?:al|a|en) (?:la |lo |mi"
        r" |mis )?(?:normal|normalidad|rutina|vida normal|trabajo|trabajar|actividades)",
        r"(?:hago|haciendo|hice|puedo hacer) (?:de )?todo|(?:hago|haciendo) mis (?:actividades"
        r"|cosas|quehaceres)",
    ),
}
