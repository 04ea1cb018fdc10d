"""The Twilio gateway: the official client over a pooled HTTP session per thread, retries
with backoff, and the search for a text that may have gone out (see ``gateways``)."""

from __future__ import annotations

import logging
import random
import threading
import time
import weakref
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError

from recovery.sending.gateways import FoundText, ReceivedText, SendError, SentText, TextStatus

DEFAULT_API_URL = "https://api.twilio.com"
_logger = logging.getLogger(__name__)
_T = TypeVar("_T")
# Twilio's list is newest first; stop reading once messages are this much older than asked for.
_FIND_SLACK = timedelta(days=1)
_FIND_LIMIT = 1000


class TwilioApiHttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sending to `api_url`, never retrying, keeping its last response.

    twilio-python builds every URL on https://api.twilio.com; this client swaps that scheme
    and host for `api_url`'s, which is how tests and staging reach a Twilio-compatible server.
    """

    def __init__(self, api_url: str = DEFAULT_API_URL, timeout: float = 10.0) -> None:
        super().__init__(timeout=timeout)
        assert self.session is not None  # pool_connections defaults to True
        adapter = HTTPAdapter(max_retries=0)  # retries are the gateway's: none down here
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        base = api_url.rstrip("/")
        self._base = None if base == DEFAULT_API_URL else urlsplit(base)
        self.last_response: Response | None = None

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Send one request to `api_url`; remember the response (its Retry-After)."""
        self.last_response = None
        self.last_response = super().request(
            method,
            self.redirect(url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )
        return self.last_response

    def redirect(self, url: str) -> str:
        """The URL with Twilio's scheme and host replaced by `api_url`'s."""
        if self._base is None:
            return url
        parts = urlsplit(url)
        path = self._base.path + parts.path
        return urlunsplit((self._base.scheme, self._base.netloc, path, parts.query, ""))

    def close(self) -> None:
        """Close the pooled connections."""
        if self.session is not None:
            self.session.close()

    def log_request(self, kwargs: dict[str, Any]) -> None:
        """Log nothing: Twilio's client logs query strings, and they carry phone numbers."""

    def log_response(self, status_code: int, response: Any) -> None:
        """Log nothing (see log_request)."""


def make_twilio_client(
    account_sid: str, auth_token: str, api_url: str = DEFAULT_API_URL, timeout: float = 10.0
) -> Client:
    """A twilio.rest.Client that talks to `api_url` with a request timeout and no retries."""
    http_client = TwilioApiHttpClient(api_url, timeout)
    return Client(account_sid, auth_token, http_client=http_client)


class _ThreadClients:
    """One Twilio client, so one requests session, per thread; closed when its thread ends.

    requests documents no thread-safety for a shared Session, and its maintainers advise one
    per thread; with one per thread each worker also keeps its own keep-alive connection.
    """

    def __init__(self, factory: Callable[[], Client]) -> None:
        self._factory = factory
        self._local = threading.local()
        self._lock = threading.Lock()
        self._finalizers: list[weakref.finalize[Any, Any]] = []

    def get(self) -> Client:
        """This thread's client, made on first use."""
        client: Client | None = getattr(self._local, "client", None)
        if client is None:
            client = self._factory()
            session = _http(client).session
            assert session is not None
            finalizer = weakref.finalize(client, session.close)
            with self._lock:
                self._finalizers = [f for f in self._finalizers if f.alive] + [finalizer]
            self._local.client = client
        return client

    def close_all(self) -> None:
        """Close every thread's session."""
        with self._lock:
            finalizers, self._finalizers = self._finalizers, []
        for finalizer in finalizers:
            finalizer()


def _http(client: Client) -> TwilioApiHttpClient:
    http_client = client.http_client
    assert isinstance(http_client, TwilioApiHttpClient)
    return http_client


class TwilioGateway:
    """Sends texts through Twilio's REST API (or a Twilio-compatible one at `api_url`).

    Safe to share between threads. Retries 429 and 5xx answers and refused connections with
    exponential backoff and full jitter (or Twilio's Retry-After), up to `max_attempts` tries.
    A create that got no answer is never retried: it raises SendError(is_uncertain=True).
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        api_url: str = DEFAULT_API_URL,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        timeout: float = 10.0,
        max_attempts: int = 4,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not (from_number or messaging_service_sid):
            raise ValueError("a Twilio sender is needed: from_number or messaging_service_sid")
        self._sender = {"from_": from_number, "messaging_service_sid": messaging_service_sid}
        self._clients = _ThreadClients(
            lambda: make_twilio_client(account_sid, auth_token, api_url, timeout)
        )
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._backoff_max = backoff_max
        self._sleep = sleep
        self._rng = rng or random.Random()

    def send(
        self,
        to: str,
        body: str,
        *,
        status_callback: str | None = None,
        validity_period: int | None = None,
    ) -> SentText:
        """Send one text; retry what is safe to retry; raise SendError otherwise."""
        options: dict[str, object] = self._sender | {
            "status_callback": status_callback,
            "validity_period": validity_period,
        }
        given = {name: value for name, value in options.items() if value is not None}
        message = self._call(
            lambda client: client.messages.create(to=to, body=body, **given),
            is_idempotent=False,
        )
        return SentText(sid=str(message.sid), status=str(message.status))

    def prepare(self) -> None:
        """Make this thread's client and its messages resource (no request is made)."""
        _messages = self._clients.get().messages

    def find_sent(self, to: str, since: datetime) -> list[FoundText]:
        """Texts sent to `to` at or after `since` (naive means UTC), newest first."""
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        floor = since.astimezone(UTC).replace(microsecond=0)  # Twilio keeps whole seconds
        return self._call(lambda client: _texts_since(client, to, floor), is_idempotent=True)

    def fetch_status(self, sid: str) -> TextStatus:
        """The text's status now, read from Twilio (a status callback may have been lost)."""
        message = self._call(lambda client: client.messages(sid).fetch(), is_idempotent=True)
        code = message.error_code
        return TextStatus(str(message.status), int(code) if code else None)

    def list_received(self, to: str, since: datetime) -> list[ReceivedText]:
        """Texts phones sent to ``to`` since ``since`` (UTC), read from Twilio's message log,
        oldest first: those that arrived while the webhook could not take them."""
        floor = (since if since.tzinfo else since.replace(tzinfo=UTC)).astimezone(UTC)
        return self._call(
            lambda client: _received_since(client, to, floor.replace(microsecond=0)),
            is_idempotent=True,
        )

    def service_numbers(self, service_sid: str) -> list[str]:
        """The phone numbers of a Messaging Service, read from Twilio's Messaging API."""
        return self._call(
            lambda client: [
                str(number.phone_number)
                for number in client.messaging.v1.services(service_sid).phone_numbers.stream()
            ],
            is_idempotent=True,
        )

    def close(self) -> None:
        """Close the HTTP connections of every thread that sent through this gateway."""
        self._clients.close_all()

    def _call(self, operation: Callable[[Client], _T], *, is_idempotent: bool) -> _T:
        attempt = 1
        while True:
            client = self._clients.get()
            try:
                return operation(client)
            except (TwilioException, requests.RequestException) as exc:
                error = _send_error(exc, _http(client).last_response, is_idempotent)
                if attempt >= self._max_attempts or not error.is_retryable:
                    if error.is_retryable:
                        error.add_note(f"gave up after {attempt} attempts")
                    raise error from exc
            self._sleep(self._backoff(attempt, error.retry_after))
            attempt += 1

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self._backoff_max)
        return self._rng.uniform(0, min(self._backoff_max, self._backoff_base * 2 ** (attempt - 1)))


def _texts_since(client: Client, to: str, floor: datetime) -> list[FoundText]:
    # Listed by `To` only: Twilio's DateSent filter would miss a text still queued (no
    # date_sent yet), which is just the one a timed-out create may have left behind.
    found = []
    for message in client.messages.stream(to=to, page_size=100, limit=_FIND_LIMIT):
        created = message.date_created
        if created is None:
            continue
        if created < floor - _FIND_SLACK:
            break
        if created >= floor:
            found.append(
                FoundText(str(message.sid), message.body or "", str(message.status), created)
            )
    return found


def _received_since(client: Client, to: str, floor: datetime) -> list[ReceivedText]:
    found = []
    for message in client.messages.stream(to=to, date_sent_after=floor, page_size=100):
        if message.direction != "inbound":
            continue
        arrived = message.date_sent or message.date_created or floor
        media = str(message.num_media or "0")
        found.append(
            ReceivedText(
                sid=str(message.sid),
                from_number=str(message.from_ or ""),
                to_number=str(message.to or ""),
                body=message.body or "",
                arrived_at=arrived,
                media_count=int(media) if media.isdigit() else 0,
            )
        )
    return sorted(found, key=lambda text: (text.arrived_at, text.sid))


def _send_error(exc: Exception, response: Response | None, is_idempotent: bool) -> SendError:
    if isinstance(exc, TwilioException):
        status = getattr(exc, "status", None) or (response.status_code if response else None)
        code = getattr(exc, "code", None)
        is_retryable = status is not None and (status == 429 or status >= 500)
        retry_after = _retry_after(response) if is_retryable and response is not None else None
        return SendError(
            f"Twilio answered HTTP {status} with error {code}",
            code=code if isinstance(code, int) else None,
            status=status,
            is_retryable=is_retryable,
            retry_after=retry_after,
        )
    name = type(exc).__name__  # not str(exc): its URL may hold a phone number
    if _is_before_sending(exc) or is_idempotent:
        return SendError(f"no answer from Twilio ({name})", is_retryable=True)
    return SendError(f"no answer from Twilio, the text may be sent ({name})", is_uncertain=True)


def _is_before_sending(exc: Exception) -> bool:
    """Whether the request surely never left: the connection was refused or never made."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError) and exc.args:
        # urllib3's NewConnectionError (refused, unreachable) is a ConnectTimeoutError.
        return isinstance(getattr(exc.args[0], "reason", None), ConnectTimeoutError)
    return False


def _retry_after(response: Response) -> float | None:
    value = (response.headers or {}).get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
