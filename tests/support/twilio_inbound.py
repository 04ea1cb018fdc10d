"""A patient's text reaching the service the way Twilio delivers it, and the TwiML it answers.

Twilio posts the inbound text to the webhook, signed; it then sends each <Message> of the
TwiML answer to the patient and reports its delivery to the verb's `action` URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree

from tests.support.twilio_http import post_signed_form_reading
from tests.support.twilio_server import TwilioServer

SERVICE_NUMBER = "+15005550006"


@dataclass(frozen=True)
class Answered:
    """The webhook's HTTP status, and each reply Twilio sent: its SID and text."""

    status: int
    replies: list[tuple[str, str]]


def text_in(
    twilio: TwilioServer,
    webhook_url: str | None,
    sender: str,
    body: str,
    *,
    at: datetime | None = None,
) -> Answered:
    """A text reaches Twilio (kept in its log), which posts it to the webhook and sends what
    the TwiML answer says. With no webhook (the service is down) it stays only in the log;
    a webhook that does not answer 200 is not retried, as with Twilio."""
    sid = twilio.text_arrives(sender, SERVICE_NUMBER, body, at=at).sid
    if webhook_url is None:
        return Answered(0, [])
    return deliver(twilio, webhook_url, sender, body, sid)


def deliver(
    twilio: TwilioServer,
    webhook_url: str,
    sender: str,
    body: str,
    sid: str,
    *,
    answer_dropped: bool = False,
) -> Answered:
    """Post a text already in Twilio's log to the webhook, then send its TwiML answer (or,
    ``answer_dropped``, not: Twilio drops an answer that came after its webhook timeout)."""
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": twilio.account_sid,
        "From": sender,
        "To": SERVICE_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    try:
        status, twiml = post_signed_form_reading(webhook_url, form, twilio.auth_token)
    except OSError:  # nothing listens: the web app is down
        return Answered(0, [])
    replies: list[tuple[str, str]] = []
    if status == 200 and twiml and not answer_dropped:
        for element in ElementTree.fromstring(twiml).iter("Message"):
            text = element.text or ""
            action = element.get("action")
            replies.append((twilio.send_twiml_reply(sender, SERVICE_NUMBER, text, action), text))
    return Answered(status, replies)
