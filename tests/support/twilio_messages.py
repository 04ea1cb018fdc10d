"""Twilio's Messages resource without the HTTP: validation, storage, listing and paging.

The stand-in for Twilio in `tests.support.twilio_server` keeps its messages here. Field names, error
codes and message shapes follow Twilio's 2010-04-01 API (its OpenAPI description and error
dictionary); only what this project relies on is modelled.
"""

from __future__ import annotations

import math
import operator
import re
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

API_VERSION = "2010-04-01"
# Twilio's magic test number that stands for "a sender from the Messaging Service's pool".
MESSAGING_SERVICE_SENDER = "+15005550006"
# Twilio's magic test numbers for `To`, with the error each one triggers.
MAGIC_TO_ERRORS: dict[str, int] = {
    "+15005550001": 21211,
    "+15005550002": 21612,
    "+15005550003": 21408,
    "+15005550004": 21610,
    "+15005550009": 21614,
}
ERROR_TEXTS: dict[int, str] = {
    20001: "Invalid parameter: {detail}",
    20003: "Authenticate",
    20004: "Method not allowed",
    20404: "The requested resource {detail} was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    21211: "Invalid 'To' Phone Number: {detail}",
    21408: "Permission to send an SMS has not been enabled for the region indicated by "
    "the 'To' number: {detail}",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21609: "Invalid 'StatusCallback' url: {detail}",
    21610: "Attempt to send to unsubscribed recipient",
    21612: "The 'To' phone number: {detail}, is not currently reachable using the 'From' "
    "phone number via SMS.",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
    21624: "Invalid validity period value: {detail}",
}
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = set("^{}\\[~]|€\f")
_DATE_FILTERS = (("DateSent", operator.eq), ("DateSent<", operator.le), ("DateSent>", operator.ge))
_LIST_FILTERS = ("To", "From", "DateSent", "DateSent<", "DateSent>")


class TwilioError(Exception):
    """An error answer of Twilio's REST API: an error code and an HTTP status."""

    def __init__(self, code: int, status: int = 400, detail: str = "") -> None:
        self.code = code
        self.status = status
        self.text = ERROR_TEXTS.get(code, "Error {detail}").format(detail=detail)
        super().__init__(self.text)

    def body(self) -> dict[str, Any]:
        """The JSON body Twilio answers with."""
        return {
            "code": self.code,
            "message": self.text,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


@dataclass
class StoredMessage:
    """One message as the server holds it: the resource Twilio shows, and what was posted."""

    resource: dict[str, Any]
    params: dict[str, str]
    created: datetime

    @property
    def sid(self) -> str:
        """The message SID (`SM...`)."""
        return str(self.resource["sid"])

    @property
    def to(self) -> str:
        """The recipient."""
        return str(self.resource["to"])

    @property
    def body(self) -> str:
        """The text sent."""
        return str(self.resource["body"])

    @property
    def status(self) -> str:
        """The delivery status Twilio reports now."""
        return str(self.resource["status"])


def count_segments(body: str) -> int:
    """How many SMS segments Twilio bills for this body (GSM-7 or UCS-2)."""
    if all(ch in _GSM7_BASIC or ch in _GSM7_EXTENDED for ch in body):
        units = len(body) + sum(ch in _GSM7_EXTENDED for ch in body)
        single, multi = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, multi = 70, 67
    return 1 if units <= single else math.ceil(units / multi)


def validate_create(params: Mapping[str, str]) -> None:
    """Raise the TwilioError Twilio would answer to this create request, if any."""
    to = params.get("To", "")
    if not to:
        raise TwilioError(21604)
    if not (params.get("From") or params.get("MessagingServiceSid")):
        raise TwilioError(21603)
    body = params.get("Body", "")
    if not (body or params.get("MediaUrl") or params.get("ContentSid")):
        raise TwilioError(21602)
    if len(body) > 1600:
        raise TwilioError(21617)
    _validate_options(params)
    if to in MAGIC_TO_ERRORS:
        raise TwilioError(MAGIC_TO_ERRORS[to], detail=to)
    if not _E164.match(to.removeprefix("whatsapp:")):
        raise TwilioError(21211, detail=to)


def _validate_options(params: Mapping[str, str]) -> None:
    callback = params.get("StatusCallback")
    if callback is not None and urlsplit(callback).scheme not in ("http", "https"):
        raise TwilioError(21609, detail=callback)
    validity = params.get("ValidityPeriod")
    if validity is not None and not (validity.isdigit() and 1 <= int(validity) <= 36000):
        raise TwilioError(21624, detail=validity)


def build_resource(account_sid: str, params: Mapping[str, str], now: datetime) -> dict[str, Any]:
    """The message resource Twilio answers a successful create with."""
    sid = "SM" + uuid.uuid4().hex
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}.json"
    service_sid = params.get("MessagingServiceSid")
    sender = params.get("From")
    body = params.get("Body", "")
    stamp = format_datetime(now)
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": body,
        "date_created": stamp,
        "date_sent": stamp,
        "date_updated": stamp,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": sender,
        "messaging_service_sid": service_sid,
        "num_media": "1" if params.get("MediaUrl") else "0",
        "num_segments": str(count_segments(body)),
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "accepted" if service_sid and not sender else "queued",
        "subresource_uris": {
            "media": uri.removesuffix(".json") + "/Media.json",
            "feedback": uri.removesuffix(".json") + "/Feedback.json",
        },
        "to": params["To"],
        "uri": uri,
    }


class MessageStore:
    """The messages of one account, safe to use from many threads."""

    def __init__(self, account_sid: str) -> None:
        self.account_sid = account_sid
        self._lock = threading.Lock()
        self._messages: dict[str, StoredMessage] = {}  # in creation order

    def create(self, params: Mapping[str, str]) -> StoredMessage:
        """Store a new outbound message built from validated create parameters."""
        with self._lock:
            now = datetime.now(UTC)
            stored = StoredMessage(build_resource(self.account_sid, params, now), dict(params), now)
            self._messages[stored.sid] = stored
            return replace(stored)

    def receive(self, sender: str, to: str, body: str, at: datetime) -> StoredMessage:
        """Log a text a phone sent to one of our numbers, as Twilio does when it arrives."""
        with self._lock:
            resource = build_resource(
                self.account_sid, {"To": to, "From": sender, "Body": body}, at
            )
            resource.update(direction="inbound", status="received")
            stored = StoredMessage(resource, {"To": to, "From": sender, "Body": body}, at)
            self._messages[stored.sid] = stored
            return replace(stored)

    def get(self, sid: str) -> StoredMessage:
        """One message by SID; TwilioError 20404 when there is none."""
        with self._lock:
            stored = self._messages.get(sid)
        if stored is None:
            path = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}.json"
            raise TwilioError(20404, 404, path)
        return replace(stored)

    def snapshot(self) -> list[StoredMessage]:
        """All messages, oldest first, as copies."""
        with self._lock:
            return [replace(stored) for stored in self._messages.values()]

    def set_status(self, sid: str, status: str, error_code: int | None) -> StoredMessage:
        """Move a message to a delivery status, as Twilio does before a status callback."""
        with self._lock:
            stored = self._messages.get(sid)
            if stored is None:
                raise KeyError(sid)
            # Copy on write: snapshots handed out earlier keep their resource dict unchanged.
            stored.resource = {
                **stored.resource,
                "status": status,
                "error_code": error_code,
                "from": stored.resource["from"] or MESSAGING_SERVICE_SENDER,
                "date_updated": format_datetime(datetime.now(UTC)),
            }
            return replace(stored)

    def page(self, query: Mapping[str, list[str]]) -> dict[str, Any]:
        """One page of the list answer, newest first, with Twilio's paging fields."""
        size = _int_param(query, "PageSize", 50, 1, 1000)
        number = _int_param(query, "Page", 0, 0, 1_000_000)
        token = query.get("PageToken", [""])[0]
        matches = [m for m in reversed(self.snapshot()) if _matches(m, query)]
        start = _start_index(matches, number, size, token)
        chunk = matches[start : start + size]
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages.json"
        filters = {key: query[key][0] for key in _LIST_FILTERS if key in query}

        def uri(page: int, page_token: str = "") -> str:
            paging = {"PageSize": str(size), "Page": str(page)}
            if page_token:
                paging["PageToken"] = page_token
            return base + "?" + urlencode(filters | paging)

        has_next = start + size < len(matches)
        return {
            "messages": [m.resource for m in chunk],
            "first_page_uri": uri(0),
            "next_page_uri": uri(number + 1, "PA" + chunk[-1].sid) if has_next else None,
            "previous_page_uri": uri(number - 1) if number > 0 else None,
            "page": number,
            "page_size": size,
            "start": start,
            "end": start + max(len(chunk) - 1, 0),
            "uri": uri(number, token),
        }


def _int_param(query: Mapping[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    text = query.get(name, [str(default)])[0]
    if not text.isdigit() or not low <= int(text) <= high:
        raise TwilioError(20001, detail=f"{name}={text}")
    return int(text)


def _start_index(matches: list[StoredMessage], number: int, size: int, token: str) -> int:
    # The token names the last message of the previous page, so new messages arriving while a
    # client pages through do not shift what it sees.
    sids = [m.sid for m in matches]
    if token.startswith("PA") and token[2:] in sids:
        return sids.index(token[2:]) + 1
    return number * size


def _matches(stored: StoredMessage, query: Mapping[str, list[str]]) -> bool:
    resource = stored.resource
    if "To" in query and resource["to"] != query["To"][0]:
        return False
    if "From" in query and resource["from"] != query["From"][0]:
        return False
    sent = stored.created.replace(microsecond=0)  # date_sent as the client sees it
    return all(test(sent) for test in _date_tests(query))


def _date_tests(query: Mapping[str, list[str]]) -> list[Callable[[datetime], bool]]:
    return [_date_test(query[name][0], compare) for name, compare in _DATE_FILTERS if name in query]


def _date_test(text: str, compare: Callable[[Any, Any], bool]) -> Callable[[datetime], bool]:
    # Twilio takes a GMT date (YYYY-MM-DD); twilio-python sends datetimes as YYYY-MM-DDTHH:MM:SSZ.
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return lambda sent: compare(sent.date(), day)
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise TwilioError(20001, detail=f"DateSent={text}") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    if compare is operator.eq:
        return lambda sent: sent.date() == instant.date()
    return lambda sent: compare(sent, instant)
