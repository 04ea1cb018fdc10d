"""What happens to one outbound text around Twilio: may it go now, and what its answer means."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from recovery.flags.lifecycle import raise_flag
from recovery.models import CheckIn, Enrollment, Message, Patient
from recovery.patients.consent import opt_out
from recovery.protocols.definitions import ProtocolSpec
from recovery.protocols.schedule import into_window, is_in_window
from recovery.sending.gateways import SendError
from recovery.states import STATUS_RANK, CheckInStatus, EnrollmentStatus, FlagKind, MessageKind
from recovery.states import MessageStatus as Status

MAX_ATTEMPTS = 8
OPTED_OUT = 21610
BAD_CREDENTIALS = 20003
CREDENTIALS_RETRY = timedelta(minutes=5)
UNCERTAIN_WAIT = timedelta(minutes=1)
WINDOWED_KINDS = {MessageKind.WELCOME, MessageKind.CHECK_IN, MessageKind.REMINDER}
ERROR_WORDS = {
    21211: "the number is not a valid phone number",
    21408: "texts to this country are not enabled",
    21612: "the number cannot be reached by text",
    21614: "the number is not a mobile number",
    30003: "the phone is unreachable (off or out of service)",
    30004: "the message was blocked by the recipient",
    30005: "the number is unknown or no longer in service",
    30006: "the number is a landline or cannot take texts",
    30007: "the carrier filtered the message",
    30008: "the carrier could not deliver it",
}
_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendFacts:
    """What decides whether a claimed text may go now, read from its rows in one query.

    ``timezone`` is None when the text has no patient, ``enrollment_status`` and ``spec``
    when it has no enrollment, ``check_in_status`` when it has no check-in.
    """

    kind: MessageKind
    is_opted_out: bool
    timezone: str | None
    enrollment_status: EnrollmentStatus | None
    is_paused: bool
    spec: ProtocolSpec | None
    check_in_status: CheckInStatus | None
    check_in_due_at: datetime | None
    check_in_ended_at: datetime | None

    @property
    def validity(self) -> int | None:
        """How long Twilio may keep trying to deliver the text (its ValidityPeriod)."""
        return self.spec.validity_period_seconds if self.spec is not None else None


def refusal_of(facts: SendFacts, *, now: datetime) -> str | None:
    """None if the claimed text may go now, else why not (``refuse`` then acts on it)."""
    if facts.kind == MessageKind.ON_CALL:
        return None
    if facts.is_opted_out or facts.enrollment_status == EnrollmentStatus.WITHDRAWN:
        return "cancelled"
    if facts.spec is None:
        return None
    if facts.check_in_status is not None:
        refusal = _check_in_refusal(facts, facts.spec, now)
        if refusal is not None:
            return refusal
    is_windowed = facts.timezone is not None and facts.kind in WINDOWED_KINDS
    if is_windowed and not is_in_window(now, ZoneInfo(str(facts.timezone)), facts.spec.window):
        return "deferred"
    return None


def _check_in_refusal(facts: SendFacts, spec: ProtocolSpec, now: datetime) -> str | None:
    if facts.kind != MessageKind.CHECK_IN:  # a reminder or a re-ask: only while it is open
        is_open = facts.check_in_status in (CheckInStatus.SENT, CheckInStatus.PARTIAL)
        return None if is_open and facts.check_in_ended_at is None else "cancelled"
    if facts.check_in_status != CheckInStatus.SCHEDULED:
        return "cancelled"
    if facts.is_paused:
        return "paused"
    lateness = timedelta(hours=spec.latest_lateness_hours)
    if facts.check_in_due_at is not None and now - facts.check_in_due_at > lateness:
        return "stale"
    return None


def refuse(
    session: Session, message: Message, refusal: str, facts: SendFacts, *, now: datetime
) -> str:
    """Put a claimed text that may not go (``refusal_of``) where it belongs; say why."""
    if refusal == "deferred":
        assert facts.timezone is not None and facts.spec is not None  # only then deferred
        at = into_window(now, ZoneInfo(facts.timezone), facts.spec.window)
        _requeue(message, at, count_attempt=False)
        return refusal
    check_in = session.get(CheckIn, message.check_in_id) if message.check_in_id else None
    if check_in is not None and refusal == "paused":
        check_in.queued_at = None  # queued again when follow-up resumes
    if check_in is not None and refusal == "stale":
        check_in.status = CheckInStatus.MISSED
        check_in.reason = "stale"
        check_in.ended_at = now
    return _cancel(message, now, refusal)


def _cancel(message: Message, now: datetime, outcome: str) -> str:
    message.status = Status.CANCELLED
    message.status_at = now
    message.lease_until = None
    return outcome


def _requeue(message: Message, at: datetime, *, count_attempt: bool = True) -> None:
    message.status = Status.PENDING
    message.next_attempt_at = at
    message.claimed_by = None
    message.lease_until = None
    if not count_attempt:
        message.attempts = max(0, message.attempts - 1)


def record_sent(session: Session, message: Message, sid: str, status: str, *, now: datetime) -> str:
    """Twilio has the text: keep its SID and status; a check-in is now ``sent``.

    A status callback can come before the sender records Twilio's answer: the status then
    stays the later one (statuses only move forward).
    """
    message.sid = sid
    new = Status(status) if status in Status._value2member_map_ else Status.QUEUED
    if STATUS_RANK[new] > STATUS_RANK[message.status]:
        message.status, message.status_at = new, now
    message.sent_at = message.sent_at or now
    message.lease_until = None
    if message.kind == MessageKind.CHECK_IN and message.check_in_id is not None:
        check_in = session.get(CheckIn, message.check_in_id)
        if check_in is not None and check_in.status == CheckInStatus.SCHEDULED:
            check_in.status = CheckInStatus.SENT
            check_in.sent_at = now
    return "sent"


def record_failure(session: Session, message: Message, error: SendError, *, now: datetime) -> str:
    """Decide what a refused or unanswered send means for the text and its check-in."""
    if error.is_uncertain:
        message.lease_until = now + UNCERTAIN_WAIT  # then checked at Twilio before any new try
        return "uncertain"
    if error.code == BAD_CREDENTIALS:
        _logger.error(
            "Twilio refused our credentials (error 20003): texts stay queued until "
            "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are fixed"
        )
        _requeue(message, now + CREDENTIALS_RETRY, count_attempt=False)
        return "held"
    if error.is_retryable and message.attempts < MAX_ATTEMPTS:
        _requeue(message, now + backoff(message.attempts))
        return "retry"
    message.status = Status.FAILED
    message.error_code = error.code
    message.status_at = now
    message.lease_until = None
    if error.code == OPTED_OUT and message.patient_id is not None:
        patient = session.get(Patient, message.patient_id)
        if patient is not None:
            opt_out(session, patient, how="the carrier reports the number unsubscribed", now=now)
        return "opted_out"
    fail_delivery(session, message, error.code, now=now)
    return "failed"


def backoff(attempts: int) -> timedelta:
    """How long a text waits before its next try: 30 s doubling, at most 30 minutes."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 1800))


def fail_delivery(session: Session, message: Message, code: int | None, *, now: datetime) -> None:
    """A text that will not arrive: fail its unanswered check-in and flag it for a nurse."""
    if message.kind == MessageKind.ON_CALL or message.enrollment_id is None:
        _logger.error("an on-call or staff text could not be delivered (error %s)", code)
        return
    words = ERROR_WORDS.get(code or 0, "it could not be delivered")
    check_in = session.get(CheckIn, message.check_in_id) if message.check_in_id else None
    is_unanswered = check_in is not None and check_in.status in (
        CheckInStatus.SCHEDULED,
        CheckInStatus.SENT,
    )
    if check_in is not None and is_unanswered and message.kind == MessageKind.CHECK_IN:
        check_in.status = CheckInStatus.FAILED
        check_in.reason = f"{words} (error {code})" if code else words
        check_in.ended_at = now
    enrollment = session.get(Enrollment, message.enrollment_id)
    if enrollment is not None:
        raise_flag(
            session,
            enrollment,
            FlagKind.DELIVERY_FAILURE,
            reason=f"A {message.kind.value.replace('_', '-')} text was not delivered: {words}"
            + (f" (Twilio error {code})." if code else "."),
            message_ids=(message.id,),
            now=now,
        )


def record_status(
    session: Session, message: Message, status: str, code: int | None, *, now: datetime
) -> bool:
    """Apply a delivery-status callback; statuses only move forward. True if it changed."""
    if status not in Status._value2member_map_:
        return False
    new = Status(status)
    if STATUS_RANK[new] <= STATUS_RANK[message.status] or message.status in _FINAL:
        return False
    message.status = new
    message.status_at = now
    if new in (Status.FAILED, Status.UNDELIVERED):
        message.error_code = code
        fail_delivery(session, message, code, now=now)
    return True


_FINAL = {Status.DELIVERED, Status.UNDELIVERED, Status.FAILED, Status.CANCELLED, Status.RECEIVED}
