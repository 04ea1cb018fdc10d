"""A Twilio-compatible Messages API on loopback for tests: real HTTP, faults on demand.

    with TwilioServer(latency=0.15) as server:
        client = make_twilio_client(server.account_sid, server.auth_token, server.base_url)
        server.fail_next(2, status=429)
        ...
        server.send_status_callback(sid, "delivered")

Everything that can be changed while it runs (latency, faults, auto callbacks) is safe to change
from the test's thread; everything it reports is a snapshot taken under a lock.
"""

from __future__ import annotations

import base64
import hmac
import logging
import random
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Any, Self
from urllib.parse import parse_qs

from tests.support.twilio_http import LoopbackServer, Reply, post_signed_form
from tests.support.twilio_messages import (
    API_VERSION,
    MessageStore,
    StoredMessage,
    TwilioError,
    validate_create,
)

TEST_ACCOUNT_SID = "AC" + "5e" * 16
TEST_AUTH_TOKEN = "f00dfeed" * 4
_ROUTE = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages(?:/(?P<sid>[^/.]+))?\.json$"
)
# Twilio's Messaging API (messaging.twilio.com): the numbers of a Messaging Service.
_SERVICE_NUMBERS = re.compile(r"^/v1/Services/(?P<service>MG[0-9a-f]{32})/PhoneNumbers$")
_logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fault:
    """What to do to one create request instead of answering it at once."""

    status: int | None = None  # answer with this HTTP error (500 or 429)
    hang: float = 0.0  # create the message, but answer only after this many seconds
    is_stored_late: bool = False  # ... and store it only after the hang, not before


class _Faults:
    """Planned and random failures of create requests, changeable while the server runs."""

    def __init__(self, seed: int) -> None:
        self._lock = threading.Lock()
        self._planned: deque[Fault] = deque()
        self._rng = random.Random(seed)
        self._rate = 0.0
        self._rate_status = 500

    def plan(self, fault: Fault, times: int) -> None:
        with self._lock:
            self._planned.extend([fault] * times)

    def set_rate(self, rate: float, status: int) -> None:
        with self._lock:
            self._rate, self._rate_status = rate, status

    def next(self) -> Fault | None:
        with self._lock:
            if self._planned:
                return self._planned.popleft()
            if self._rate and self._rng.random() < self._rate:
                return Fault(status=self._rate_status)
        return None


class _CreateStats:
    """Counts of create requests by outcome, in-flight high-water mark, arrival and acceptance
    times."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.in_flight = 0
        self.max_in_flight = 0
        self.accepted_times: list[float] = []
        self.received_times: list[float] = []

    @contextmanager
    def tracking(self) -> Iterator[None]:
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            with self.lock:
                self.in_flight -= 1

    def count(
        self, outcome: str, accepted_at: float | None = None, received_at: float | None = None
    ) -> None:
        with self.lock:
            self.counts[outcome] += 1
            if accepted_at is not None:
                self.accepted_times.append(accepted_at)
            if received_at is not None:
                self.received_times.append(received_at)


class TwilioServer:
    """Twilio's Messages API on 127.0.0.1 in a background thread, with faults to inject."""

    retry_after_seconds = 1

    def __init__(
        self,
        account_sid: str = TEST_ACCOUNT_SID,
        auth_token: str = TEST_AUTH_TOKEN,
        *,
        latency: float = 0.0,
        seed: int = 0,
        auto_callbacks: bool = False,
        undelivered: Mapping[str, int] | None = None,
        callback_workers: int = 4,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.latency = latency  # seconds added to every create
        self.auto_callbacks = auto_callbacks  # send `sent` then `delivered` after each create
        # Post them before answering the create, as when the sender is slow to record it.
        self.callbacks_before_answer = False
        self.undelivered = dict(undelivered or {})  # To number -> error code (30003-30007)
        self.service_numbers: dict[str, list[str]] = {}  # Messaging Service SID -> its numbers
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self._authorization = f"Basic {credentials}".encode()
        self._store = MessageStore(account_sid)
        self._faults = _Faults(seed)
        self._stats = _CreateStats()
        self._stopping = threading.Event()
        self._httpd: LoopbackServer | None = None
        self._callbacks = ThreadPoolExecutor(callback_workers, thread_name_prefix="twilio-callback")
        # The HTTP status each automatic callback got (0: no answer at all).
        self.callback_statuses: Counter[int] = Counter()

    def start(self) -> Self:
        """Listen on an ephemeral loopback port and serve in a background thread."""
        self._httpd = LoopbackServer(self)
        self._httpd.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every open connection and wake any hanging request."""
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.stop()
        self._callbacks.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Where the API answers, like `http://127.0.0.1:PORT`."""
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        return self._httpd.base_url

    # Faults -----------------------------------------------------------------------------

    def fail_next(self, times: int = 1, status: int = 500) -> None:
        """Answer the next `times` creates with 500 (code 20500) or 429 (code 20429)."""
        self._faults.plan(Fault(status=status), times)

    def set_fault_rate(self, rate: float, status: int = 500) -> None:
        """Fail this share (0-1) of later creates at random, from the seeded generator."""
        self._faults.set_rate(rate, status)

    def hang_next(self, times: int = 1, seconds: float = 2.0, is_stored_late: bool = False) -> None:
        """Accept the next creates but answer only after `seconds`: sent, never heard back."""
        self._faults.plan(Fault(hang=seconds, is_stored_late=is_stored_late), times)

    # Introspection ----------------------------------------------------------------------

    @property
    def messages(self) -> list[StoredMessage]:
        """Every stored message, oldest first (copies)."""
        return self._store.snapshot()

    def message(self, sid: str) -> StoredMessage:
        """One stored message by SID."""
        return self._store.get(sid)

    @property
    def create_counts(self) -> dict[str, int]:
        """Create requests by outcome: created, hung, invalid, unauthorized, failed_500, ..."""
        with self._stats.lock:
            return dict(self._stats.counts)

    @property
    def max_in_flight(self) -> int:
        """The most create requests being handled at the same time so far."""
        with self._stats.lock:
            return self._stats.max_in_flight

    @property
    def accepted_times(self) -> list[float]:
        """`time.monotonic()` of each create that stored a message, in order."""
        with self._stats.lock:
            return list(self._stats.accepted_times)

    @property
    def received_times(self) -> list[float]:
        """`time.monotonic()` at which each create that stored a message arrived, in order."""
        with self._stats.lock:
            return sorted(self._stats.received_times)

    def reset_stats(self) -> None:
        """Forget counts, the in-flight high-water mark and acceptance times."""
        with self._stats.lock:
            self._stats.counts.clear()
            self._stats.max_in_flight = self._stats.in_flight
            self._stats.accepted_times.clear()
            self._stats.received_times.clear()

    # Status callbacks -------------------------------------------------------------------

    def send_status_callback(self, sid: str, status: str, error_code: int | None = None) -> int:
        """Move a message to `status` and POST the signed callback; return the HTTP status."""
        stored = self._store.set_status(sid, status, error_code)
        url = stored.params.get("StatusCallback")
        if not url:
            raise ValueError(f"message {sid} has no StatusCallback")
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "AccountSid": self.account_sid,
            "From": stored.resource["from"],
            "To": stored.to,
            "ApiVersion": API_VERSION,
        }
        if stored.resource["messaging_service_sid"]:
            params["MessagingServiceSid"] = stored.resource["messaging_service_sid"]
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return post_signed_form(url, params, self.auth_token)

    def text_arrives(
        self, sender: str, to: str, body: str, *, at: datetime | None = None
    ) -> StoredMessage:
        """A patient's text reaches Twilio: it is in the message log whether or not the
        webhook then takes it (see `twilio_inbound.text_in`)."""
        return self._store.receive(sender, to, body, at or datetime.now(UTC))

    def lose_status_callback(self, sid: str, status: str, error_code: int | None = None) -> None:
        """Move a message to `status` with no callback, as when ours never arrived."""
        self._store.set_status(sid, status, error_code)

    def send_twiml_reply(self, to: str, from_: str, body: str, action: str | None) -> str:
        """Send one <Message> of a TwiML answer, as Twilio does: stored like a created message,
        its delivery reported to the verb's `action` URL (when auto callbacks are on)."""
        params = {"To": to, "From": from_, "Body": body}
        if action:
            params["StatusCallback"] = action
        stored = self._store.create(params)
        if self.auto_callbacks and action:
            self._report_delivery(stored.sid, stored.to)
        return stored.sid

    def _report_delivery(self, sid: str, to: str) -> None:
        error_code = self.undelivered.get(to)
        final = "undelivered" if error_code else "delivered"
        for status, code in (("sent", None), (final, error_code)):
            try:
                answer = self.send_status_callback(sid, status, code)
            except OSError:
                _logger.exception("status callback for %s failed", sid)
                answer = 0
            with self._stats.lock:
                self.callback_statuses[answer] += 1

    # Requests ---------------------------------------------------------------------------

    def respond(self, method: str, path: str, query: str, form: str, headers: Message) -> Reply:
        """Answer one API request as Twilio would."""
        authorization = headers.get("Authorization") or ""
        service = _SERVICE_NUMBERS.match(path)
        if service is not None and method == "GET":
            if not hmac.compare_digest(authorization.encode(), self._authorization):
                return _error_reply(TwilioError(20003, 401))
            return Reply(200, self._service_numbers_page(service["service"], path))
        route = _ROUTE.match(path)
        is_create = method == "POST" and route is not None and route["sid"] is None
        try:
            if route is None:
                raise TwilioError(20404, 404, path)
            if not hmac.compare_digest(authorization.encode(), self._authorization):
                raise TwilioError(20003, 401)
            if route["account"] != self.account_sid:
                raise TwilioError(20404, 404, path)
            if is_create:
                return self._create(_form_params(form))
            return self._read(method, route["sid"], parse_qs(query, keep_blank_values=True))
        except TwilioError as error:
            if is_create and error.code == 20003:
                self._stats.count("unauthorized")
            return _error_reply(error)

    def _service_numbers_page(self, service: str, path: str) -> dict[str, Any]:
        numbers = self.service_numbers.get(service, [])
        return {
            "phone_numbers": [
                {
                    "sid": "PN" + f"{index:032x}",
                    "account_sid": self.account_sid,
                    "service_sid": service,
                    "phone_number": number,
                    "country_code": "US",
                    "capabilities": ["SMS"],
                    "url": f"https://messaging.twilio.com{path}/PN{index:032x}",
                }
                for index, number in enumerate(numbers)
            ],
            "meta": {
                "page": 0,
                "page_size": 50,
                "first_page_url": f"https://messaging.twilio.com{path}?PageSize=50&Page=0",
                "previous_page_url": None,
                "url": f"https://messaging.twilio.com{path}?PageSize=50&Page=0",
                "next_page_url": None,
                "key": "phone_numbers",
            },
        }

    def _read(self, method: str, sid: str | None, query: dict[str, list[str]]) -> Reply:
        if method != "GET":
            raise TwilioError(20004, 405)
        if sid is None:
            return Reply(200, self._store.page(query))
        return Reply(200, self._store.get(sid).resource)

    def _create(self, params: dict[str, str]) -> Reply:
        received_at = time.monotonic()
        with self._stats.tracking():
            if self.latency:
                self._stopping.wait(self.latency)
            fault = self._faults.next() or Fault()
            if fault.status is not None:
                self._stats.count(f"failed_{fault.status}")
                return _fault_reply(fault.status, self.retry_after_seconds)
            try:
                validate_create(params)
            except TwilioError:
                self._stats.count("invalid")
                raise
            return self._store_created(params, fault, received_at)

    def _store_created(self, params: dict[str, str], fault: Fault, received_at: float) -> Reply:
        if fault.is_stored_late:
            self._stopping.wait(fault.hang)
        stored = self._store.create(params)
        self._stats.count("hung" if fault.hang else "created", time.monotonic(), received_at)
        if self.auto_callbacks and params.get("StatusCallback") and not self._stopping.is_set():
            if self.callbacks_before_answer:
                self._report_delivery(stored.sid, stored.to)
            else:
                self._callbacks.submit(self._report_delivery, stored.sid, stored.to)
        if fault.hang and not fault.is_stored_late:
            self._stopping.wait(fault.hang)
        return Reply(201, stored.resource)


def _form_params(form: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(form, keep_blank_values=True).items()}


def _error_reply(error: TwilioError) -> Reply:
    return Reply(error.status, error.body())


def _fault_reply(status: int, retry_after: int) -> Reply:
    if status == 429:
        return Reply(429, TwilioError(20429, 429).body(), {"Retry-After": str(retry_after)})
    return Reply(status, TwilioError(20500, status).body())
