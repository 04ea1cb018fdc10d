"""A correction after a check-in is complete ("sorry, pain is 9 not 7", SPEC 5.5).

Within the hours a late answer has (``late_answer_hours`` after the check-in was answered),
a text that reads as a correction and gives a different value updates the check-in, runs
the rules again, and keeps both values: in the check-in's reason ("corrected: pain 7 -> 9")
and in the audit log.
"""

from __future__ import annotations

from datetime import timedelta

from recovery.conversation.turns import Turn
from recovery.flags.lifecycle import evaluate_enrollment
from recovery.models import CheckIn, Enrollment
from recovery.protocols.definitions import spec_of
from recovery.staff.audit import record_event
from recovery.states import CheckInStatus
from recovery.understanding.corrections import is_correction
from recovery.understanding.parsing import read_reply


def amend_answered(turn: Turn) -> bool:
    """Apply a correction to the newest check-in answered lately; True if one was applied."""
    enrollment = turn.enrollment
    if enrollment is None or not is_correction(turn.message.body):
        return False
    check_in = _answered_lately(enrollment, turn)
    if check_in is None:
        return False
    reading = read_reply(turn.message.body, "pain")
    changes = {
        name: (old, new)
        for name, old, new in (
            ("pain", check_in.pain, reading.pain),
            ("activity", check_in.activity, reading.activity),
        )
        if new is not None and new != old
    }
    if not changes:
        return False
    check_in.pain = reading.pain if "pain" in changes else check_in.pain
    check_in.activity = reading.activity if "activity" in changes else check_in.activity
    said = ", ".join(f"{name} {old} -> {new}" for name, (old, new) in changes.items())
    check_in.reason = f"corrected: {said}"[:200]
    turn.message.check_in_id = check_in.id
    record_event(
        turn.session,
        actor="patient",
        action="check_in.correct",
        record_type="check_in",
        record_id=check_in.id,
        now=turn.now,
        detail={name: list(values) for name, values in changes.items()},
    )
    evaluate_enrollment(turn.session, enrollment, now=turn.now, on_call=turn.on_call)
    turn.say("thanks")
    return True


def _answered_lately(enrollment: Enrollment, turn: Turn) -> CheckIn | None:
    window = timedelta(hours=spec_of(enrollment.protocol).late_answer_hours)
    answered = [
        c
        for c in enrollment.check_ins
        if c.status == CheckInStatus.ANSWERED
        and c.answered_at is not None
        and turn.now - c.answered_at <= window
    ]
    return max(answered, key=lambda c: c.answered_at or turn.now) if answered else None
