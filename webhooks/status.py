"""Delivery-status callbacks: ``POST /webhooks/twilio/status``."""

from __future__ import annotations

from flask import current_app, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from recovery.conversation.inbound import is_sid
from recovery.models import Message
from recovery.runtime import Runtime, utc_now
from recovery.sending.delivery import record_status
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
    with runtime.transaction() as session:
        query = select(Message).where(Message.sid == sid).with_for_update()
        message = session.scalars(query).first() if is_sid(sid) else None
        if message is not None:
            code = _error_code(request.form.get("ErrorCode"))
            record_status(session, message, status.lower(), code, now=utc_now())
    return "", 204
