"""Posting inbound texts to the webhook exactly as Twilio signs them."""

from __future__ import annotations

import re
import uuid
from html import unescape

from config.settings import Settings
from recovery.sending.signing import public_url, sign

PATH = "/webhooks/twilio/sms"


def twilio_form(body: str, sender: str, **extra: str) -> dict[str, str]:
    """The form parameters Twilio posts for an inbound SMS."""
    return {
        "MessageSid": extra.pop("MessageSid", "SM" + uuid.uuid4().hex),
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def post_sms(client, settings: Settings, body: str, sender: str, **extra: str):  # type: ignore[no-untyped-def]
    """POST a signed inbound text; return the response."""
    form = twilio_form(body, sender, **extra)
    signature = sign(settings, public_url(settings, PATH), form)
    return client.post(PATH, data=form, headers={"X-Twilio-Signature": signature})


def replies(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of the TwiML answer's <Message> elements."""
    xml = response.get_data(as_text=True)
    return [
        unescape(text) for text in re.findall(r"<Message(?: [^>]*)?>(.*?)</Message>", xml, re.S)
    ]
