"""Answering a patient's text: keywords, warning signs, then the check-in's questions.

The order matters. A keyword (STOP, START, HELP) is only ever a keyword. Warning signs are
looked for in every other text, whatever the check-in's state. A picture always goes to a
nurse. What is left is read as the answer to the question the open check-in waits on: pain
first, then activity.
"""

from __future__ import annotations

from recovery.conversation.answers import take_answers
from recovery.conversation.turns import Turn, quote
from recovery.patients.consent import opt_in, opt_out
from recovery.states import FlagKind, Severity
from recovery.understanding.keywords import (
    Keyword,
    is_help_request,
    is_start_request,
    is_stop_request,
    match_keyword,
)
from recovery.understanding.warning_signs import WarningSign, find_warning_signs

TWILIO_OPT_OUT_TYPES = {"STOP": Keyword.OPT_OUT, "START": Keyword.OPT_IN, "HELP": Keyword.HELP}


def answer_text(turn: Turn) -> list[str]:
    """Do what the text asks or tells, and return the replies to send."""
    keyword = _keyword(turn)
    if keyword is not None:
        _obey(turn, keyword)
        return turn.replies
    signs = find_warning_signs(turn.message.body)
    if signs:
        _warn(turn, signs)
    if is_stop_request(turn.message.body):
        opt_out(turn.session, turn.patient, how="asked in words to stop", now=turn.now)
        turn.say("opt_out_confirmation")
        return turn.replies
    if not signs and is_start_request(turn.message.body):
        opt_in(turn.session, turn.patient, how="asked in words to start again", now=turn.now)
        return turn.replies
    if not signs and is_help_request(turn.message.body):
        turn.say("help")
        return turn.replies
    if attachment_count(turn.message.raw) and _note_attachments(turn):
        return turn.replies
    take_answers(turn, warning=_severity(signs))
    return turn.replies


def attachment_count(params: dict[str, str] | None) -> int:
    """How many pictures or files came with a text (Twilio's NumMedia)."""
    count = (params or {}).get("NumMedia", "0").strip()
    return int(count) if count.isdigit() else 0


def _note_attachments(turn: Turn) -> bool:
    """A nurse looks at every picture (a needle site, a rash); True when it is all there is."""
    words = turn.message.body.strip()
    said = f" with the words {quote(words)}" if words else " with no words"
    turn.flag(
        FlagKind.NEEDS_REVIEW, f"The patient sent a picture or file{said}; please look at it."
    )
    if words:
        return False
    turn.say("received")
    return True


def _severity(signs: list[WarningSign]) -> Severity | None:
    if not signs:
        return None
    return Severity.HIGH if all(sign.is_negated for sign in signs) else Severity.URGENT


def _keyword(turn: Turn) -> Keyword | None:
    opt_out_type = (turn.message.raw or {}).get("OptOutType", "").strip().upper()
    return TWILIO_OPT_OUT_TYPES.get(opt_out_type) or match_keyword(turn.message.body)


def _obey(turn: Turn, keyword: Keyword) -> None:
    if keyword == Keyword.OPT_OUT:
        # Twilio sends the carrier-required confirmation itself.
        opt_out(turn.session, turn.patient, how="replied STOP", now=turn.now)
    elif keyword == Keyword.OPT_IN:
        opt_in(turn.session, turn.patient, how="replied START", now=turn.now)
    else:
        turn.say("help")


def _warn(turn: Turn, signs: list[WarningSign]) -> None:
    urgent = [sign for sign in signs if not sign.is_negated]
    words = "; ".join(f'{sign.sign} ("{sign.phrase}")' for sign in urgent or signs)
    said = quote(turn.message.body)
    if urgent:
        turn.flag(
            FlagKind.RED_FLAG_SYMPTOMS,
            f"Warning signs: {words}. The patient wrote: {said}",
            severity=Severity.URGENT,
            on_call=turn.on_call,
        )
        turn.say("urgent_advice")
    else:
        turn.flag(
            FlagKind.RED_FLAG_SYMPTOMS,
            f"Warning signs mentioned as absent: {words}; please confirm. "
            f"The patient wrote: {said}",
            severity=Severity.HIGH,
        )
