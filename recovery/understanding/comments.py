"""The words of a text that the service did not use: what makes it a comment for a nurse.

A text is a comment when, once its answers (numbers, activity phrases, "no pain"), the
words that frame an answer ("my pain is about", "diría que") and pleasantries ("thanks",
"ok", "much better", "gracias") are set aside, words remain. Those words may be a
question, a worry, or a warning sign in words nobody foresaw, so a nurse reads them.
"""

from __future__ import annotations

from recovery.understanding.activity_words import find_activity_phrases
from recovery.understanding.folding import fold, word_set
from recovery.understanding.mentions import find_mentions
from recovery.understanding.numbers import number_word_value
from recovery.understanding.pain_free import find_pain_free
from recovery.understanding.reply_words import FILLER_WORDS, tokenize

# Words that frame an answer: they say nothing the answer doesn't.
ANSWER_WORDS = word_set(
    """
    pain pains dolor dolores back espalda level nivel score rate rating number numero scale
    escala out of on from to de del en sobre the a an el la lo los las un una my mi mis its
    it is was has been be being are es era fue ha sido esta estuvo anda andaba i im ive id yo
    me would say diria dijera guess think creo que thinking pienso probably maybe perhaps
    quizas tal vez como around about approximately approx roughly more or less mas menos o y
    and or but pero so still sigue sigo todavia aun now ahora today hoy tonight currently
    right rn this morning afternoon evening esta manana tarde noche day dia days dias
    yesterday ayer last past ultimas ultimos hours horas hrs average promedio overall general
    en general feel feels feeling felt doing siento sentia estoy stayed stay quede
    activity actividad answer answers reply respuesta respuestas question pregunta ish
    solid firm honestly honest really very much muy bastante pretty kinda kind sort of
    alrededor entre between like as well bien just only solo nomas nada mas at least
    for por para with con steady same igual consistent constant level both ambos
    hurts hurt hurting duele duelen dolia worst ever peor imaginable best
    idk dunno meh what huh lots se sabe sabria idea eh hmm ya already
    tengo tiene ta estaba esta ahorita worse bad than since after before down up when rest
    tbh imo prob ngl atm fyi omg whatsoever mija mijo
    """
)
# Who is answering, and the words of a correction: "Mom says her pain is 6", "sorry, I meant 4".
TELLING_WORDS = word_set(
    """
    he she his her him hes shes they their el ella su sus le les says said say told dice dijo
    dicen mom mum mother dad father husband wife son daughter mama mami papa papi esposo
    esposa marido mujer hijo hija abuela abuelo grandma grandpa patient paciente
    sorry oops oopsie meant mean actually wait no not correction typo wrong perdon
    disculpe disculpa quise decir quiero perdona mas bien
    """
)
# The words of a day told as a story, around the activity level it gives.
DAY_WORDS = word_set(
    """
    walked walk walking walks went go going got get up sat sit sitting stayed laying lying
    lay lie rested resting moved moving around inside outside out in into back and forth
    house home apartment kitchen couch sofa recliner chair bed bathroom room living yard
    garden porch driveway mailbox block street corner store shop market church mass park
    neighborhood stairs steps cane walker wheelchair little few times once twice mostly most
    all whole entire some did do done dishes laundry cooking cooked cook chores errands
    casa cocina sala sillon sofa cama bano cuarto recamara patio jardin calle cuadra tienda
    mercado iglesia misa parque afuera fuera escaleras baston andador andadera silla ruedas
    camine camino
    caminar caminando anduve anduvo ande salir sali salio salimos fui fue fuimos quede quedo
    estuve estuvo acostado acostada levante levanto sentado sentada todo toda casi veces vez
    """
)
# What people say around an answer without asking anything: thanks, greetings, feeling fine.
PLEASANTRIES = word_set(
    """
    ok okay k kk okey oki oky vale sure alright allright fine good great gud nice awesome
    perfect excellent wonderful cool thanks thank thanx thnx thx ty tysm tks you u gracias
    muchas mil agradezco agradecida agradecido appreciate appreciated hi hello hey hiya hola
    buenas buenos dias tardes noches good morning night yes yeah yep yup si claro no nope
    better mejor mejorando improving improved much mucho lot bit little poco poquito way
    getting thumbs up love lol haha hahaha jaja jajaja jeje hehe god bless dios bendiga
    bendiciones blessings amen have nice day que tenga buen dia take care cuidese have
    everyone team all todos ustedes y'all yall we nos nosotros glad happy feliz contenta
    contento appreciate again otra vez also tambien too dear dr doctor nurse enfermera
    hope espero well bye adios chao see soon pronto xo xoxo best regards saludos atentamente
    asking checking calling texting answering caring
    tanto tan so soooo sooo soo please pls plz favor ready listo lista
    """
)
_ACCOUNTED = FILLER_WORDS | ANSWER_WORDS | PLEASANTRIES | TELLING_WORDS | DAY_WORDS


def unaccounted_words(text: str) -> list[str]:
    """The words of a text that are neither an answer, its framing, nor a pleasantry."""
    folded = fold(text).text
    tokens = tokenize(folded)
    used: list[tuple[int, int]] = [(p.start, p.end) for p in find_activity_phrases(folded)]
    used += find_pain_free(folded, tokens)
    for mention in find_mentions(folded, tokens):
        used.append((tokens[mention.span.first].start, tokens[mention.span.last].end))
    return [
        token.text
        for token in tokens
        if token.kind == "word"
        and len(token.text) > 1
        and token.text not in _ACCOUNTED
        and number_word_value(token.text) is None
        and not any(start <= token.start and token.end <= end for start, end in used)
    ]
