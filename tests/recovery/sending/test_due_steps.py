"""A pass asks first which of its steps have work: with nothing due it reads the database
once, then writes the heartbeat."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Engine, event, select

from recovery.flags.lifecycle import raise_flag
from recovery.models import Enrollment, Message
from recovery.runtime import OnCall
from recovery.sending.due_work import run_due_work
from recovery.states import FlagKind, MessageKind
from tests.conftest import with_settings
from tests.support.factories import MORNING, enroll_patient, phone_number


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements the engine runs inside the block (pings and BEGINs aside)."""
    seen: list[str] = []

    def note(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def writes(seen: list[str]) -> list[str]:
    return [s for s in seen if s.split()[0] in ("INSERT", "UPDATE", "DELETE")]


def test_a_pass_with_nothing_due_asks_once_and_writes_only_the_heartbeat(runtime) -> None:
    enroll_patient(runtime, phone_number(1), performed_at=MORNING)
    run_due_work(runtime, now=MORNING)  # the welcome goes; the check-ins are due tomorrow
    quiet_minute = MORNING + timedelta(minutes=1)
    with statements(runtime.engine) as seen:
        counts = run_due_work(runtime, now=quiet_minute)
    assert not +counts
    reads = [s for s in seen if s.startswith("SELECT") and "pg_" not in s]
    assert len(reads) == 1, reads
    assert [s.split()[:2] for s in writes(seen)] == [["UPDATE", "heartbeats"]]


def test_a_pass_with_work_due_does_it_after_asking(runtime) -> None:
    enroll_patient(runtime, phone_number(1))
    run_due_work(runtime, now=MORNING)
    four_hours_on = MORNING + timedelta(hours=4)
    with statements(runtime.engine) as seen:
        counts = run_due_work(runtime, now=four_hours_on)
    assert counts["reminders_queued"] == 1
    assert counts["texts_sent"] == 1
    assert any(s.startswith("INSERT INTO messages") for s in writes(seen))


def test_the_pass_pages_again_for_an_urgent_flag_left_open_only_with_an_on_call_phone(
    runtime, settings
) -> None:
    enrollment_id = enroll_patient(runtime, phone_number(1), performed_at=MORNING)
    run_due_work(runtime, now=MORNING)
    on_call = OnCall(phone="+15625550199", flag_url=lambda i: f"/flags/{i}")
    with runtime.transaction() as session:
        enrollment = session.get_one(Enrollment, enrollment_id)
        raise_flag(
            session,
            enrollment,
            FlagKind.RED_FLAG_SYMPTOMS,
            reason="numb",
            now=MORNING,
            on_call=on_call,
        )
    half_hour_on = MORNING + timedelta(minutes=30)
    assert run_due_work(runtime, now=half_hour_on)["pages_repeated"] == 0  # no ON_CALL_PHONE
    runtime.settings = with_settings(settings, on_call_phone="+15625550199")
    assert run_due_work(runtime, now=half_hour_on - timedelta(minutes=1))["pages_repeated"] == 0
    assert run_due_work(runtime, now=half_hour_on)["pages_repeated"] == 1
    with runtime.sessions() as session:
        pages = session.scalars(select(Message).where(Message.kind == MessageKind.ON_CALL)).all()
    assert [page.to_number for page in pages] == ["+15625550199"] * 2
