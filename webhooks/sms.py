"""Inbound texts: ``POST /webhooks/twilio/sms``, answered with TwiML.

The text is stored first, in its own transaction; only then is it understood and answered.
A Twilio retry of the same MessageSid gets the same answer and is stored once. A failure
while answering never loses the text and never sends Twilio a 5xx: the text is kept and
flagged for a nurse.
"""

from __future__ import annotations

from flask import Response, current_app, request
from flask.typing import ResponseReturnValue
from twilio.twiml.messaging_response import MessagingResponse

from config.settings import Settings
from recovery.conversation.inbound import InboundText, is_sid
from recovery.conversation.replies import Reply, receive_text
from recovery.runtime import Runtime, utc_now
from recovery.sending.signing import public_url
from webhooks import blueprint
from webhooks.signatures import is_from_twilio

STATUS_PATH = "/webhooks/twilio/status"


def twiml(settings: Settings, replies: list[Reply]) -> Response:
    """A TwiML answer with one <Message> per reply (an empty <Response/> for none).

    Each asks Twilio for its delivery status (``action``), naming our stored copy of it, so
    the thread shows whether the reply reached the phone.
    """
    response = MessagingResponse()
    for reply in replies:
        action = public_url(settings, f"{STATUS_PATH}?reply={reply.message_id}")
        response.message(reply.body, action=action, method="POST")
    return Response(str(response), mimetype="text/xml")


@blueprint.post("/sms")
def inbound_sms() -> ResponseReturnValue:
    """Store, understand and answer one inbound text."""
    runtime: Runtime = current_app.extensions["recovery"]
    if not is_from_twilio(runtime.settings, request):
        return "Forbidden: bad or missing X-Twilio-Signature", 403
    form = request.form
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if not is_sid(sid):
        return "Bad request: MessageSid is missing or is not a Twilio SID", 400
    text = InboundText(
        sid=sid,
        from_number=form.get("From", ""),
        to_number=form.get("To", ""),
        body=form.get("Body", ""),
        params=form.to_dict(),
    )
    return twiml(runtime.settings, receive_text(runtime, text, now=utc_now()))
