"""Delivery-status callbacks: ``POST /webhooks/twilio/status``.

A text we sent through the REST API is found by its SID. A reply sent in a TwiML answer
had no SID when we stored it: its ``action`` URL names it (``?reply=<id>``), and the first
callback gives it its SID.
"""

from __future__ import annotations

from flask import current_app, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from recovery.conversation.inbound import is_sid
from recovery.models import Message
from recovery.runtime import Runtime, utc_now
from recovery.sending.delivery import record_status
from recovery.states import Direction, MessageKind
from webhooks import blueprint
from webhooks.signatures import is_from_twilio


def _error_code(text: str | None) -> int | None:
    # ASCII digits only ("²".isdigit() is true), and few enough for an integer column.
    digits = (text or "").strip()
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else None


def _reply_named(session: Session, reply: str, sid: str) -> Message | None:
    """A reply we sent in a TwiML answer, named by its ``action`` URL; it learns its SID."""
    if not (reply.isascii() and reply.isdigit() and len(reply) <= 18):
        return None
    query = (
        select(Message)
        .where(
            Message.id == int(reply),
            Message.direction == Direction.OUTBOUND,
            Message.kind == MessageKind.RESPONSE,
            Message.sid.is_(None),
        )
        .with_for_update()
    )
    message = session.scalars(query).first()
    if message is not None:
        message.sid = sid
    return message


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
        if message is None and is_sid(sid):
            message = _reply_named(session, request.args.get("reply", ""), sid)
        if message is not None:
            code = _error_code(request.form.get("ErrorCode"))
            record_status(session, message, status.lower(), code, now=utc_now())
    return "", 204
