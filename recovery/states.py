"""The status and kind vocabularies (SPEC section 3), each with its transitions."""

from __future__ import annotations

from enum import StrEnum

# The reason written on check-ins cancelled because the patient opted out.
OPTED_OUT_REASON = "patient opted out"
# A check-in already past its latest lateness when the patient was enrolled: never sent,
# and no flag (the service was not down, and the patient was never asked).
ENROLLED_LATE_REASON = "enrolled_late"


class EnrollmentStatus(StrEnum):
    """An enrollment: ``active`` -> ``completed`` (every check-in ended) or ``withdrawn``
    (a nurse may reinstate a withdrawn one: back to ``active``)."""

    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class CheckInStatus(StrEnum):
    """One scheduled contact with a patient.

    ::

        scheduled --(text accepted by Twilio)--> sent --(one answer)--> partial
            |                                     |                        |
            |                                     +--(both answers)--> answered
            |                                     +--(wait over, nothing)--> missed
            +--(overdue past latest lateness)--> missed (reason "stale")
            +--(opt-out, withdrawal, protocol change)--> cancelled
            +--(number cannot take texts)--> failed

        (enrolled after its latest lateness) --> missed (reason "enrolled_late", no flag)

    ``partial`` stays ``partial`` when the wait ends (the answer is kept for the rules);
    a late pain score within ``late_answer_hours`` still completes a ``missed`` one.
    """

    SCHEDULED = "scheduled"
    SENT = "sent"
    PARTIAL = "partial"
    ANSWERED = "answered"
    MISSED = "missed"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Direction(StrEnum):
    """Which way a text went."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class MessageKind(StrEnum):
    """Why an outbound text was sent (inbound texts are ``reply``)."""

    WELCOME = "welcome"
    CHECK_IN = "check_in"
    REMINDER = "reminder"
    RESPONSE = "response"
    ON_CALL = "on_call"
    REPLY = "reply"


class MessageStatus(StrEnum):
    """A text's delivery status; it only ever moves forward.

    Outbound, ours before Twilio has it::

        pending --(claimed with a lease)--> claimed --(Twilio accepted)--> queued | accepted
           ^                                   |
           +---(retryable error, or lease expired and Twilio has no such text)
        claimed --(permanent error)--> failed;  pending --(opt-out, stale)--> cancelled

    Then Twilio's own, from status callbacks::

        queued < sending < sent < delivered | undelivered | failed

    Inbound texts are ``received``.
    """

    PENDING = "pending"
    CLAIMED = "claimed"
    ACCEPTED = "accepted"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    RECEIVED = "received"


STATUS_RANK = {
    MessageStatus.PENDING: 0,
    MessageStatus.CLAIMED: 1,
    MessageStatus.ACCEPTED: 2,
    MessageStatus.QUEUED: 2,
    MessageStatus.SENDING: 3,
    MessageStatus.SENT: 4,
    MessageStatus.DELIVERED: 5,
    MessageStatus.UNDELIVERED: 5,
    MessageStatus.FAILED: 5,
    MessageStatus.CANCELLED: 5,
    MessageStatus.RECEIVED: 5,
}


class FlagKind(StrEnum):
    """Why a nurse must look at an enrollment (SPEC section 3)."""

    RED_FLAG_SYMPTOMS = "red_flag_symptoms"
    SEVERE_PAIN = "severe_pain"
    WORSENING_PAIN = "worsening_pain"
    PERSISTENT_PAIN = "persistent_pain"
    NOT_IMPROVING = "not_improving"
    LIMITED_MOBILITY = "limited_mobility"
    NO_RESPONSE = "no_response"
    DELIVERY_FAILURE = "delivery_failure"
    OPTED_OUT = "opted_out"
    NEEDS_REVIEW = "needs_review"
    PATIENT_COMMENT = "patient_comment"


class Severity(StrEnum):
    """How soon a flag needs a nurse: ``urgent`` > ``high`` > ``normal``."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"


SEVERITY_RANK = {Severity.URGENT: 3, Severity.HIGH: 2, Severity.NORMAL: 1}


class FlagStatus(StrEnum):
    """A flag: ``open`` -> ``acknowledged`` -> ``resolved``, or ``open`` -> ``resolved``."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Role(StrEnum):
    """What a staff user may do: nurses work flags, admins also run the service."""

    NURSE = "nurse"
    ADMIN = "admin"
