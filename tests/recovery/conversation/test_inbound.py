"""Storing inbound texts: once per MessageSid, with the sender's patient and enrollment."""

from __future__ import annotations

from sqlalchemy import func, select

from recovery.conversation.inbound import InboundText, store_inbound
from recovery.models import Enrollment, Message
from recovery.runtime import Runtime
from recovery.states import Direction, MessageStatus
from tests.support.factories import MORNING, enroll_patient

PHONE = "+14155550123"


def _text(sid: str, sender: str = "(415) 555-0123", body: str = "7") -> InboundText:
    params = {"MessageSid": sid, "From": sender, "Body": body}
    return InboundText(sid, sender, "+15005550006", body, params)


def _stored(runtime: Runtime, sid: str) -> Message:
    with runtime.sessions() as session:
        return session.scalars(select(Message).where(Message.sid == sid)).one()


def test_a_text_is_stored_with_its_patient_and_newest_enrollment(runtime: Runtime) -> None:
    enroll_patient(runtime, PHONE)
    newest = enroll_patient(runtime, PHONE)
    with runtime.transaction() as session:
        message_id, is_new = store_inbound(session, _text("SM" + "a" * 32), now=MORNING)
    message = _stored(runtime, "SM" + "a" * 32)
    assert is_new and message.id == message_id
    assert (message.from_number, message.body, message.status) == (
        PHONE,
        "7",
        MessageStatus.RECEIVED,
    )
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, newest)
        assert enrollment is not None
        assert (message.patient_id, message.enrollment_id) == (enrollment.patient_id, newest)
    assert message.direction == Direction.INBOUND and message.created_at == MORNING
    assert message.raw == {"MessageSid": "SM" + "a" * 32, "From": "(415) 555-0123", "Body": "7"}


def test_the_same_sid_again_is_not_stored_twice(runtime: Runtime) -> None:
    enroll_patient(runtime, PHONE)
    with runtime.transaction() as session:
        first, _ = store_inbound(session, _text("SM" + "b" * 32), now=MORNING)
    with runtime.transaction() as session:
        again, is_new = store_inbound(session, _text("SM" + "b" * 32, body="8"), now=MORNING)
    assert (again, is_new) == (first, False)
    assert _stored(runtime, "SM" + "b" * 32).body == "7"
    with runtime.sessions() as session:
        inbound = select(func.count()).where(Message.direction == Direction.INBOUND)
        assert session.scalar(inbound) == 1


def test_a_text_from_an_unknown_number_is_stored_without_a_patient(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        store_inbound(session, _text("SM" + "c" * 32, sender="+1 415 555 9999"), now=MORNING)
    message = _stored(runtime, "SM" + "c" * 32)
    assert (message.patient_id, message.enrollment_id) == (None, None)
    assert message.from_number == "+14155559999"
