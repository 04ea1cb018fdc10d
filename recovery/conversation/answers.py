"""Taking a reply as the answers to a check-in: pain first, then activity.

A reply goes to the patient's open check-in (sent, still waiting). Each question is asked
again once when the reply can't be read; after that a nurse reads it (``needs_review``).
A reply after the wait has ended still counts when it carries a score and comes within
the protocol's ``late_answer_hours``, and a nurse is told (the check-in's ``no_response`` flag
may still be open); anything else is kept and flagged for review.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from recovery.conversation.amendments import amend_answered
from recovery.conversation.turns import Turn, quote
from recovery.flags.lifecycle import evaluate_enrollment, resolve_when_gone
from recovery.models import CheckIn, Enrollment
from recovery.patients.follow_up import complete_if_done
from recovery.protocols.definitions import spec_of
from recovery.states import CheckInStatus, FlagKind, Severity
from recovery.understanding.parsing import Question, Reading
from recovery.understanding.understand import read_answer


def take_answers(turn: Turn, *, warning: Severity | None = None) -> None:
    """Record what the text answers, and choose the next thing to ask.

    ``warning`` is the severity of the warning-sign flag the text raised: after an urgent one
    the emergency advice is the whole answer; a denied sign ("no fever") is already with a
    nurse, and the conversation goes on.
    """
    enrollment = turn.enrollment
    if enrollment is None:
        return
    check_in = open_check_in(enrollment, _seen_late(turn))
    if check_in is not None:
        _answer_open(turn, check_in, is_urgent=warning == Severity.URGENT)
        return
    if amend_answered(turn):
        return
    late = late_check_in(enrollment, turn.now)
    if late is not None and _answer_late(turn, late):
        turn.flag(
            FlagKind.NEEDS_REVIEW,
            f"An answer to the {late.label} check-in came after its wait had ended, and was "
            f"recorded: {_quote(turn)}",
        )
        return
    if warning is None:
        turn.flag(FlagKind.NEEDS_REVIEW, f"A text came with no check-in open: {_quote(turn)}")
    if warning != Severity.URGENT:
        turn.say("received")


def record_answers(turn: Turn) -> None:
    """Record the answers a text gives, asking nothing more (the text also opts out)."""
    enrollment = turn.enrollment
    if enrollment is None:
        return
    check_in = open_check_in(enrollment, _seen_late(turn)) or late_check_in(enrollment, turn.now)
    if check_in is None:
        return
    said = len(turn.replies)
    if _record(check_in, _read(turn.message.body, _expecting(check_in))):
        turn.message.check_in_id = check_in.id
        _move_on(turn, check_in)
    del turn.replies[said:]


def open_check_in(enrollment: Enrollment, arrived_at: datetime | None = None) -> CheckIn | None:
    """The newest sent check-in still waiting for answers.

    A text seen late (fetched from Twilio after an outage) answers the check-in that was
    waiting when it arrived (``arrived_at``), even if the wait has ended since.
    """
    waiting = [
        c
        for c in enrollment.check_ins
        if c.status in (CheckInStatus.SENT, CheckInStatus.PARTIAL, CheckInStatus.MISSED)
        and (c.ended_at is None or (arrived_at is not None and c.ended_at > arrived_at))
        and (arrived_at is None or (c.sent_at is not None and c.sent_at <= arrived_at))
    ]
    return waiting[-1] if waiting else None


def _seen_late(turn: Turn) -> datetime | None:
    """When a text fetched from Twilio after an outage arrived (None for the webhook's).

    A fetched text is stored as of its arrival; the webhook may still be the one answering
    it, racing the fetch, so the arrival is read from the stored text, not from ``now``.
    """
    message = turn.message
    return message.created_at if "FetchedAt" in (message.raw or {}) else None


def late_check_in(enrollment: Enrollment, now: datetime) -> CheckIn | None:
    """The newest check-in whose wait ended less than ``late_answer_hours`` ago."""
    late = timedelta(hours=spec_of(enrollment.protocol).late_answer_hours)
    ended = [
        c
        for c in enrollment.check_ins
        if c.status in (CheckInStatus.MISSED, CheckInStatus.PARTIAL, CheckInStatus.SENT)
        and c.sent_at is not None
        and c.ended_at is not None
        and now - c.ended_at <= late
    ]
    return max(ended, key=lambda c: c.ended_at or now) if ended else None


def _expecting(check_in: CheckIn) -> Question:
    return "pain" if check_in.pain is None else "activity"


def _record(check_in: CheckIn, reading: Reading) -> bool:
    """Keep the answers the reading gives; True if anything was taken."""
    taken = False
    if reading.pain is not None:
        check_in.pain = reading.pain
        taken = True
    if reading.activity is not None:
        check_in.activity = reading.activity
        taken = True
    return taken


def _answer_open(turn: Turn, check_in: CheckIn, *, is_urgent: bool) -> None:
    expecting = _expecting(check_in)
    turn.message.check_in_id = check_in.id
    was_missed = check_in.status == CheckInStatus.MISSED
    if _record(check_in, _read(turn.message.body, expecting)):
        _move_on(turn, check_in)
        if was_missed:  # it came in time, and was seen only after an outage
            _resolve_no_response(turn, check_in)
        return
    if is_urgent:
        return  # the emergency advice is the answer; don't ask for a score on top of it
    if expecting == "pain" and not check_in.pain_reprompted:
        check_in.pain_reprompted = True
        turn.say("reprompt_pain")
    elif expecting == "activity" and not check_in.activity_reprompted:
        check_in.activity_reprompted = True
        turn.say("reprompt_activity")
    else:
        turn.flag(
            FlagKind.NEEDS_REVIEW,
            f"A reply to the {check_in.label} check-in was not understood, even after "
            f"asking again: {_quote(turn)}",
        )
        turn.say("received")


def _move_on(turn: Turn, check_in: CheckIn) -> None:
    """After an answer: the next question, or thanks when both are in; then the rules."""
    if check_in.pain is not None and check_in.activity is not None:
        check_in.status = CheckInStatus.ANSWERED
        check_in.answered_at = turn.now
        check_in.ended_at = check_in.ended_at or turn.now
        turn.say("thanks")
    else:
        check_in.status = CheckInStatus.PARTIAL
        check_in.answered_at = check_in.answered_at or turn.now
        turn.say("ask_activity" if check_in.pain is not None else "reminder_pain")
    enrollment = check_in.enrollment
    evaluate_enrollment(turn.session, enrollment, now=turn.now, on_call=turn.on_call)
    complete_if_done(enrollment, now=turn.now)


def _read(body: str, expecting: Question) -> Reading:
    """The reply read for the open question (a correction of the pain score included)."""
    return read_answer(body, expecting)


def _answer_late(turn: Turn, check_in: CheckIn) -> bool:
    was_missed = check_in.status == CheckInStatus.MISSED
    reading = _read(turn.message.body, _expecting(check_in))
    if not _record(check_in, reading):
        return False
    turn.message.check_in_id = check_in.id
    _move_on(turn, check_in)
    if was_missed and check_in.enrollment is not None:
        _resolve_no_response(turn, check_in)
    return True


def _resolve_no_response(turn: Turn, check_in: CheckIn) -> None:
    """The late answer means the check-in was not missed after all: unless another check-in
    is still missed, the ``no_response`` flag no longer holds."""
    if any(c.status == CheckInStatus.MISSED for c in check_in.enrollment.check_ins):
        return
    resolve_when_gone(
        turn.session,
        check_in.enrollment,
        FlagKind.NO_RESPONSE,
        why=f"A late answer came for the {check_in.label} check-in: no check-in is missed now.",
        now=turn.now,
    )


def _quote(turn: Turn) -> str:
    return quote(turn.message.body)
