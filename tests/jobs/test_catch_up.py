"""Texts that reached Twilio while the service was down: fetched, stored once, handled once.

The Twilio stand-in keeps every text a phone sends in its message log; with the webhook down
it goes no further, as with Twilio, which does not retry a failed inbound webhook.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from jobs.catch_up import catch_up_inbound
from recovery import runtime_of
from recovery.models import CheckIn, Enrollment, Flag, Message, Patient
from recovery.patients.erasure import erase_patient
from recovery.patients.follow_up import withdraw
from recovery.runtime import utc_now
from recovery.sending.due_work import run_due_work
from recovery.sending.unsent_replies import SETTLED_AFTER
from recovery.states import CheckInStatus, Direction, FlagKind, MessageStatus, Severity
from tests.conftest import with_settings
from tests.support.factories import MORNING, enroll_patient, phone_number
from tests.support.twilio_inbound import SERVICE_NUMBER, Answered, deliver, text_in

ASK_ACTIVITY = "Which best fits your day?"


@pytest.fixture
def runtime(live_app):  # type: ignore[no-untyped-def]
    return runtime_of(live_app)


@pytest.fixture
def webhook(live_port: int) -> str:
    return f"http://127.0.0.1:{live_port}/webhooks/twilio/sms"


def sent_to(twilio, phone: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m.resource["body"] for m in twilio.messages if m.to == phone]


def test_texts_sent_while_the_service_was_down_are_handled_as_of_their_arrival(
    runtime, twilio
) -> None:
    phones = [phone_number(i) for i in range(3)]
    for phone in phones:
        enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING)
    arrived = MORNING + timedelta(hours=1)
    for phone, body in zip(phones, ["7", "I can't breathe", "STOP"], strict=True):
        assert text_in(twilio, None, phone, body, at=arrived).status == 0  # webhook down
    counts = catch_up_inbound(runtime, now=MORNING + timedelta(hours=2), since=MORNING)
    assert counts["handled"] == 3
    with runtime.sessions() as session:
        inbound = session.scalars(select(Message).where(Message.direction == Direction.INBOUND))
        assert sorted(m.body for m in inbound) == sorted(["7", "I can't breathe", "STOP"])
        first = session.scalars(
            select(CheckIn)
            .join(CheckIn.enrollment)
            .where(CheckIn.label == "24h")
            .order_by(CheckIn.id)
        ).first()
        assert (first.pain, first.status, first.answered_at) == (7, CheckInStatus.PARTIAL, arrived)
        [flag] = session.scalars(select(Flag).where(Flag.kind == FlagKind.RED_FLAG_SYMPTOMS))
        assert flag.severity == Severity.URGENT
        assert "arrived" in flag.reason and "seen" in flag.reason
        stopped = session.scalars(select(Patient).where(Patient.phone == phones[2])).one()
        assert stopped.opted_out_at == arrived
    assert any(ASK_ACTIVITY in body for body in sent_to(twilio, phones[0]))
    assert any("911" in body for body in sent_to(twilio, phones[1]))
    before = len(twilio.messages)
    again = catch_up_inbound(runtime, now=MORNING + timedelta(hours=3), since=MORNING)
    assert (again["handled"], again["already_stored"]) == (0, 3)
    assert len(twilio.messages) == before, "nothing is answered twice"


def test_a_text_the_webhook_took_is_not_handled_again(runtime, twilio, webhook) -> None:
    phone = phone_number(5)
    enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING)
    answered = text_in(twilio, webhook, phone, "6")
    assert answered.status == 200 and len(answered.replies) == 1
    looked_from = utc_now() - timedelta(hours=1)  # the stand-in logged it as of now
    counts = catch_up_inbound(runtime, now=MORNING + timedelta(hours=1), since=looked_from)
    assert (counts["handled"], counts["already_stored"]) == (0, 1)
    with runtime.sessions() as session:
        inbound = session.scalars(select(Message).where(Message.direction == Direction.INBOUND))
        assert [m.body for m in inbound] == ["6"]
    assert sum(ASK_ACTIVITY in body for body in sent_to(twilio, phone)) == 1


def test_an_answer_that_arrived_inside_its_wait_counts_as_on_time(runtime, twilio) -> None:
    phone = phone_number(7)
    enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING)
    run_due_work(runtime, now=MORNING + timedelta(hours=4))  # the reminder
    text_in(twilio, None, phone, "5", at=MORNING + timedelta(hours=5))  # the web app is down
    run_due_work(runtime, now=MORNING + timedelta(hours=8))  # the wait ends: missed
    catch_up_inbound(runtime, now=MORNING + timedelta(hours=9), since=MORNING)
    with runtime.sessions() as session:
        check_in = session.scalars(select(CheckIn).where(CheckIn.label == "24h")).one()
        assert (check_in.status, check_in.pain) == (CheckInStatus.PARTIAL, 5)
        flags = {f.kind: f for f in session.scalars(select(Flag))}
    assert FlagKind.NEEDS_REVIEW not in flags, "not a late answer"
    assert flags[FlagKind.NO_RESPONSE].resolved_by == "system"


def test_a_text_delivered_both_ways_at_once_is_stored_and_answered_once(
    runtime, twilio, webhook
) -> None:
    phones = [phone_number(20 + i) for i in range(5)]
    for phone in phones:
        enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING)
    arrived = MORNING + timedelta(minutes=30)
    sids = [twilio.text_arrives(phone, SERVICE_NUMBER, "4", at=arrived).sid for phone in phones]
    barrier = threading.Barrier(2)

    def by_webhook() -> list[tuple[str, str]]:
        barrier.wait()
        replies = []
        for phone, sid in zip(phones, sids, strict=True):
            replies += deliver(twilio, webhook, phone, "4", sid).replies
        return replies

    def by_fetch() -> None:
        barrier.wait()
        catch_up_inbound(runtime, now=MORNING + timedelta(hours=1), since=MORNING)

    with ThreadPoolExecutor(2) as pool:
        webhook_replies = pool.submit(by_webhook)
        pool.submit(by_fetch).result()
        webhook_replies.result()
    with runtime.sessions() as session:
        inbound = session.scalars(select(Message).where(Message.direction == Direction.INBOUND))
        assert sorted(m.sid for m in inbound) == sorted(sids)
    # A webhook request that waited on the database past the stand-in's timeout has its
    # TwiML answer dropped, as Twilio drops a late one: a later pass sends it by text.
    run_due_work(runtime, now=utc_now() + SETTLED_AFTER)
    for phone in phones:
        assert sum(ASK_ACTIVITY in body for body in sent_to(twilio, phone)) == 1, phone


def _answer_four(runtime, twilio, webhook, phone: str, **how: bool) -> Answered:  # type: ignore[no-untyped-def]
    """A patient whose check-in went out answers "4" through the webhook."""
    enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING)
    sid = twilio.text_arrives(phone, SERVICE_NUMBER, "4").sid
    return deliver(twilio, webhook, phone, "4", sid, **how)


def test_a_reply_whose_twiml_answer_twilio_dropped_is_sent_by_text_once(
    runtime, twilio, webhook
) -> None:
    phone = phone_number(40)
    answered = _answer_four(runtime, twilio, webhook, phone, answer_dropped=True)
    assert answered.status == 200 and not answered.replies
    assert not any(ASK_ACTIVITY in body for body in sent_to(twilio, phone))
    soon = utc_now() + timedelta(seconds=30)
    assert not run_due_work(runtime, now=soon)["replies_resent"], "its answer may still go"
    later = utc_now() + SETTLED_AFTER
    assert run_due_work(runtime, now=later)["replies_resent"] == 1
    assert run_due_work(runtime, now=later + timedelta(minutes=10))["replies_resent"] == 0
    assert sum(ASK_ACTIVITY in body for body in sent_to(twilio, phone)) == 1
    with runtime.sessions() as session:
        reply = session.scalars(
            select(Message).where(Message.in_reply_to_id.is_not(None), Message.to_number == phone)
        ).one()
        assert reply.sid is not None and reply.status == MessageStatus.QUEUED


def test_a_twiml_reply_whose_callbacks_were_lost_is_found_at_twilio_not_sent_again(
    runtime, twilio, webhook
) -> None:
    phone = phone_number(41)
    [(reply_sid, _body)] = _answer_four(runtime, twilio, webhook, phone).replies  # no callback
    twilio.lose_status_callback(reply_sid, "delivered")
    counts = run_due_work(runtime, now=utc_now() + SETTLED_AFTER)
    assert (counts["replies_found"], counts["replies_resent"]) == (1, 0)
    assert sum(ASK_ACTIVITY in body for body in sent_to(twilio, phone)) == 1
    with runtime.sessions() as session:
        reply = session.scalars(select(Message).where(Message.sid == reply_sid)).one()
        assert reply.status == MessageStatus.DELIVERED


def test_with_a_messaging_service_each_of_its_numbers_is_listed(live_app, twilio) -> None:
    runtime = runtime_of(live_app)
    service = "MG" + "5" * 32
    runtime.settings = with_settings(
        runtime.settings, twilio_from_number="", twilio_messaging_service_sid=service
    )
    twilio.service_numbers[service] = [SERVICE_NUMBER]
    phone = phone_number(30)
    enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING)
    text_in(twilio, None, phone, "3", at=MORNING + timedelta(minutes=5))
    counts = catch_up_inbound(runtime, now=MORNING + timedelta(minutes=20), since=MORNING)
    assert counts["handled"] == 1


def test_texts_of_an_erased_patient_are_not_fetched_again(runtime, twilio) -> None:
    phone = phone_number(50)
    enrollment_id = enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING)
    arrived = MORNING + timedelta(hours=1)
    text_in(twilio, None, phone, "my pain is 3", at=arrived)
    assert catch_up_inbound(runtime, now=arrived, since=MORNING)["handled"] == 1
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        withdraw(session, enrollment, actor="nurse", now=arrived)
        erase_patient(session, enrollment.patient, actor="admin", reason="asked", now=arrived)
    counts = catch_up_inbound(runtime, now=arrived + timedelta(hours=1), since=MORNING)
    assert (counts["handled"], counts["erased"]) == (0, 1)
    with runtime.sessions() as session:
        kept = session.scalars(
            select(Message.body).where(
                (Message.from_number == phone) | (Message.to_number == phone)
            )
        ).all()
    assert kept == []
