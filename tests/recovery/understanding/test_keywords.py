"""SMS keywords and plain-language requests to stop the texts, in English and Spanish."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recovery.understanding.keywords import Keyword, is_stop_request, match_keyword

KEYWORDS = [
    ("STOP", Keyword.OPT_OUT),
    ("stop", Keyword.OPT_OUT),
    ("Stop", Keyword.OPT_OUT),
    (" Stop. ", Keyword.OPT_OUT),
    ("Stop!", Keyword.OPT_OUT),
    ("STOP!!!", Keyword.OPT_OUT),
    ('"STOP"', Keyword.OPT_OUT),
    ("'stop'", Keyword.OPT_OUT),
    ("\u201cStop\u201d", Keyword.OPT_OUT),
    ("STOP\n", Keyword.OPT_OUT),
    ("STOP \U0001f6d1", Keyword.OPT_OUT),
    ("STOPALL", Keyword.OPT_OUT),
    ("stop all", Keyword.OPT_OUT),
    ("UNSUBSCRIBE", Keyword.OPT_OUT),
    ("Unsubscribe.", Keyword.OPT_OUT),
    ("cancel", Keyword.OPT_OUT),
    ("CANCEL", Keyword.OPT_OUT),
    ("END", Keyword.OPT_OUT),
    ("end.", Keyword.OPT_OUT),
    ("quit", Keyword.OPT_OUT),
    ("QUIT", Keyword.OPT_OUT),
    ("OPTOUT", Keyword.OPT_OUT),
    ("opt out", Keyword.OPT_OUT),
    ("OPT-OUT", Keyword.OPT_OUT),
    ("Opt Out", Keyword.OPT_OUT),
    ("revoke", Keyword.OPT_OUT),
    ("REVOKE", Keyword.OPT_OUT),
    ("ALTO", Keyword.OPT_OUT),
    ("alto", Keyword.OPT_OUT),
    ("\u00a1Alto!", Keyword.OPT_OUT),
    ("PARAR", Keyword.OPT_OUT),
    ("parar", Keyword.OPT_OUT),
    ("CANCELAR", Keyword.OPT_OUT),
    ("cancelar", Keyword.OPT_OUT),
    ("START", Keyword.OPT_IN),
    ("start", Keyword.OPT_IN),
    ("Start.", Keyword.OPT_IN),
    ("YES", Keyword.OPT_IN),
    ("Yes", Keyword.OPT_IN),
    ("yes!", Keyword.OPT_IN),
    ("UNSTOP", Keyword.OPT_IN),
    ("unstop", Keyword.OPT_IN),
    ("HELP", Keyword.HELP),
    ("help", Keyword.HELP),
    ("Help?", Keyword.HELP),
    ("INFO", Keyword.HELP),
    ("info", Keyword.HELP),
    ("AYUDA", Keyword.HELP),
    ("ayuda", Keyword.HELP),
    ("Ay\u00fada", Keyword.HELP),
    ("\u00bfAyuda?", Keyword.HELP),
]

NOT_KEYWORDS = [
    "",
    "   ",
    "7",
    "stop the pain please, 9",
    "stop please",
    "please stop",
    "STOP STOP",
    "stop texting me",
    "help me",
    "I need help",
    "the end",
    "yes 7",
    "yes, 7",
    "start walking",
    "cancel my appointment",
    "stopped",
    "stopping",
    "info please?",
    "si",
    "no",
    "alto dolor",
    "un dolor muy alto",
    "helpful",
]

STOP_REQUESTS = [
    "please stop texting me",
    "Please stop texting me.",
    "stop texting me",
    "stop sending me messages",
    "Stop sending these texts",
    "stop messaging me",
    "stop contacting me",
    "stop bothering me",
    "Can you stop texting me?",
    "I want you to stop texting me",
    "remove me from this list",
    "Remove me from your list please",
    "take me off your list",
    "Take me off this list",
    "delete my number",
    "no more texts",
    "No more messages please",
    "no texts please",
    "don't text me anymore",
    "Don't text me again",
    "do not contact me",
    "never text me again",
    "unsubscribe me",
    "Please unsubscribe",
    "how do I unsubscribe?",
    "I want to opt out",
    "opt me out",
    "I don't want these messages",
    "I don't want to get these texts anymore",
    "I no longer want to receive texts",
    "I don't want to participate anymore",
    "cancel these texts",
    "I want the texts to stop",
    "I'm done with these texts",
    "enough with the texts",
    "I revoke my consent",
    "lose my number",
    "stop please",
    "please stop",
    "STOP STOP",
    "stop it",
    "Stop now please",
    "alto por favor",
    "leave me alone",
    "stop asking me",
    "no me manden mensajes",
    "No me manden m\u00e1s mensajes",
    "no me env\u00eden m\u00e1s mensajes",
    "no me escriban",
    "no me sigan mandando mensajes",
    "ya no quiero recibir mensajes",
    "no quiero m\u00e1s mensajes",
    "ya no quiero participar",
    "no quiero que me manden mensajes",
    "qu\u00edtenme de la lista",
    "s\u00e1quenme de la lista por favor",
    "b\u00f3rrenme de su lista",
    "dejen de mandarme mensajes",
    "dejen de escribirme",
    "paren de enviar mensajes",
    "no m\u00e1s mensajes",
    "basta de mensajes",
    "cancelar los mensajes",
    "quiero darme de baja",
    "denme de baja",
    "d\u00e9jenme en paz",
    "wrong number, please stop texting me",
    "Who is this? Stop",
    "STOP!!! WHO IS THIS",
    "I'm fine. Stop.",
    "please quit texting",
    "Please remove me",
    "not interested",
    "I'm no longer interested",
    "you can stop texting now, I'm all better",
    "no need to keep texting",
    "I don't need these texts anymore, I'm fine",
    "STOP SENDING",
    "end this",
    "cancel please",
    "ya no me manden nada",
    "por favor ya no me escriban",
    "no quiero recibir mas textos",
]

NOT_STOP_REQUESTS = [
    "",
    "7",
    "STOP",
    "Stop.",
    "ALTO",
    "stop the pain please, 9",
    "the pain won't stop",
    "the pain doesn't stop",
    "I stopped taking my pills",
    "I stopped the oxycodone",
    "stop asking... just kidding 5",
    "lol stop asking, 6",
    "I already said 5, stop asking",
    "please don't stop texting me",
    "I don't want you to stop texting me",
    "no dejen de escribirme",
    "stop texting me at night",
    "don't text me so early",
    "no more texts today",
    "no me manden mensajes tan temprano",
    "qu\u00edtenme el dolor por favor",
    "Stop 9",
    "I can't stop the pain, 8",
    "leave me alone 5",
    "cancel my appointment",
    "the end",
    "when will the texts stop?",
    "I get a lot of texts",
    "thanks for the messages",
    "I like these messages",
    "el dolor no para",
    "no puedo parar de toser",
    "ya no me duele",
    "no quiero tomar las pastillas",
    "help",
    "my daughter will text you",
    "I stopped at the store",
    "walked to the bus stop",
    "I couldn't stop. 5",
    "stop, 5",
    "I'm not interested in walking",
    "no gracias",
    "wrong number",
]


@pytest.mark.parametrize(("text", "keyword"), KEYWORDS, ids=[repr(t) for t, _ in KEYWORDS])
def test_whole_message_keyword_is_recognised(text: str, keyword: Keyword) -> None:
    assert match_keyword(text) == keyword


@pytest.mark.parametrize("text", NOT_KEYWORDS, ids=[repr(t) for t in NOT_KEYWORDS])
def test_keyword_inside_a_longer_message_is_not_a_keyword(text: str) -> None:
    assert match_keyword(text) is None


@pytest.mark.parametrize("text", STOP_REQUESTS, ids=[repr(t) for t in STOP_REQUESTS])
def test_plain_request_to_stop_texting_is_a_stop_request(text: str) -> None:
    assert is_stop_request(text)


@pytest.mark.parametrize("text", NOT_STOP_REQUESTS, ids=[repr(t) for t in NOT_STOP_REQUESTS])
def test_stop_inside_an_answer_or_chatter_is_not_a_stop_request(text: str) -> None:
    assert not is_stop_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "please take my grandmother off your list",
        "I would like to be unsubscribed",
        "we don't need these anymore, thank you",
        "quit texting my dad please",
        "ya no le escriban a mi papá",
        "quítenme de sus mensajes",
    ],
)
def test_request_in_other_words_or_for_a_family_member_is_a_stop_request(text: str) -> None:
    assert is_stop_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "can they take me off the gabapentin?",
        "the drain needs to be removed friday",
        "I stopped the brace yesterday",
        "ya no quiero seguir tomando el tramadol",
        "don't remove me from the list",
    ],
)
def test_stop_about_treatment_or_denied_is_not_a_stop_request(text: str) -> None:
    assert not is_stop_request(text)


def test_keyword_values_are_stored_as_plain_words() -> None:
    assert [k.value for k in Keyword] == ["opt_out", "opt_in", "help"]


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=1600))
def test_any_text_never_raises(text: str) -> None:
    keyword = match_keyword(text)
    is_request = is_stop_request(text)
    assert keyword is None or not is_request
