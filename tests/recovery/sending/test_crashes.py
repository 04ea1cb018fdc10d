"""A sender that dies at any point loses no check-in and sends none twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from recovery import runtime_of
from recovery.models import CheckIn, Message
from recovery.sending.check_ins import queue_due_check_ins
from recovery.sending.due_work import run_due_work
from recovery.sending.outbox import claim
from recovery.sending.wiring import gateway_of
from recovery.states import CheckInStatus, MessageKind
from tests.support.factories import MORNING, enroll_patient, phone_number

ROOT = Path(__file__).resolve().parents[3]
CHECK_IN_WORDS = "how bad was your back pain on average"


@pytest.fixture
def runtime(live_app):  # type: ignore[no-untyped-def]
    return runtime_of(live_app)


def check_in_texts(twilio) -> Counter[str]:  # type: ignore[no-untyped-def]
    return Counter(m.to for m in twilio.messages if CHECK_IN_WORDS in m.body)


def first_check_in_statuses(runtime) -> Counter[CheckInStatus]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        query = select(CheckIn.status).where(CheckIn.label == "24h")
        return Counter(session.scalars(query))


def queue_and_claim_as_dead_sender(runtime, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Enroll, queue the due texts, and claim them for a sender that then dies."""
    for index in range(count):
        enroll_patient(runtime, phone_number(index))
    run_due_work(runtime, now=MORNING - timedelta(hours=23))  # the welcome texts go first
    with runtime.transaction() as session:
        queue_due_check_ins(session, clinic=runtime.clinic, now=MORNING)
    with runtime.transaction() as session:
        return claim(session, now=MORNING, worker="dead-sender", limit=1000)


def test_death_between_claim_and_send_is_resent_once_after_the_lease(runtime, twilio) -> None:
    claimed = queue_and_claim_as_dead_sender(runtime, 5)
    assert len(claimed) == 5
    run_due_work(runtime, now=MORNING + timedelta(minutes=1))
    assert check_in_texts(twilio) == Counter()  # the lease still holds
    run_due_work(runtime, now=MORNING + timedelta(minutes=6))
    assert check_in_texts(twilio) == Counter(phone_number(i) for i in range(5))
    assert first_check_in_statuses(runtime) == Counter({CheckInStatus.SENT: 5})


def test_death_between_send_and_record_is_found_at_twilio_not_resent(runtime, twilio) -> None:
    claimed = queue_and_claim_as_dead_sender(runtime, 5)
    with runtime.sessions() as session:
        texts = session.scalars(select(Message).where(Message.id.in_(claimed))).all()
    for text in texts[:3]:  # these reached Twilio before the sender died
        gateway_of(runtime).send(text.to_number, text.body)
    run_due_work(runtime, now=MORNING + timedelta(minutes=6))
    assert check_in_texts(twilio) == Counter(phone_number(i) for i in range(5))
    assert first_check_in_statuses(runtime) == Counter({CheckInStatus.SENT: 5})
    with runtime.sessions() as session:
        sids = session.scalars(select(Message.sid).where(Message.kind == MessageKind.CHECK_IN))
        assert sorted(sids) == sorted(m.sid for m in twilio.messages if CHECK_IN_WORDS in m.body)


def tick(settings, at) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    """`flask tick --at` in its own process, configured like a deployment."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "TWILIO_API_URL": settings.twilio_api_url,
        "TWILIO_FROM_NUMBER": settings.twilio_from_number,
        "PUBLIC_BASE_URL": settings.public_base_url,
        "SMS_RATE_PER_SECOND": "0",
    }
    command = [sys.executable, "-m", "flask", "--app", "recovery", "tick", "--at", at.isoformat()]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(process: subprocess.Popen, timeout: float = 120) -> int:
    """Wait for a process, show its output, and return its exit code."""
    out, err = process.communicate(timeout=timeout)
    print(out, err)
    return process.returncode


def enroll_many(runtime, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    phones = [phone_number(index) for index in range(count)]
    for phone in phones:
        enroll_patient(runtime, phone)
    return phones


def test_four_ticks_racing_send_every_check_in_exactly_once(runtime, twilio) -> None:
    phones = enroll_many(runtime, 200)
    twilio.latency = 0.02
    processes = [tick(runtime.settings, MORNING) for _ in range(4)]
    for process in processes:
        assert finish(process) == 0
    assert check_in_texts(twilio) == Counter(phones)
    assert first_check_in_statuses(runtime) == Counter({CheckInStatus.SENT: 200})


def test_sender_killed_mid_wave_and_restarted_loses_and_doubles_nothing(runtime, twilio) -> None:
    phones = enroll_many(runtime, 150)
    twilio.latency = 0.15
    for _kill in range(2):
        process = tick(runtime.settings, MORNING)
        deadline = time.monotonic() + 60
        start = len(twilio.messages)
        while len(twilio.messages) < start + 40 and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        assert finish(process) == -signal.SIGKILL
    twilio.latency = 0
    restart = tick(runtime.settings, MORNING + timedelta(minutes=10))
    assert finish(restart) == 0
    assert check_in_texts(twilio) == Counter(phones)
    assert first_check_in_statuses(runtime) == Counter({CheckInStatus.SENT: 150})
