"""SMS gateways: TwilioGateway against the Twilio-compatible server over real HTTP."""

from __future__ import annotations

import logging
import random
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from recovery.sending.gateways import ConsoleGateway, SendError, SentText
from recovery.sending.twilio_gateway import DEFAULT_API_URL, TwilioApiHttpClient, TwilioGateway
from recovery.sending.wiring import make_gateway
from tests.support.twilio_server import TwilioServer

SENDER = "+15005550006"
SERVICE = "MG" + "ab" * 16
PATIENT = "+15625550123"


class Sleeps:
    """A sleep function that only records how long it was asked to wait."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def twilio_server() -> Iterator[TwilioServer]:
    with TwilioServer() as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_twilio_gateway(server: TwilioServer, sleeps: Sleeps, **settings: Any) -> TwilioGateway:
    """A gateway to the test server that records its backoff sleeps instead of waiting."""
    settings = {"from_number": SENDER, "sleep": sleeps, "rng": random.Random(7)} | settings
    return TwilioGateway(server.account_sid, server.auth_token, server.base_url, **settings)


@pytest.fixture
def gateway(twilio_server: TwilioServer, sleeps: Sleeps) -> Iterator[TwilioGateway]:
    gateway = make_twilio_gateway(twilio_server, sleeps)
    yield gateway
    gateway.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_send_with_a_from_number_is_stored_once_and_queued(
    gateway: TwilioGateway, twilio_server: TwilioServer
) -> None:
    sent = gateway.send(PATIENT, "Hi Maria, how bad was your back pain?")
    [stored] = twilio_server.messages
    assert sent == SentText(sid=stored.sid, status="queued")
    assert (stored.to, stored.body, stored.params["From"]) == (
        PATIENT,
        "Hi Maria, how bad was your back pain?",
        SENDER,
    )


def test_send_through_a_messaging_service_is_accepted(
    twilio_server: TwilioServer, sleeps: Sleeps
) -> None:
    gateway = make_twilio_gateway(
        twilio_server, sleeps, from_number=None, messaging_service_sid=SERVICE
    )
    sent = gateway.send(PATIENT, "Hi")
    gateway.close()
    assert sent.status == "accepted"
    assert twilio_server.message(sent.sid).params == {
        "To": PATIENT,
        "Body": "Hi",
        "MessagingServiceSid": SERVICE,
    }


def test_status_callback_and_validity_period_reach_twilio(
    gateway: TwilioGateway, twilio_server: TwilioServer
) -> None:
    callback = "https://clinic.example.org/webhooks/twilio/status"
    sent = gateway.send(PATIENT, "Hi", status_callback=callback, validity_period=3600)
    params = twilio_server.message(sent.sid).params
    assert (params["StatusCallback"], params["ValidityPeriod"]) == (callback, "3600")


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ("+15005550001", 21211),
        ("+15005550002", 21612),
        ("+15005550003", 21408),
        ("+15005550004", 21610),
        ("+15005550009", 21614),
    ],
)
def test_a_refused_number_raises_its_code_without_retrying(
    gateway: TwilioGateway, twilio_server: TwilioServer, sleeps: Sleeps, to: str, code: int
) -> None:
    with pytest.raises(SendError) as caught:
        gateway.send(to, "Hi")
    error = caught.value
    assert (error.code, error.status, error.is_retryable, error.is_uncertain) == (
        code,
        400,
        False,
        False,
    )
    assert to not in str(error)
    assert twilio_server.create_counts == {"invalid": 1}
    assert sleeps.delays == []


@pytest.mark.parametrize("status", [500, 503, 429])
def test_two_failures_then_success_stores_one_text(
    gateway: TwilioGateway, twilio_server: TwilioServer, sleeps: Sleeps, status: int
) -> None:
    twilio_server.fail_next(2, status=status)
    sent = gateway.send(PATIENT, "Hi")
    assert [m.sid for m in twilio_server.messages] == [sent.sid]
    assert twilio_server.create_counts == {f"failed_{status}": 2, "created": 1}
    assert len(sleeps.delays) == 2


def test_a_429_waits_as_long_as_retry_after_says(
    gateway: TwilioGateway, twilio_server: TwilioServer, sleeps: Sleeps
) -> None:
    twilio_server.fail_next(1, status=429)
    gateway.send(PATIENT, "Hi")
    assert sleeps.delays == [twilio_server.retry_after_seconds]


def test_backoff_is_exponential_with_full_jitter(
    twilio_server: TwilioServer, sleeps: Sleeps
) -> None:
    gateway = make_twilio_gateway(twilio_server, sleeps, max_attempts=6, backoff_base=0.5)
    twilio_server.fail_next(10, status=500)
    with pytest.raises(SendError):
        gateway.send(PATIENT, "Hi")
    gateway.close()
    ceilings = [0.5, 1.0, 2.0, 4.0, 8.0]
    assert len(sleeps.delays) == len(ceilings)
    assert all(0 <= delay <= top for delay, top in zip(sleeps.delays, ceilings, strict=True))
    assert len(set(sleeps.delays)) == len(ceilings)  # jittered, not a fixed ladder


def test_persistent_500_gives_up_retryable_after_max_attempts(
    gateway: TwilioGateway, twilio_server: TwilioServer, sleeps: Sleeps
) -> None:
    twilio_server.set_fault_rate(1.0, status=500)
    with pytest.raises(SendError) as caught:
        gateway.send(PATIENT, "Hi")
    error = caught.value
    assert (error.code, error.status, error.is_retryable, error.is_uncertain) == (
        20500,
        500,
        True,
        False,
    )
    assert twilio_server.create_counts == {"failed_500": 4}
    assert len(sleeps.delays) == 3
    assert twilio_server.messages == []


def test_twilios_client_adds_no_retries_of_its_own(
    twilio_server: TwilioServer, sleeps: Sleeps
) -> None:
    gateway = make_twilio_gateway(twilio_server, sleeps, max_attempts=1)
    twilio_server.fail_next(1, status=500)
    with pytest.raises(SendError) as caught:
        gateway.send(PATIENT, "Hi")
    gateway.close()
    assert caught.value.is_retryable
    assert twilio_server.create_counts == {"failed_500": 1}


def test_a_create_that_hangs_past_the_timeout_is_uncertain_and_found_later(
    twilio_server: TwilioServer, sleeps: Sleeps
) -> None:
    gateway = make_twilio_gateway(twilio_server, sleeps, timeout=0.3)
    before = datetime.now(UTC)
    twilio_server.hang_next(1, seconds=2.0)
    with pytest.raises(SendError) as caught:
        gateway.send(PATIENT, "Hi Maria")
    assert (caught.value.is_uncertain, caught.value.is_retryable) == (True, False)
    assert twilio_server.create_counts == {"hung": 1}  # not sent again
    [found] = gateway.find_sent(PATIENT, since=before)
    gateway.close()
    assert (found.sid, found.body) == (twilio_server.messages[0].sid, "Hi Maria")


def test_a_refused_connection_is_retried_then_retryable(sleeps: Sleeps) -> None:
    gateway = TwilioGateway(
        "AC" + "0" * 32,
        "token",
        f"http://127.0.0.1:{free_port()}",
        from_number=SENDER,
        sleep=sleeps,
    )
    with pytest.raises(SendError) as caught:
        gateway.send(PATIENT, "Hi")
    gateway.close()
    assert (caught.value.is_retryable, caught.value.is_uncertain) == (True, False)
    assert (caught.value.status, caught.value.code) == (None, None)
    assert len(sleeps.delays) == 3


def test_fifty_concurrent_sends_through_one_gateway_are_each_stored_once(
    gateway: TwilioGateway, twilio_server: TwilioServer
) -> None:
    twilio_server.latency = 0.05
    numbers = [f"+1562555{n:04d}" for n in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        sent = list(pool.map(lambda to: gateway.send(to, f"Hi {to}"), numbers))
    stored = {m.sid: m for m in twilio_server.messages}
    assert len(stored) == 50 and {s.sid for s in sent} == set(stored)
    assert sorted(m.to for m in stored.values()) == numbers
    assert all(m.body == f"Hi {m.to}" for m in stored.values())
    assert twilio_server.max_in_flight > 1


def test_prepare_makes_no_request_and_the_next_send_goes_through(
    gateway: TwilioGateway, twilio_server: TwilioServer
) -> None:
    gateway.prepare()
    assert twilio_server.create_counts == {} and twilio_server.messages == []
    gateway.send(PATIENT, "Hi")
    assert [m.to for m in twilio_server.messages] == [PATIENT]


def test_bad_credentials_raise_20003_without_retrying(
    twilio_server: TwilioServer, sleeps: Sleeps
) -> None:
    gateway = TwilioGateway(
        twilio_server.account_sid, "wrong", twilio_server.base_url, from_number=SENDER, sleep=sleeps
    )
    with pytest.raises(SendError) as caught:
        gateway.send(PATIENT, "Hi")
    gateway.close()
    assert (caught.value.code, caught.value.status, caught.value.is_retryable) == (
        20003,
        401,
        False,
    )
    assert twilio_server.create_counts == {"unauthorized": 1}


def test_find_sent_returns_texts_to_that_number_since_the_instant(
    gateway: TwilioGateway,
) -> None:
    gateway.send(PATIENT, "older")
    time.sleep(1.1)  # Twilio's dates have whole seconds
    since = datetime.now(UTC)
    newer = [gateway.send(PATIENT, f"newer {n}").sid for n in range(3)]
    gateway.send("+15625550999", "someone else")
    found = gateway.find_sent(PATIENT, since)
    assert [f.sid for f in found] == newer[::-1]
    assert all(f.date_created >= since.replace(microsecond=0) for f in found)
    assert gateway.find_sent(PATIENT, since.replace(tzinfo=None)) == found  # naive is UTC
    assert gateway.find_sent(PATIENT, since + timedelta(minutes=1)) == []


def test_find_sent_reads_past_the_first_page(
    gateway: TwilioGateway, twilio_server: TwilioServer
) -> None:
    since = datetime.now(UTC) - timedelta(seconds=1)
    for n in range(105):
        gateway.send(PATIENT, str(n))
    assert len(gateway.find_sent(PATIENT, since)) == 105


def test_the_http_client_swaps_twilios_host_for_the_api_url() -> None:
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?To=%2B1"
    staging = TwilioApiHttpClient("http://127.0.0.1:8080/twilio/", timeout=1)
    real = TwilioApiHttpClient(DEFAULT_API_URL, timeout=1)
    assert staging.redirect(url) == (
        "http://127.0.0.1:8080/twilio/2010-04-01/Accounts/AC1/Messages.json?To=%2B1"
    )
    assert real.redirect(url) == url
    staging.close()
    real.close()


def test_a_gateway_needs_a_sender() -> None:
    with pytest.raises(ValueError, match="sender"):
        TwilioGateway("AC" + "0" * 32, "token")


def test_console_gateway_logs_a_masked_number_and_no_body(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gateway = ConsoleGateway()
    with caplog.at_level(logging.DEBUG, logger="recovery.sending.gateways"):
        sent = gateway.send(PATIENT, "Hi Maria, pain 0-10?")
    assert sent.status == "sent" and sent.sid.startswith("CO") and len(sent.sid) == 34
    assert caplog.messages == ["SMS to +*********23: 20 chars"]
    assert gateway.find_sent(PATIENT, datetime.now(UTC)) == []


def test_make_gateway_builds_the_backend_named(twilio_server: TwilioServer) -> None:
    assert isinstance(make_gateway("console"), ConsoleGateway)
    twilio = make_gateway(
        "twilio",
        account_sid=twilio_server.account_sid,
        auth_token=twilio_server.auth_token,
        api_url=twilio_server.base_url,
        from_number=SENDER,
    )
    assert isinstance(twilio, TwilioGateway)
    assert twilio.send(PATIENT, "Hi").status == "queued"
    twilio.close()
    with pytest.raises(ValueError, match="unknown SMS backend"):
        make_gateway("carrier-pigeon")
