"""Replies to the activity question (1 in bed, 2 inside, 3 outside, 4 usual), as written.

Each case is (reply, pain, activity). The levels: 1 in bed most of the day, 2 up but only
inside my home, 3 walking outside my home (cane or walker OK), 4 back to my usual activities.
"""

from __future__ import annotations

NUMBERS = [
    ("4!", None, 4),
    ("Three", None, 3),
    ("Uno", None, 1),
    ("option 2", None, 2),
    ("opcion 3", None, 3),
    ("la 2", None, 2),
    ("3️⃣", None, 3),
    ("I'd say 2", None, 2),
    ("3 with walker", None, 3),
    ("3 - walking outside with my walker", None, 3),
    ("2, only inside", None, 2),
    ("1, in bed", None, 1),
    ("1 mostly", None, 1),
]

IN_BED = [
    ("stayed in bed", None, 1),
    ("in bed most of the day", None, 1),
    ("just to the bathroom", None, 1),
    ("mostly in bed", None, 1),
    ("I'm in bed", None, 1),
    ("bed", None, 1),
    ("laying down most of the day", None, 1),
    ("lying down all day", None, 1),
    ("mostly in bed but walked to the kitchen", None, 1),
    ("todavia en cama", None, 1),
    ("todavía en cama", None, 1),
    ("en la cama todo el dia", None, 1),
    ("acostada", None, 1),
    ("acostado casi todo el dia", None, 1),
    ("no me pude levantar", None, 1),
    ("solo me levanto para ir al baño", None, 1),
    ("estoy en bed", None, 1),
    ("she stayed in bed", None, 1),
    ("IN BED ALL DAY", None, 1),
]

INSIDE = [
    ("walked around the house", None, 2),
    ("only inside the house", None, 2),
    ("I stayed home", None, 2),
    ("stayed home today", None, 2),
    ("didn't go out", None, 2),
    ("up and about the house", None, 2),
    ("im up walking around inside", None, 2),
    ("I walked a little", None, 3),
    ("sat in my recliner most of the day", None, 2),
    ("i got up and made breakfast", None, 2),
    ("caminando en la casa", None, 2),
    ("adentro nomas", None, 2),
    ("no sali", None, 2),
    ("camine un poquito en la casa", None, 2),
    ("stayed en la casa", None, 2),
    ("up but only inside", None, 2),
    ("moving around the apartment", None, 2),
    ("Only inside my home", None, 2),
]

OUTSIDE = [
    ("went to church", None, 3),
    ("went out to eat", None, 3),
    ("walked outside with my cane", None, 3),
    ("went outside to sit on the porch", None, 3),
    ("I went to my doctor appointment", None, 3),
    ("daughter took me to the store", None, 3),
    ("I went grocery shopping", None, 3),
    ("took a short walk", None, 3),
    ("went for a walk with my walker", None, 3),
    ("walked to the end of the street", None, 3),
    ("sali a caminar", None, 3),
    ("salí a caminar un rato", None, 3),
    ("camine por el parque", None, 3),
    ("caminé afuera con el andador", None, 3),
    ("fui pa la tienda", None, 3),
    ("fui al store", None, 3),
    ("hoy fui al mall", None, 3),
    ("di una vuelta a la cuadra", None, 3),
    ("outside with my walker", None, 3),
    ("walking with my walker", None, 3),
    ("walking with a cane", None, 3),
    ("caminando con mi andadera", None, 3),
    ("walking with my walker around the house", None, 2),
    ("caminando con el bastón dentro de la casa", None, 2),
    ("WALKED TO THE MAILBOX AND BACK", None, 3),
]

USUAL = [
    ("doing my usual stuff", None, 4),
    ("everything normal", None, 4),
    ("doing everything like before", None, 4),
    ("volví al trabajo", None, 4),
    ("volvi al trabajo", None, 4),
    ("ya hago todo", None, 4),
    ("back to my normal routine", None, 4),
    ("feel like myself again", None, 4),
    ("ya estoy haciendo mis cosas normales", None, 4),
]

NOT_ANSWERS = [
    ("I can't wait to get back to normal", None, None),
    ("hoping to go for a walk tomorrow", None, None),
    ("not much", None, None),
    ("que?", None, None),
    ("tired", None, None),
]

HARDER = [
    ("Mostly bed", None, 1),
    ("Up only to go to the bathroom", None, 1),
    ("bathroom only", None, 1),
    ("Just bathroom and back", None, 1),
    ("Solo al baño", None, 1),
    ("Nomas al baño", None, 1),
    ("Stayed home", None, 2),
    ("Up and down the hall", None, 2),
    ("walked the hallway", None, 2),
    ("Went to Walmart", None, 3),
    ("My son took me out to eat", None, 3),
    ("Walked the dog", None, 3),
    ("Took the dog out", None, 3),
    ("Everything I normally do", None, 4),
    ("Salí", None, 3),
    ("Fui de compras", None, 3),
    ("went fishing", None, 3),
    ("the 2nd one", None, 2),
    ("second one", None, 2),
    ("Went back to work", None, 4),
    ("Sat outside on the patio", None, 3),
    ("Ya regrese a trabajar", None, 4),
    ("Sigo en cama", None, 1),
    ("Me levante un poco", None, 2),
    ("Stayed in my room", None, 2),
    ("Drove myself to church", None, 3),
    ("Solo del cuarto a la sala", None, 2),
    ("Fui con mi hija al doctor", None, 3),
    ("Went to my daughters", None, 3),
]

WITH_PAIN = [
    ("2, pain 5", 5, 2),
    ("no pain, walked around the block", 0, 3),
    ("stayed in bed, pain 6", 6, 1),
    ("pain 6", 6, None),
]

ACTIVITY_REPLIES = [*NUMBERS, *IN_BED, *INSIDE, *OUTSIDE, *USUAL, *NOT_ANSWERS, *HARDER, *WITH_PAIN]
