"""Answering a patient's text: keywords, warning signs, then the check-in's questions.

The order matters. A phone's reaction (`Liked “…”`) quotes our own text and is only kept.
A keyword (STOP, START, HELP) is only ever a keyword. Warning signs are looked for in every
other text, whatever the check-in's state. A picture always goes to a nurse. What is left is
read as the answer to the question the open check-in waits on: pain first, then activity.
Words left over once all that is done make the text a comment, and a nurse reads it.
"""

from __future__ import annotations

from recovery.conversation.answers import record_answers, take_answers
from recovery.conversation.turns import Turn, quote
from recovery.patients.consent import opt_in, opt_out
from recovery.states import FlagKind, Severity
from recovery.understanding.keywords import Keyword
from recovery.understanding.understand import Understanding, understand
from recovery.understanding.warning_signs import WarningSign

TWILIO_OPT_OUT_TYPES = {"STOP": Keyword.OPT_OUT, "START": Keyword.OPT_IN, "HELP": Keyword.HELP}
# Flags whose reason quotes the text: with one of these, a nurse already reads every word.
QUOTING_FLAGS = frozenset({FlagKind.RED_FLAG_SYMPTOMS, FlagKind.NEEDS_REVIEW})


def answer_text(turn: Turn) -> list[str]:
    """Do what the text asks or tells, and return the replies to send."""
    found = understand(turn.message.body, None)
    if found.is_reaction:
        return turn.replies  # it quotes our own text: kept, and nothing more
    keyword = _keyword(turn, found)
    if keyword is not None:
        _obey(turn, keyword)
        return turn.replies
    if found.signs:
        _warn(turn, list(found.signs))
    if found.asks_to_stop:
        record_answers(turn)
        is_new = opt_out(
            turn.session,
            turn.patient,
            how="asked in words to stop",
            now=turn.now,
            words=quote(turn.message.body),
            message_ids=(turn.message.id,),
        )
        if is_new:  # we confirm once; while opted out, more such texts get no answer
            turn.say("opt_out_confirmation")
        return turn.replies
    if found.asks_to_start:
        opt_in(turn.session, turn.patient, how="asked in words to start again", now=turn.now)
        return turn.replies
    if found.asks_for_help:
        turn.say("help")
        return turn.replies
    if attachment_count(turn.message.raw) and _note_attachments(turn):
        return turn.replies
    take_answers(turn, warning=_severity(list(found.signs)))
    if found.is_comment and not QUOTING_FLAGS.intersection(turn.flagged):
        turn.flag(
            FlagKind.PATIENT_COMMENT,
            f"The patient wrote more than an answer: {quote(turn.message.body)}",
        )
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


def _keyword(turn: Turn, found: Understanding) -> Keyword | None:
    opt_out_type = (turn.message.raw or {}).get("OptOutType", "").strip().upper()
    return TWILIO_OPT_OUT_TYPES.get(opt_out_type) or found.keyword


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
