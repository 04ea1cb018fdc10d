"""SMS gateways behind one small interface: Twilio's REST API (``twilio_gateway``), or the
console in development.

A gateway sends one text and tells what happened in the terms the caller needs:

- it worked: a `SentText` with Twilio's SID and first status;
- `SendError` with `is_retryable`: nothing was sent, trying again later may work
  (429/20429, 5xx, connection refused), after this gateway's own retries ran out;
- `SendError` with `is_uncertain`: the request may have reached Twilio (no answer in time), so
  the text may be out; look with `find_sent` before sending it again;
- `SendError` with neither: Twilio refused this text for good, `code` says why
  (21211 invalid number, 21610 unsubscribed, 21612, 21614, 21408, 20003 bad credentials...).

Nothing here logs or raises a phone number or a message body: patient details stay out of logs.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentText:
    """What Twilio answered to a send: the message SID and its first status."""

    sid: str
    status: str  # as Twilio answered: 'queued', or 'accepted' with a Messaging Service


@dataclass(frozen=True)
class FoundText:
    """A text already sent to a number, found when reconciling after a crash or a timeout."""

    sid: str
    body: str
    status: str
    date_created: datetime  # UTC, whole seconds (as Twilio reports it)


@dataclass(frozen=True)
class ReceivedText:
    """A text a phone sent to one of our numbers, as Twilio's message log keeps it."""

    sid: str
    from_number: str
    to_number: str
    body: str
    arrived_at: datetime  # UTC, when Twilio received it
    media_count: int


@dataclass(frozen=True)
class TextStatus:
    """A sent text's delivery status as Twilio knows it now."""

    status: str
    error_code: int | None


class SendError(Exception):
    """A text was not sent, or it cannot be told whether it was (see the module docstring)."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        is_retryable: bool = False,
        is_uncertain: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code  # Twilio's error code, e.g. 21211
        self.status = status  # HTTP status of Twilio's answer, None when there was none
        self.is_retryable = is_retryable
        self.is_uncertain = is_uncertain
        self.retry_after = retry_after  # seconds Twilio asked us to wait (Retry-After)


class SmsGateway(Protocol):
    """Sends texts and finds those already sent."""

    def send(
        self,
        to: str,
        body: str,
        *,
        status_callback: str | None = None,
        validity_period: int | None = None,
    ) -> SentText:
        """Send one text to an E.164 number; raise SendError when it was not (surely) sent."""
        ...

    def prepare(self) -> None:
        """Make what this thread's sends need (without sending), so its first send is not late."""
        ...

    def find_sent(self, to: str, since: datetime) -> list[FoundText]:
        """Texts sent to a number at or after a UTC instant, newest first."""
        ...

    def fetch_status(self, sid: str) -> TextStatus | None:
        """A sent text's status now (None where the gateway keeps none)."""
        ...

    def list_received(self, to: str, since: datetime) -> list[ReceivedText]:
        """Texts phones sent to our number ``to`` since a UTC instant, oldest first."""
        ...

    def service_numbers(self, service_sid: str) -> list[str]:
        """The phone numbers of a Messaging Service (where its texts arrive)."""
        ...


def mask_phone(number: str) -> str:
    """A phone number fit for logs: only its last two digits, like `+*********23`."""
    return "+" + "*" * max(len(number) - 3, 0) + number[-2:]


class ConsoleGateway:
    """Sends nothing and logs only that a text went out; the caller stores it for the simulator."""

    def send(
        self,
        to: str,
        body: str,
        *,
        status_callback: str | None = None,
        validity_period: int | None = None,
    ) -> SentText:
        """Log a masked line for the text and answer as if it were sent."""
        _logger.info("SMS to %s: %d chars", mask_phone(to), len(body))
        return SentText(sid="CO" + uuid.uuid4().hex, status="sent")

    def prepare(self) -> None:
        """Nothing to make."""

    def find_sent(self, to: str, since: datetime) -> list[FoundText]:
        """Nothing: console texts exist only where the caller stored them."""
        return []

    def fetch_status(self, sid: str) -> TextStatus | None:
        """None: console texts have no delivery status to ask about."""
        return None

    def list_received(self, to: str, since: datetime) -> list[ReceivedText]:
        """Nothing: with no carrier, every text comes through the webhook (the simulator)."""
        return []

    def service_numbers(self, service_sid: str) -> list[str]:
        """None: there is no Messaging Service."""
        return []

    def close(self) -> None:
        """Nothing to release."""
