"""The words warning-sign patterns are built from: legs, owners, degrees, negations, the
looks of a needle site, and words for severe or sudden pain, over folded text.
"""

from __future__ import annotations

LEGS = (
    r"(?:legs?|thighs?|knees?|feet|foot|toes?|calf|calves|lower (?:body|half|extremities)"
    r"|piernas?|pies?|muslos?|rodillas?|dedos de los pies|pantorrillas?|patas)"
)
OWNER = (
    r"(?:(?:my|both|the|one|left|right|her|his|their|mis|las|la|los|el|ambas|ambos|una|izquierda"
    r"|derecha|su|sus) )*"
)
MORE = (
    r"(?:(?:so|very|really|too|a bit|a little|kinda|kind of|sort of|pretty|super|extremely"
    r"|quite|more|muy|bien|un poco|algo|tan|mas) )*"
)
CANT = r"(?:cant|cannot|can not|can t|couldnt|could not|unable to|not able to)"
NOT = r"(?:(?P<neg>not|dont|do not|arent|isnt|no|never) )?"
BE = (
    r"(?:(?:feel|feels|felt|feeling|are|r|is|were|was|seem|seems|got|getting|get|have been"
    r"|has been|keep getting|se sienten|se siente|estan|esta|se ponen|se me ponen|siento) )?"
)
BREATHE = (
    r"(?:breath|breathe|breathing|breth|brethe|breathin|breating|brething|catch(?:ing)? my breath"
    r"|get (?:my |a |enough )?(?:breath|air)|take a (?:deep |full )?breath)"
)
SITE_LOOK = (
    r"(?:red|reddish|redness|rojo|roja|rojiza|colorad[oa]|enrojecid[oa]|swollen|swelling"
    r"|swelled|swolen|sweling|puffy|inflamed|inflamad[oa]|hinchad[oa]|inchad[oa]|hinchazon"
    r"|hot|warm|caliente|oozing|draining|leaking|weeping|seeping|discharge|pus|bump|lump"
    r"|bulto|bolita|infected|infectad[oa]|supura|supurando|sangrando)"
)
ALONE_SITE_LOOK = (
    r"(?:redness|reddened|enrojecid[oa]s?|enrojecimiento|swollen|swelling|sweling|swolen"
    r"|inflamed|inflamad[oa]|inflamacion|hinchad[oa]|inchad[oa]|hinchazon|inchazon)"
)
DRAINAGE = (
    r"(?:oozing|ooze|oozes|oozed|pus|drainage|draining|weeping|seeping|infected|infection"
    r"|infectad[oa]|infeccion|supura|supurando|supuracion|supurar|secrecion|drenando|drena"
    r"|leaking (?:fluid|pus|liquid)|yellow (?:fluid|stuff|liquid)|liquido amarillo"
    r"|(?:warm|hot|caliente) (?:to|al) (?:the )?(?:touch|tacto))"
)
LEAKING = (
    r"(?:green|yellow|white|cloudy|smelly|stinky) (?:fluid|stuff|liquid|gunk|goo|discharge)"
    r"|(?:le |me )?(?:sale|salio|saliendo|esta saliendo) (?:agua|liquido|materia|algo)"
)
SEVERE = (
    r"(?:severe|sharp|stabbing|shooting|terrible|horrible|excruciating|intense|unbearable"
    r"|awful|agonizing|extreme|searing|tearing|ripping|crushing|really bad|very bad|bad)"
)
SUDDEN = r"(?:sudden|suddenly|all of a sudden|out of nowhere|out of the blue|abruptly)"
PAIN = r"(?:pain|pains|hurt|hurts|hurting|ache|spasm|spasms|worse)"
FORTE = (
    r"(?:(?:muy|bien|mas|tan) )?(?:fuerte|intenso|insoportable|horrible|terrible|punzante|agudo)"
)
