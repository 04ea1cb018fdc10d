"""Check-ins go out through Twilio on time, exactly once, whatever Twilio answers."""

from __future__ import annotations

from collections import Counter
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from recovery import runtime_of
from recovery.models import CheckIn, Flag, Message, Patient
from recovery.sending.due_work import run_due_work
from recovery.sending.twilio_gateway import TwilioGateway
from recovery.sending.wiring import gateway_of
from recovery.states import CheckInStatus, FlagKind, MessageKind, MessageStatus
from tests.support.factories import MORNING, enroll_patient, phone_number

CHECK_IN_WORDS = "how bad was your back pain on average"


def check_in_texts(twilio) -> Counter[str]:  # type: ignore[no-untyped-def]
    """How many check-in texts Twilio holds for each number."""
    return Counter(m.to for m in twilio.messages if CHECK_IN_WORDS in m.body)


def check_ins(runtime) -> list[CheckIn]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return list(session.scalars(select(CheckIn).order_by(CheckIn.id)))


def flags(runtime, kind: FlagKind) -> list[Flag]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return list(session.scalars(select(Flag).where(Flag.kind == kind)))


@pytest.fixture
def runtime(live_app):  # type: ignore[no-untyped-def]
    return runtime_of(live_app)


def test_due_check_ins_are_sent_once_by_one_tick_and_never_again(runtime, twilio) -> None:
    phones = [phone_number(i) for i in range(20)]
    for phone in phones:
        enroll_patient(runtime, phone)
    counts = run_due_work(runtime, now=MORNING)
    assert counts["check_ins_queued"] == 20
    assert check_in_texts(twilio) == Counter(phones)
    for later in (MORNING + timedelta(minutes=1), MORNING + timedelta(hours=1)):
        run_due_work(runtime, now=later)
    assert check_in_texts(twilio) == Counter(phones)
    first_step = [c for c in check_ins(runtime) if c.label == "24h"]
    assert {c.status for c in first_step} == {CheckInStatus.SENT}
    assert all(c.sent_at == MORNING for c in first_step)


def test_texts_carry_the_status_callback_and_validity_period(runtime, twilio, live_port) -> None:
    enroll_patient(runtime, phone_number(1))
    run_due_work(runtime, now=MORNING)
    sent = next(m for m in twilio.messages if CHECK_IN_WORDS in m.body)
    with runtime.sessions() as session:
        stored = session.scalars(select(Message).where(Message.sid == sent.sid)).one()
    callback = f"http://127.0.0.1:{live_port}/webhooks/twilio/status?message={stored.id}"
    assert sent.params["StatusCallback"] == callback
    assert sent.params["ValidityPeriod"] == "3600"
    assert sent.params["From"] == "+15005550006"


def test_every_check_in_goes_exactly_once_when_twilio_fails_forty_percent(runtime, twilio):
    phones = [phone_number(i) for i in range(60)]
    for phone in phones:
        enroll_patient(runtime, phone)
    twilio.set_fault_rate(0.4, status=500)
    run_due_work(runtime, now=MORNING)
    twilio.set_fault_rate(0.4, status=429)
    for minutes in (5, 20, 60, 120):
        run_due_work(runtime, now=MORNING + timedelta(minutes=minutes))
    assert check_in_texts(twilio) == Counter(phones)
    assert twilio.create_counts["failed_500"] + twilio.create_counts["failed_429"] > 0


def test_a_check_in_a_day_late_is_missed_as_stale_not_sent(runtime, twilio) -> None:
    enroll_patient(runtime, phone_number(1))
    # A day of downtime: the 24 h check-in is 25 hours late, the 48 h one only 1 hour.
    run_due_work(runtime, now=MORNING + timedelta(hours=25))
    first, second = check_ins(runtime)
    assert (first.status, first.reason) == (CheckInStatus.MISSED, "stale")
    assert first.sent_at is None
    assert second.status == CheckInStatus.SENT
    assert check_in_texts(twilio) == Counter([phone_number(1)])
    [flag] = flags(runtime, FlagKind.NO_RESPONSE)
    assert "24h" in flag.reason


def test_a_check_in_a_few_hours_late_is_still_sent(runtime, twilio) -> None:
    enroll_patient(runtime, phone_number(1))
    run_due_work(runtime, now=MORNING + timedelta(hours=6))
    assert check_in_texts(twilio) == Counter([phone_number(1)])


def test_nobody_is_texted_at_night_in_their_own_timezone(runtime, twilio) -> None:
    # Due 10:00 in Los Angeles is 13:00 in New York; the catch-up at 21:30 New York time waits.
    enroll_patient(runtime, phone_number(1), timezone="America/New_York")
    night = MORNING + timedelta(hours=8, minutes=30)  # 02:30 UTC, 21:30 in New York
    run_due_work(runtime, now=night)
    assert check_in_texts(twilio) == Counter()
    assert not any(m.to == phone_number(1) for m in twilio.messages)
    next_morning = night + timedelta(hours=11, minutes=30)  # 09:00 New York
    run_due_work(runtime, now=next_morning)
    # By then it is 20 hours late: past the 12-hour lateness, so it is missed, not sent.
    assert check_in_texts(twilio) == Counter()
    assert check_ins(runtime)[0].reason == "stale"


def test_one_reminder_after_four_hours_then_missed_and_no_response(runtime, twilio) -> None:
    enroll_patient(runtime, phone_number(1))
    run_due_work(runtime, now=MORNING)
    run_due_work(runtime, now=MORNING + timedelta(hours=3, minutes=59))
    assert not [m for m in twilio.messages if "checking in again" in m.body]
    run_due_work(runtime, now=MORNING + timedelta(hours=4))
    run_due_work(runtime, now=MORNING + timedelta(hours=5))
    reminders = [m for m in twilio.messages if "checking in again" in m.body]
    assert len(reminders) == 1
    assert "how bad is your back pain today, 0 to 10?" in reminders[0].body
    run_due_work(runtime, now=MORNING + timedelta(hours=7, minutes=59))
    assert check_ins(runtime)[0].status == CheckInStatus.SENT
    run_due_work(runtime, now=MORNING + timedelta(hours=8))
    first = check_ins(runtime)[0]
    assert (first.status, first.reminders_sent) == (CheckInStatus.MISSED, 1)
    assert len(flags(runtime, FlagKind.NO_RESPONSE)) == 1


def test_a_reminder_too_late_after_an_outage_is_not_sent_and_the_wait_ends_as_usual(
    runtime, twilio
) -> None:
    enroll_patient(runtime, phone_number(1))
    run_due_work(runtime, now=MORNING)
    # Down from just before the reminder until two days later.
    run_due_work(runtime, now=MORNING + timedelta(days=2))
    assert not [m for m in twilio.messages if "checking in again" in m.body]
    first = check_ins(runtime)[0]
    assert (first.status, first.reminders_sent) == (CheckInStatus.MISSED, 0)
    assert first.ended_at == MORNING + timedelta(hours=8), "when it would have ended on time"
    assert len(flags(runtime, FlagKind.NO_RESPONSE)) == 1


def test_a_reminder_late_within_the_lateness_still_goes(runtime, twilio) -> None:
    enroll_patient(runtime, phone_number(1))
    run_due_work(runtime, now=MORNING)
    run_due_work(runtime, now=MORNING + timedelta(hours=6))  # 2 h late, within 12 h
    assert len([m for m in twilio.messages if "checking in again" in m.body]) == 1
    assert check_ins(runtime)[0].status == CheckInStatus.SENT


@pytest.mark.parametrize(
    ("change", "outcome"),
    [
        ("UPDATE patients SET opted_out_at = created_at", "cancelled"),
        ("UPDATE enrollments SET status = 'withdrawn'", "cancelled"),
        ("UPDATE enrollments SET paused_at = created_at", "paused"),
        ("UPDATE check_ins SET status = 'missed', ended_at = due_at", "cancelled"),
    ],
)
def test_a_queued_check_in_is_checked_again_when_its_turn_comes(
    runtime, twilio, change: str, outcome: str
) -> None:
    # Queued, refused by Twilio, then changed by another process before the next try.
    enroll_patient(runtime, phone_number(1))
    twilio.set_fault_rate(1.0, status=500)
    run_due_work(runtime, now=MORNING)
    twilio.set_fault_rate(0.0)
    with runtime.engine.begin() as connection:
        connection.execute(text(change))
    counts = run_due_work(runtime, now=MORNING + timedelta(minutes=5))
    assert counts[f"texts_{outcome}"] >= 1
    assert check_in_texts(twilio) == Counter()
    with runtime.sessions() as session:
        text_row = session.scalars(select(Message).where(Message.kind == MessageKind.CHECK_IN))
        assert [m.status for m in text_row] == [MessageStatus.CANCELLED]
    first = check_ins(runtime)[0]
    assert first.queued_at is None if outcome == "paused" else first.queued_at is not None


def test_a_reminder_for_a_check_in_answered_meanwhile_is_not_sent(runtime, twilio) -> None:
    enroll_patient(runtime, phone_number(1))
    run_due_work(runtime, now=MORNING)
    twilio.set_fault_rate(1.0, status=500)
    run_due_work(runtime, now=MORNING + timedelta(hours=4))
    twilio.set_fault_rate(0.0)
    with runtime.engine.begin() as connection:
        connection.execute(text("UPDATE check_ins SET status = 'answered', pain = 2"))
    counts = run_due_work(runtime, now=MORNING + timedelta(hours=4, minutes=5))
    assert counts["texts_cancelled"] == 1
    assert not [m for m in twilio.messages if "checking in again" in m.body]


def test_a_queued_check_in_waits_for_the_window_without_spending_a_try(runtime, twilio) -> None:
    enroll_patient(runtime, phone_number(1))
    twilio.set_fault_rate(1.0, status=500)
    run_due_work(runtime, now=MORNING)
    twilio.set_fault_rate(0.0)
    with runtime.engine.begin() as connection:  # the patient turns out to be in Sydney
        connection.execute(text("UPDATE patients SET timezone = 'Australia/Sydney'"))
    counts = run_due_work(runtime, now=MORNING + timedelta(minutes=5))
    assert counts["texts_deferred"] >= 1
    with runtime.sessions() as session:
        queued = session.scalars(select(Message).where(Message.kind == MessageKind.CHECK_IN)).one()
        assert (queued.status, queued.attempts) == (MessageStatus.PENDING, 1)
        assert queued.next_attempt_at is not None
        opening = queued.next_attempt_at.astimezone(ZoneInfo("Australia/Sydney"))
    assert check_in_texts(twilio) == Counter()
    assert opening.time() == time(9, 0)


@pytest.mark.parametrize(
    ("number", "code"), [("+15005550001", 21211), ("+15005550002", 21612), ("+15005550009", 21614)]
)
def test_number_that_cannot_take_texts_fails_with_a_delivery_failure_flag(
    runtime, twilio, number, code
) -> None:
    enroll_patient(runtime, number)
    run_due_work(runtime, now=MORNING)
    first = check_ins(runtime)[0]
    assert first.status == CheckInStatus.FAILED
    assert str(code) in first.reason
    [flag] = flags(runtime, FlagKind.DELIVERY_FAILURE)
    assert str(code) in flag.reason
    run_due_work(runtime, now=MORNING + timedelta(hours=1))
    assert len(flags(runtime, FlagKind.DELIVERY_FAILURE)) == 1


def test_unsubscribed_number_opts_the_patient_out_and_cancels_the_rest(runtime, twilio) -> None:
    enroll_patient(runtime, "+15005550004")
    run_due_work(runtime, now=MORNING)
    with runtime.sessions() as session:
        patient = session.scalars(select(Patient)).one()
        assert patient.opted_out_at is not None
    assert [c.status for c in check_ins(runtime)] == [CheckInStatus.CANCELLED] * 2
    assert len(flags(runtime, FlagKind.OPTED_OUT)) == 1
    refused = twilio.create_counts.get("invalid", 0)
    run_due_work(runtime, now=MORNING + timedelta(hours=24))
    assert twilio.messages == []
    assert twilio.create_counts.get("invalid", 0) == refused


def use_gateway(runtime, gateway: TwilioGateway) -> None:  # type: ignore[no-untyped-def]
    """Run the service with another Twilio configuration."""
    runtime.extras["gateway"] = gateway
    runtime.extras.pop("outbox", None)


def test_bad_credentials_keep_texts_queued_and_log_loudly(runtime, twilio, caplog) -> None:
    enroll_patient(runtime, phone_number(1))
    right = gateway_of(runtime)
    use_gateway(
        runtime, TwilioGateway(twilio.account_sid, "wrong", twilio.base_url, "+15005550006")
    )
    run_due_work(runtime, now=MORNING)
    assert "20003" in caplog.text
    assert check_ins(runtime)[0].status == CheckInStatus.SCHEDULED
    assert flags(runtime, FlagKind.DELIVERY_FAILURE) == []
    use_gateway(runtime, right)
    run_due_work(runtime, now=MORNING + timedelta(minutes=6))
    assert check_in_texts(twilio) == Counter([phone_number(1)])


def test_text_sent_but_unanswered_is_found_at_twilio_not_sent_again(runtime, twilio) -> None:
    # The same gateway, with a timeout shorter than Twilio's answer takes.
    use_gateway(
        runtime,
        TwilioGateway(
            twilio.account_sid, twilio.auth_token, twilio.base_url, "+15005550006", timeout=0.5
        ),
    )
    enroll_patient(runtime, phone_number(1))
    run_due_work(runtime, now=MORNING - timedelta(hours=24))  # the welcome text goes first
    twilio.hang_next(1, seconds=1.5)
    run_due_work(runtime, now=MORNING)
    assert check_ins(runtime)[0].status == CheckInStatus.SCHEDULED
    run_due_work(runtime, now=MORNING + timedelta(minutes=2))
    assert check_in_texts(twilio) == Counter([phone_number(1)])
    assert check_ins(runtime)[0].status == CheckInStatus.SENT
    with runtime.sessions() as session:
        message = session.scalars(select(Message).where(Message.kind == MessageKind.CHECK_IN)).one()
        assert message.sid == next(m for m in twilio.messages if CHECK_IN_WORDS in m.body).sid
