"""The clock: APScheduler wakes the due-work pass; processes start and stop cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select, update

from jobs.clock import PASS_JOB, TALLIES_JOB, next_due_at, run_folding, schedule_jobs
from recovery import create_app
from recovery.models import Heartbeat, Message, MessageTally
from recovery.sending.due_work import run_due_work
from recovery.states import Direction, MessageKind, MessageStatus
from tests.conftest import free_port
from tests.support.dates import zone_inside_the_window_now
from tests.support.factories import MORNING, enroll_patient, phone_number

ROOT = Path(__file__).resolve().parents[2]
TALLY = (MessageTally.direction, MessageTally.status, MessageTally.error_code)


def service_env(settings) -> dict[str, str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "DATABASE_URL": settings.database_url, "SMS_BACKEND": "console"}
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "RECOVERY_ENV"):
        env.pop(name, None)
    return env


def start(settings, *args: str) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    command = [sys.executable, "-m", "flask", "--app", "recovery", *args]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=service_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition, seconds: float = 30) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def has_beat(runtime) -> bool:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalars(select(Heartbeat)).first() is not None


def test_pass_job_has_a_fixed_id_coalesces_and_never_overlaps(runtime) -> None:
    scheduler = schedule_jobs(BackgroundScheduler(), runtime)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(PASS_JOB)
        assert job is not None
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.trigger.interval == timedelta(seconds=5)
    finally:
        scheduler.shutdown(wait=False)


def test_the_tallies_are_folded_every_15_seconds_into_one_row_a_label(runtime, caplog) -> None:
    scheduler = schedule_jobs(BackgroundScheduler(), runtime)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job(TALLIES_JOB)
        assert job is not None
        assert job.trigger.interval == timedelta(seconds=15)
    finally:
        scheduler.shutdown(wait=False)
    for index in range(3):
        enroll_patient(runtime, phone_number(index))
    run_due_work(runtime, now=MORNING)
    with runtime.engine.begin() as connection:  # a VACUUM's worth of changes
        for status in (MessageStatus.SENT, MessageStatus.DELIVERED) * 200:
            connection.execute(update(Message).values(status=status))

    run_folding(runtime)

    assert [record.message for record in caplog.records if record.levelname == "ERROR"] == []
    with runtime.engine.connect() as connection:
        tallied = set(connection.execute(select(*TALLY, MessageTally.delta)))
        labels = (Message.direction, Message.status, Message.error_code)
        counted = set(connection.execute(select(*labels, func.count()).group_by(*labels)))
    assert tallied == counted == {(Direction.OUTBOUND, MessageStatus.DELIVERED, None, 6)}


def test_building_the_web_app_starts_no_scheduler(settings) -> None:
    before = {thread.name for thread in threading.enumerate()}
    create_app(settings)
    after = {thread.name for thread in threading.enumerate()}
    assert after == before


def test_next_due_time_is_the_earliest_scheduled_check_in(runtime) -> None:
    enroll_patient(runtime, "+14155550123")
    assert next_due_at(runtime, MORNING - timedelta(hours=1)) == MORNING


def test_tick_at_an_instant_reports_what_it_did(runner, runtime) -> None:
    enroll_patient(runtime, "+14155550123")
    result = runner.invoke(args=["tick", "--at", MORNING.isoformat()])
    assert result.exit_code == 0, result.output
    assert "check_ins_queued=1" in result.output
    assert has_beat(runtime)


def test_tick_with_a_bad_instant_fails_in_one_line(runner) -> None:
    result = runner.invoke(args=["tick", "--at", "tomorrow"])
    assert result.exit_code != 0
    assert "--at" in result.output


def test_scheduler_process_runs_passes_and_stops_on_sigterm(settings, runtime) -> None:
    process = start(settings, "scheduler")
    try:
        assert wait_for(lambda: has_beat(runtime)), "no due-work pass ran"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, output
    assert "Scheduler stopped" in output


def test_serve_answers_health_checks_and_sends_the_welcome_text(settings, runtime, api_token):
    port = free_port()
    process = start(settings, "serve", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: _answers(f"{base}/healthz")), "the server did not start"
        assert wait_for(lambda: _answers(f"{base}/healthz/scheduler"))
        patient = {"name": "Ann Lee", "phone": "+14155550123", "sms_consent": True}
        body = {
            "patient": {**patient, "timezone": zone_inside_the_window_now()},
            # Done two hours ago: the welcome goes at once (one still ahead waits for it).
            "procedure": {"performed_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat()},
        }
        headers = {"Authorization": f"Bearer {api_token}"}
        answer = requests.post(f"{base}/api/v1/enrollments", json=body, headers=headers, timeout=10)
        assert answer.status_code == 201
        assert wait_for(lambda: _welcome_status(runtime) == MessageStatus.SENT)
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    assert "Stopped" in output


def test_serve_stops_cleanly_on_sigterm(settings) -> None:
    port = free_port()
    process = start(settings, "serve", "--port", str(port))
    try:
        assert wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"))
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, output
    assert "Stopped" in output


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def _welcome_status(runtime) -> MessageStatus | None:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        query = select(Message.status).where(Message.kind == MessageKind.WELCOME)
        return session.scalars(query).first()
