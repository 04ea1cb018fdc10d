"""Delivery-status callbacks: ``POST /webhooks/twilio/status``.

A text is found by its SID, or, before its SID is recorded, by the id its callback URL names
(``?message=<id>`` for a text sent through the REST API, ``?reply=<id>`` for a reply sent in
a TwiML answer). Most callbacks are one indexed statement (``recovery.sending.callbacks``).
"""

from __future__ import annotations

from flask import current_app, request
from flask.typing import ResponseReturnValue

from recovery.conversation.inbound import is_sid
from recovery.runtime import Runtime, utc_now
from recovery.sending.callbacks import apply_callback, named_id
from webhooks import blueprint
from webhooks.signatures import is_from_twilio


def _error_code(text: str | None) -> int | None:
    # ASCII digits only ("²".isdigit() is true), and few enough for an integer column.
    digits = (text or "").strip()
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else None


@blueprint.post("/status")
def delivery_status() -> ResponseReturnValue:
    """Move a text's status forward; 403 and nothing stored when the signature is wrong."""
    runtime: Runtime = current_app.extensions["recovery"]
    if not is_from_twilio(runtime.settings, request):
        return "Forbidden: bad or missing X-Twilio-Signature", 403
    sid = request.form.get("MessageSid", "")
    status = request.form.get("MessageStatus") or request.form.get("SmsStatus") or ""
    if not is_sid(sid):
        return "", 204
    named = named_id(request.args.get("message") or request.args.get("reply") or "")
    code = _error_code(request.form.get("ErrorCode"))
    with runtime.transaction() as session:
        apply_callback(session, sid, status.lower(), code, named_id=named, now=utc_now())
    return "", 204
