"""Delivery-status callbacks: signed, forward-only, repeat- and order-proof."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from recovery import runtime_of
from recovery.models import CheckIn, Flag, Message
from recovery.sending.due_work import run_due_work
from recovery.states import CheckInStatus, FlagKind, MessageKind, MessageStatus
from tests.support.factories import MORNING, enroll_patient, phone_number
from tests.support.twilio_http import post_signed_form
from tests.support.twilio_inbound import text_in


@pytest.fixture
def runtime(live_app):  # type: ignore[no-untyped-def]
    return runtime_of(live_app)


@pytest.fixture
def sent_sid(runtime, twilio) -> str:  # type: ignore[no-untyped-def]
    """The SID of a check-in text that Twilio accepted."""
    enroll_patient(runtime, phone_number(7))
    run_due_work(runtime, now=MORNING)
    with runtime.sessions() as session:
        query = select(Message.sid).where(Message.kind == MessageKind.CHECK_IN)
        return str(session.scalars(query).one())


def message(runtime, sid: str) -> Message:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalars(select(Message).where(Message.sid == sid)).one()


def delivery_flags(runtime) -> list[Flag]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        query = select(Flag).where(Flag.kind == FlagKind.DELIVERY_FAILURE)
        return list(session.scalars(query))


def test_statuses_move_forward(runtime, twilio, sent_sid) -> None:
    assert twilio.send_status_callback(sent_sid, "sent") == 204
    assert message(runtime, sent_sid).status == MessageStatus.SENT
    assert twilio.send_status_callback(sent_sid, "delivered") == 204
    assert message(runtime, sent_sid).status == MessageStatus.DELIVERED


def test_callbacks_that_beat_the_senders_record_are_kept(runtime, twilio) -> None:
    twilio.auto_callbacks = twilio.callbacks_before_answer = True
    enroll_patient(runtime, phone_number(8))  # its welcome text, then its check-in text
    counts = run_due_work(runtime, now=MORNING)
    assert counts["texts_sent"] == 2 and not counts["texts_lost"]
    assert twilio.callback_statuses == {204: 4}
    for text in twilio.messages:
        assert message(runtime, text.sid).status == MessageStatus.DELIVERED
    with runtime.sessions() as session:
        check_in = session.scalars(select(CheckIn).where(CheckIn.label == "24h")).one()
        assert check_in.status == CheckInStatus.SENT


def test_late_and_repeated_callbacks_change_nothing(runtime, twilio, sent_sid) -> None:
    for status in ("delivered", "sent", "queued", "delivered", "undelivered"):
        assert twilio.send_status_callback(sent_sid, status) == 204
    assert message(runtime, sent_sid).status == MessageStatus.DELIVERED
    assert delivery_flags(runtime) == []


@pytest.mark.parametrize("code", [30003, 30004, 30005, 30006, 30007])
def test_undelivered_text_fails_the_check_in_with_a_delivery_failure_flag(
    runtime, twilio, sent_sid, code
) -> None:
    assert twilio.send_status_callback(sent_sid, "undelivered", error_code=code) == 204
    twilio.send_status_callback(sent_sid, "undelivered", error_code=code)
    stored = message(runtime, sent_sid)
    assert (stored.status, stored.error_code) == (MessageStatus.UNDELIVERED, code)
    [flag] = delivery_flags(runtime)
    assert str(code) in flag.reason
    with runtime.sessions() as session:
        check_in = session.scalars(select(CheckIn).order_by(CheckIn.id)).first()
        assert check_in.status == CheckInStatus.FAILED


def test_unsigned_or_wrongly_signed_callback_gets_403_and_changes_nothing(
    runtime, twilio, sent_sid, live_port
) -> None:
    url = f"http://127.0.0.1:{live_port}/webhooks/twilio/status"
    form = {"MessageSid": sent_sid, "MessageStatus": "failed", "ErrorCode": "30005"}
    assert requests.post(url, data=form, timeout=5).status_code == 403
    bad = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    assert requests.post(url, data=form, headers=bad, timeout=5).status_code == 403
    assert message(runtime, sent_sid).status == MessageStatus.QUEUED
    assert delivery_flags(runtime) == []


def test_callback_for_an_unknown_text_is_accepted_and_ignored(
    runtime, twilio, sent_sid, live_port
) -> None:
    url = f"http://127.0.0.1:{live_port}/webhooks/twilio/status"
    form = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "failed", "ErrorCode": "30005"}
    assert post_signed_form(url, form, twilio.auth_token) == 204
    assert message(runtime, sent_sid).status == MessageStatus.QUEUED
    assert delivery_flags(runtime) == []


def test_replies_in_the_twiml_answer_get_their_real_delivery_status(
    runtime, twilio, sent_sid, live_port
) -> None:
    twilio.auto_callbacks = True
    webhook = f"http://127.0.0.1:{live_port}/webhooks/twilio/sms"
    answered = text_in(twilio, webhook, phone_number(7), "7")
    assert answered.status == 200
    [(sid, text)] = answered.replies
    assert "Which best fits your day?" in text
    reply = message(runtime, sid)
    assert (reply.kind, reply.body, reply.status) == (
        MessageKind.RESPONSE,
        text,
        MessageStatus.DELIVERED,
    )


def test_a_callback_naming_a_reply_it_does_not_match_changes_nothing(
    runtime, twilio, sent_sid, live_port
) -> None:
    webhook = f"http://127.0.0.1:{live_port}/webhooks/twilio/sms"
    [(sid, _text)] = text_in(twilio, webhook, phone_number(7), "7").replies
    with runtime.sessions() as session:
        check_in_text = session.scalars(select(Message).where(Message.sid == sent_sid)).one()
    # A callback naming the check-in text (it has a SID of its own) as if it were a reply.
    url = f"http://127.0.0.1:{live_port}/webhooks/twilio/status?reply={check_in_text.id}"
    params = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": twilio.account_sid}
    assert post_signed_form(url, params, twilio.auth_token) == 204
    with runtime.sessions() as session:
        assert session.scalars(select(Message).where(Message.sid == sid)).first() is None


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        ("delivered", None, MessageStatus.DELIVERED),
        ("undelivered", 30005, MessageStatus.UNDELIVERED),
    ],
)
def test_a_lost_status_callback_is_made_up_for_by_asking_twilio(
    runtime, twilio, sent_sid, status, code, expected
) -> None:
    twilio.lose_status_callback(sent_sid, status, code)
    run_due_work(runtime, now=MORNING + timedelta(minutes=9))
    assert message(runtime, sent_sid).status == MessageStatus.QUEUED, "not asked before 10 min"
    run_due_work(runtime, now=MORNING + timedelta(minutes=10))
    assert message(runtime, sent_sid).status == expected
    assert len(delivery_flags(runtime)) == (1 if code else 0)
