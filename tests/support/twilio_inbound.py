"""A patient's text reaching the service the way Twilio delivers it, and the TwiML it answers.

Twilio posts the inbound text to the webhook, signed; it then sends each <Message> of the
TwiML answer to the patient and reports its delivery to the verb's `action` URL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from xml.etree import ElementTree

from tests.support.twilio_http import post_signed_form_reading
from tests.support.twilio_server import TwilioServer

SERVICE_NUMBER = "+15005550006"


@dataclass(frozen=True)
class Answered:
    """The webhook's HTTP status, and each reply Twilio sent: its SID and text."""

    status: int
    replies: list[tuple[str, str]]


def text_in(twilio: TwilioServer, webhook_url: str, sender: str, body: str) -> Answered:
    """Deliver one inbound text to the webhook, then send what the TwiML answer says."""
    sid = "SM" + uuid.uuid4().hex
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
    status, twiml = post_signed_form_reading(webhook_url, form, twilio.auth_token)
    replies: list[tuple[str, str]] = []
    if status == 200 and twiml:
        for element in ElementTree.fromstring(twiml).iter("Message"):
            text = element.text or ""
            action = element.get("action")
            replies.append((twilio.send_twiml_reply(sender, SERVICE_NUMBER, text, action), text))
    return Answered(status, replies)
