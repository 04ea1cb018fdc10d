"""The Twilio-compatible test server, driven by the real twilio.rest.Client over real HTTP."""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from recovery.sending.twilio_gateway import TwilioApiHttpClient, make_twilio_client
from tests.support.twilio_http import LoopbackServer, Reply
from tests.support.twilio_messages import count_segments
from tests.support.twilio_server import TwilioServer

SENDER = "+15005550006"
PATIENT = "+15625550123"
# The properties of `api.v2010.account.message` in Twilio's OpenAPI description.
MESSAGE_FIELDS = {
    "account_sid", "api_version", "body", "date_created", "date_sent", "date_updated",
    "direction", "error_code", "error_message", "from", "messaging_service_sid", "num_media",
    "num_segments", "price", "price_unit", "sid", "status", "subresource_uris", "to", "uri",
}  # fmt: skip


@dataclass(frozen=True)
class Callback:
    """One webhook request as received."""

    url: str
    params: dict[str, str]
    signature: str


class CallbackRecorder:
    """A webhook endpoint on loopback that records what is POSTed to it and answers 204."""

    def __init__(self) -> None:
        self.received: queue.Queue[Callback] = queue.Queue()
        self.server = LoopbackServer(self)
        self.url = self.server.base_url + "/webhooks/twilio/status"

    def respond(self, method: str, path: str, query: str, form: str, headers: Message) -> Reply:
        url = self.server.base_url + path + (f"?{query}" if query else "")
        signature = headers.get("X-Twilio-Signature") or ""
        self.received.put(Callback(url, dict(parse_qsl(form)), signature))
        return Reply(204, None)

    def next(self) -> Callback:
        return self.received.get(timeout=5)


def close(client: Client) -> None:
    """Close the client's pooled connections."""
    http_client = client.http_client
    assert isinstance(http_client, TwilioApiHttpClient)
    http_client.close()


@pytest.fixture
def twilio_server() -> Iterator[TwilioServer]:
    with TwilioServer() as server:
        yield server


@pytest.fixture
def twilio_client(twilio_server: TwilioServer) -> Iterator[Client]:
    client = make_twilio_client(
        twilio_server.account_sid, twilio_server.auth_token, twilio_server.base_url, timeout=5
    )
    yield client
    close(client)


@pytest.fixture
def recorder() -> Iterator[CallbackRecorder]:
    recorder = CallbackRecorder()
    recorder.server.start()
    yield recorder
    recorder.server.stop()


def messages_url(server: TwilioServer) -> str:
    """The Messages list URL of the server's account."""
    return f"{server.base_url}/2010-04-01/Accounts/{server.account_sid}/Messages.json"


def post_create(
    server: TwilioServer, session: requests.Session | None = None, timeout: float = 5, **form: str
) -> requests.Response:
    """A raw create request, to see Twilio's exact answer."""
    auth = (server.account_sid, server.auth_token)
    post = session.post if session else requests.post
    return post(messages_url(server), data=form, auth=auth, timeout=timeout)


def test_create_answers_with_every_field_of_twilios_message_schema(
    twilio_server: TwilioServer,
) -> None:
    answer = post_create(twilio_server, To=PATIENT, From=SENDER, Body="Hi Maria")
    raw = answer.json()
    assert answer.status_code == 201
    assert set(raw) == MESSAGE_FIELDS
    assert re.fullmatch(r"SM[0-9a-f]{32}", raw["sid"])
    assert (raw["status"], raw["direction"], raw["to"], raw["from"]) == (
        "queued",
        "outbound-api",
        PATIENT,
        SENDER,
    )
    assert raw["price"] is None and raw["error_code"] is None and raw["num_segments"] == "1"
    assert raw["date_created"].endswith(" +0000")
    assert parsedate_to_datetime(raw["date_created"]) <= datetime.now(UTC)
    assert raw["uri"] == f"/2010-04-01/Accounts/{raw['account_sid']}/Messages/{raw['sid']}.json"


def test_create_through_a_messaging_service_is_accepted(twilio_client: Client) -> None:
    service = "MG" + "1" * 32
    message = twilio_client.messages.create(to=PATIENT, messaging_service_sid=service, body="Hi")
    assert (message.status, message.messaging_service_sid, message.from_) == (
        "accepted",
        service,
        None,
    )


def test_fetch_returns_the_stored_message(
    twilio_client: Client, twilio_server: TwilioServer
) -> None:
    sid = twilio_client.messages.create(to=PATIENT, from_=SENDER, body="Hello").sid
    fetched = twilio_client.messages(sid).fetch()
    assert (fetched.sid, fetched.body, fetched.to) == (sid, "Hello", PATIENT)
    assert twilio_server.message(sid).body == "Hello"


def test_fetch_of_an_unknown_sid_is_a_20404(twilio_client: Client) -> None:
    with pytest.raises(TwilioRestException) as caught:
        twilio_client.messages("SM" + "0" * 32).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_list_by_to_is_newest_first(twilio_client: Client) -> None:
    sids = [
        twilio_client.messages.create(to=PATIENT, from_=SENDER, body=f"#{i}").sid for i in range(3)
    ]
    twilio_client.messages.create(to="+15625550999", from_=SENDER, body="someone else")
    listed = twilio_client.messages.list(to=PATIENT)
    assert [m.sid for m in listed] == sids[::-1]


def test_list_by_date_sent_follows_twilios_date_filters(twilio_client: Client) -> None:
    twilio_client.messages.create(to=PATIENT, from_=SENDER, body="one")
    twilio_client.messages.create(to=PATIENT, from_=SENDER, body="two")
    now = datetime.now(UTC)
    assert (
        len(twilio_client.messages.list(to=PATIENT, date_sent_after=now - timedelta(minutes=1)))
        == 2
    )
    assert twilio_client.messages.list(to=PATIENT, date_sent_after=now + timedelta(minutes=1)) == []
    assert twilio_client.messages.list(date_sent_before=now - timedelta(days=1)) == []
    assert len(twilio_client.messages.list(date_sent=now.date().isoformat())) == 2
    tomorrow = (now.date() + timedelta(days=1)).isoformat()
    assert twilio_client.messages.list(date_sent_after=tomorrow) == []


def test_stream_pages_through_every_message_once(twilio_client: Client) -> None:
    sids = [
        twilio_client.messages.create(to=PATIENT, from_=SENDER, body=f"#{i}").sid for i in range(7)
    ]
    first = twilio_client.messages.page(to=PATIENT, page_size=3)
    assert first.next_page_url is not None and "PageToken=PA" in first.next_page_url
    assert [m.sid for m in twilio_client.messages.stream(to=PATIENT, page_size=3)] == sids[::-1]


def test_wrong_credentials_get_twilios_401_body(twilio_server: TwilioServer) -> None:
    url = messages_url(twilio_server)
    answer = requests.post(
        url, data={"To": PATIENT}, auth=(twilio_server.account_sid, "x"), timeout=5
    )
    assert answer.status_code == 401
    assert answer.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }
    assert requests.get(url, timeout=5).status_code == 401
    assert twilio_server.create_counts == {"unauthorized": 1}


def test_client_with_a_wrong_token_gets_code_20003(twilio_server: TwilioServer) -> None:
    client = make_twilio_client(twilio_server.account_sid, "wrong", twilio_server.base_url)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=PATIENT, from_=SENDER, body="Hi")
    close(client)
    assert (caught.value.status, caught.value.code) == (401, 20003)


def test_another_accounts_path_is_not_found(twilio_server: TwilioServer) -> None:
    other = "AC" + "0" * 32
    url = f"{twilio_server.base_url}/2010-04-01/Accounts/{other}/Messages.json"
    auth = (twilio_server.account_sid, twilio_server.auth_token)
    assert requests.get(url, auth=auth, timeout=5).json()["code"] == 20404


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ("+15005550001", 21211),
        ("+15005550002", 21612),
        ("+15005550003", 21408),
        ("+15005550004", 21610),
        ("+15005550009", 21614),
        ("555-0123", 21211),
    ],
)
def test_magic_to_numbers_fail_with_twilios_codes(
    twilio_client: Client, to: str, code: int
) -> None:
    with pytest.raises(TwilioRestException) as caught:
        twilio_client.messages.create(to=to, from_=SENDER, body="Hi")
    assert (caught.value.status, caught.value.code) == (400, code)


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"From": SENDER, "Body": "Hi"}, 21604),
        ({"To": PATIENT, "From": SENDER}, 21602),
        ({"To": PATIENT, "From": SENDER, "Body": ""}, 21602),
        ({"To": PATIENT, "Body": "Hi"}, 21603),
        ({"To": PATIENT, "From": SENDER, "Body": "Hi", "ValidityPeriod": "0"}, 21624),
        ({"To": PATIENT, "From": SENDER, "Body": "Hi", "ValidityPeriod": "36001"}, 21624),
        ({"To": PATIENT, "From": SENDER, "Body": "Hi", "StatusCallback": "ftp://x"}, 21609),
    ],
)
def test_bad_create_requests_get_twilios_codes(
    twilio_server: TwilioServer, form: dict[str, str], code: int
) -> None:
    answer = post_create(twilio_server, **form)
    assert answer.status_code == 400
    assert answer.json() == {
        "code": code,
        "message": answer.json()["message"],
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": 400,
    }
    assert twilio_server.messages == []


def test_every_documented_create_parameter_is_accepted(twilio_server: TwilioServer) -> None:
    form = {
        "To": PATIENT, "From": SENDER, "Body": "Hi", "ValidityPeriod": "36000",
        "StatusCallback": "https://example.org/status", "ProvideFeedback": "true",
        "Attempt": "1", "SmartEncoded": "true", "ShortenUrls": "false", "SendAsMms": "false",
        "ContentRetention": "retain", "AddressRetention": "retain", "ForceDelivery": "false",
    }  # fmt: skip
    answer = post_create(twilio_server, **form)
    assert answer.status_code == 201
    assert twilio_server.messages[0].params == form


def test_fail_next_answers_500_then_recovers(
    twilio_client: Client, twilio_server: TwilioServer
) -> None:
    twilio_server.fail_next(1, status=500)
    with pytest.raises(TwilioRestException) as caught:
        twilio_client.messages.create(to=PATIENT, from_=SENDER, body="Hi")
    assert (caught.value.status, caught.value.code) == (500, 20500)
    twilio_client.messages.create(to=PATIENT, from_=SENDER, body="Hi")
    assert twilio_server.create_counts == {"failed_500": 1, "created": 1}


def test_a_429_carries_code_20429_and_retry_after(twilio_server: TwilioServer) -> None:
    twilio_server.fail_next(1, status=429)
    answer = post_create(twilio_server, To=PATIENT, From=SENDER, Body="Hi")
    assert (answer.status_code, answer.json()["code"]) == (429, 20429)
    assert answer.headers["Retry-After"] == "1"


def test_fault_rate_fails_the_same_creates_for_the_same_seed() -> None:
    def outcomes(seed: int) -> list[int]:
        with TwilioServer(seed=seed) as server:
            server.set_fault_rate(0.5, status=500)
            answers = [post_create(server, To=PATIENT, From=SENDER, Body="x") for _ in range(20)]
            return [answer.status_code for answer in answers]

    first = outcomes(seed=3)
    assert first == outcomes(seed=3)
    assert set(first) == {201, 500}


def test_a_hung_create_times_out_but_the_message_is_stored(twilio_server: TwilioServer) -> None:
    client = make_twilio_client(
        twilio_server.account_sid, twilio_server.auth_token, twilio_server.base_url, timeout=0.3
    )
    twilio_server.hang_next(1, seconds=2.0)
    with pytest.raises(requests.ReadTimeout):
        client.messages.create(to=PATIENT, from_=SENDER, body="Hi")
    close(client)
    assert [m.body for m in twilio_server.messages] == ["Hi"]
    assert twilio_server.create_counts == {"hung": 1}


def test_a_late_store_hang_stores_only_after_the_hang(twilio_server: TwilioServer) -> None:
    twilio_server.hang_next(1, seconds=0.5, is_stored_late=True)
    with pytest.raises(requests.ReadTimeout):
        post_create(twilio_server, timeout=0.2, To=PATIENT, From=SENDER, Body="Hi")
    assert twilio_server.messages == []
    deadline = time.monotonic() + 5
    while not twilio_server.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(twilio_server.messages) == 1


def test_latency_delays_each_create(twilio_client: Client, twilio_server: TwilioServer) -> None:
    twilio_server.latency = 0.2
    started = time.monotonic()
    twilio_client.messages.create(to=PATIENT, from_=SENDER, body="Hi")
    assert time.monotonic() - started >= 0.2


def test_status_callback_is_signed_for_request_validator(
    twilio_client: Client, twilio_server: TwilioServer, recorder: CallbackRecorder
) -> None:
    sid = twilio_client.messages.create(
        to=PATIENT, from_=SENDER, body="Hi", status_callback=recorder.url
    ).sid
    assert twilio_server.send_status_callback(sid, "undelivered", error_code=30003) == 204
    callback = recorder.next()
    assert callback.params == {
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": "undelivered",
        "SmsStatus": "undelivered",
        "AccountSid": twilio_server.account_sid,
        "From": SENDER,
        "To": PATIENT,
        "ApiVersion": "2010-04-01",
        "ErrorCode": "30003",
    }
    validator = RequestValidator(twilio_server.auth_token)
    assert validator.validate(callback.url, callback.params, callback.signature)
    assert not validator.validate(callback.url, callback.params | {"To": "+1"}, callback.signature)
    assert twilio_client.messages(sid).fetch().status == "undelivered"


def test_auto_callbacks_report_sent_then_delivered_or_undelivered(
    recorder: CallbackRecorder,
) -> None:
    unlucky = "+15625550404"
    with TwilioServer(auto_callbacks=True, undelivered={unlucky: 30005}) as server:
        for to in (PATIENT, unlucky):
            post_create(server, To=to, From=SENDER, Body="Hi", StatusCallback=recorder.url)
            first, second = recorder.next(), recorder.next()
            assert (first.params["MessageStatus"], first.params["To"]) == ("sent", to)
            final = "undelivered" if to == unlucky else "delivered"
            assert second.params["MessageStatus"] == final
        assert second.params["ErrorCode"] == "30005"


def test_a_hundred_creates_at_150_ms_are_answered_side_by_side() -> None:
    # How fast is the benchmarks' question (make bench); here: a hundred really in flight.
    local = threading.local()
    sessions: list[requests.Session] = []

    def create(number: int) -> int:
        if not hasattr(local, "session"):  # one keep-alive connection per thread
            local.session = requests.Session()
            sessions.append(local.session)
        return post_create(
            server, local.session, To=PATIENT, From=SENDER, Body=str(number)
        ).status_code

    with TwilioServer(latency=0.15) as server:
        with ThreadPoolExecutor(max_workers=100) as pool:
            statuses = list(pool.map(create, range(1000)))
        for session in sessions:
            session.close()
        assert statuses == [201] * 1000
        assert server.create_counts == {"created": 1000}
        assert server.max_in_flight == 100


def test_stats_count_outcomes_and_arrival_and_acceptance_times(
    twilio_server: TwilioServer,
) -> None:
    twilio_server.latency = 0.05
    twilio_server.fail_next(1, status=429)
    for to in (PATIENT, PATIENT, "+15005550001"):
        post_create(twilio_server, To=to, From=SENDER, Body="Hi")
    assert twilio_server.create_counts == {"failed_429": 1, "created": 1, "invalid": 1}
    assert len(twilio_server.accepted_times) == 1 and twilio_server.max_in_flight == 1
    [received], [accepted] = twilio_server.received_times, twilio_server.accepted_times
    assert accepted - received >= 0.05
    twilio_server.reset_stats()
    assert (twilio_server.create_counts, twilio_server.accepted_times) == ({}, [])
    assert twilio_server.received_times == []


def test_stop_closes_kept_alive_connections(twilio_server: TwilioServer) -> None:
    with requests.Session() as session:
        auth = (twilio_server.account_sid, twilio_server.auth_token)
        url = messages_url(twilio_server)
        assert session.get(url, auth=auth, timeout=5).status_code == 200
        twilio_server.stop()
        with pytest.raises(requests.ConnectionError):
            session.get(url, auth=auth, timeout=5)


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("[" * 80, 1),
        ("[" * 81, 2),
        ("ó" * 70, 1),
        ("ó" * 71, 2),
        ("número " * 20, 3),
    ],
)
def test_segments_are_counted_as_twilio_bills_them(body: str, segments: int) -> None:
    assert count_segments(body) == segments
