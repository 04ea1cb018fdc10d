"""Fifty patients text while the web app is down; it comes back and catches up.

Twilio keeps each text in its message log and does not retry the failed webhook (the
stand-in posts to a port where nothing listens). The catch-up pass then finds every text:
stored once, handled once in arrival order, answered once by text, with the warning signs'
flags and the on-call pages.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from config.settings import Settings
from jobs.catch_up import catch_up_inbound
from recovery import runtime_of
from recovery.models import CheckIn, Flag, Message, Patient
from recovery.sending.due_work import run_due_work
from recovery.states import Direction, FlagKind, MessageKind, Severity
from tests.conftest import free_port, with_settings
from tests.support.factories import MORNING, enroll_patient, phone_number
from tests.support.twilio_inbound import text_in

ON_CALL = "+14155550100"
PATIENTS = 50
SIGNS = {10: "I can't breathe", 20: "se me duermen las piernas", 30: "she fainted"}
STOPS = {40, 45}


@pytest.fixture
def twilio_settings(twilio_settings: Settings) -> Settings:
    return with_settings(twilio_settings, on_call_phone=ON_CALL)


@pytest.fixture
def runtime(live_app):  # type: ignore[no-untyped-def]
    return runtime_of(live_app)


def _text(index: int) -> str:
    return SIGNS.get(index) or ("STOP" if index in STOPS else str(index % 11))


def test_texts_sent_while_the_web_app_was_down_are_all_handled_once(runtime, twilio) -> None:
    phones = [phone_number(i) for i in range(PATIENTS)]
    for phone in phones:
        enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING)
    down = f"http://127.0.0.1:{free_port()}/webhooks/twilio/sms"  # nothing listens there
    for index, phone in enumerate(phones):
        arrived = MORNING + timedelta(minutes=30, seconds=index)
        assert text_in(twilio, down, phone, _text(index), at=arrived).status == 0
    sent_before = len(twilio.messages)
    counts = catch_up_inbound(runtime, now=MORNING + timedelta(minutes=45), since=MORNING)
    assert counts["handled"] == PATIENTS
    again = catch_up_inbound(runtime, now=MORNING + timedelta(minutes=48), since=MORNING)
    assert (again["handled"], again["already_stored"]) == (0, PATIENTS)

    with runtime.sessions() as session:
        inbound = session.scalars(select(Message).where(Message.direction == Direction.INBOUND))
        stored = Counter(m.from_number for m in inbound)
        assert stored == Counter(phones), "every text stored once"
        unanswered = session.scalar(
            select(func.count()).where(
                Message.direction == Direction.INBOUND, Message.processed_at.is_(None)
            )
        )
        assert unanswered == 0
        urgent = session.scalars(
            select(Flag).where(
                Flag.kind == FlagKind.RED_FLAG_SYMPTOMS, Flag.severity == Severity.URGENT
            )
        ).all()
        assert len(urgent) == len(SIGNS)
        assert all("arrived" in flag.reason for flag in urgent)
        pages = session.scalars(select(Message).where(Message.kind == MessageKind.ON_CALL)).all()
        assert len(pages) == len(SIGNS)
        opted_out = session.scalars(select(Patient).where(Patient.opted_out_at.is_not(None)))
        assert {p.phone for p in opted_out} == {phones[i] for i in STOPS}
        answered = session.scalars(select(CheckIn).where(CheckIn.pain.is_not(None))).all()
        assert len(answered) == PATIENTS - len(SIGNS) - len(STOPS)

    replies = Counter(m.to for m in twilio.messages[sent_before:])
    expected = Counter({phones[i]: 1 for i in range(PATIENTS) if i not in STOPS})
    expected[ON_CALL] = len(SIGNS)
    assert replies == expected, "every text answered once by text (STOP: Twilio confirms)"
