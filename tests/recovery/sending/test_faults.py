"""Faults around a running service: Twilio down or slow, replays, lost connections, bad disks."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError
from twilio.request_validator import RequestValidator

from config.settings import Settings
from recovery import create_app, runtime_of
from recovery.models import CheckIn, Flag, Message
from recovery.protocols.definitions import load_defaults
from recovery.runtime import utc_now
from recovery.sending.due_work import run_due_work
from recovery.sending.twilio_gateway import TwilioGateway
from recovery.states import CheckInStatus, Direction, FlagKind, MessageStatus
from tests.conftest import TEST_DATABASE_URL, with_settings
from tests.recovery.sending.test_sending import check_in_texts, use_gateway
from tests.support.factories import MORNING, enroll_patient, phone_number
from tests.support.sms_client import PATH, twilio_form
from tests.support.twilio_server import TwilioServer

ROOT = Path(__file__).resolve().parents[3]
IS_ROOT = os.geteuid() == 0


def enroll_and_welcome(runtime, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Enroll patients and send their welcome texts, so that a wave holds only check-ins."""
    phones = [phone_number(index) for index in range(count)]
    for phone in phones:
        enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING - timedelta(hours=23))
    return phones


def first_statuses(runtime) -> Counter[CheckInStatus]:  # type: ignore[no-untyped-def]
    """How many 24 h check-ins are in each status."""
    with runtime.sessions() as session:
        return Counter(session.scalars(select(CheckIn.status).where(CheckIn.label == "24h")))


def retrying_at_once(twilio) -> TwilioGateway:  # type: ignore[no-untyped-def]
    """The test Twilio's gateway, retrying without waiting (the faults are the test's)."""
    return TwilioGateway(
        twilio.account_sid,
        twilio.auth_token,
        twilio.base_url,
        "+15005550006",
        sleep=lambda _seconds: None,
    )


@pytest.fixture
def runtime(live_app):  # type: ignore[no-untyped-def]
    """The runtime of the app served over HTTP and texting through the test Twilio."""
    return runtime_of(live_app)


def test_twilio_failing_every_request_for_a_while_still_sends_each_check_in_once(
    runtime, twilio
) -> None:
    use_gateway(runtime, retrying_at_once(twilio))
    phones = enroll_and_welcome(runtime, 20)
    twilio.set_fault_rate(1.0, status=500)
    run_due_work(runtime, now=MORNING)
    twilio.set_fault_rate(1.0, status=429)
    run_due_work(runtime, now=MORNING + timedelta(minutes=1))
    assert check_in_texts(twilio) == Counter()
    assert first_statuses(runtime) == Counter({CheckInStatus.SCHEDULED: 20})
    twilio.set_fault_rate(0)
    for minutes in (5, 20, 60):
        run_due_work(runtime, now=MORNING + timedelta(minutes=minutes))
    assert check_in_texts(twilio) == Counter(phones)
    assert first_statuses(runtime) == Counter({CheckInStatus.SENT: 20})
    counts = twilio.create_counts
    assert counts["failed_500"] >= 20 and counts["failed_429"] >= 20


def test_twilio_slower_than_the_timeout_sends_nothing_twice_after_reconciling(
    runtime, twilio
) -> None:
    phones = enroll_and_welcome(runtime, 10)
    use_gateway(
        runtime,
        TwilioGateway(
            twilio.account_sid, twilio.auth_token, twilio.base_url, "+15005550006", timeout=0.5
        ),
    )
    twilio.latency = 1.0
    run_due_work(runtime, now=MORNING)  # every create times out, yet Twilio keeps each text
    assert first_statuses(runtime) == Counter({CheckInStatus.SCHEDULED: 10})
    deadline = time.monotonic() + 10
    while len(check_in_texts(twilio)) < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    for minutes in (2, 10, 30):
        run_due_work(runtime, now=MORNING + timedelta(minutes=minutes))
    assert check_in_texts(twilio) == Counter(phones)
    assert first_statuses(runtime) == Counter({CheckInStatus.SENT: 10})
    with runtime.sessions() as session:
        sids = set(session.scalars(select(Message.sid).where(Message.sid.is_not(None))))
    assert {m.sid for m in twilio.messages} <= sids


def test_a_whole_days_callbacks_replayed_twice_in_random_order_end_as_if_in_order(
    runtime, twilio
) -> None:
    phones = [phone_number(index) for index in range(12)]
    twilio.undelivered = {phone: 30003 + index for index, phone in enumerate(phones[:5])}
    for phone in phones:
        enroll_patient(runtime, phone)
    run_due_work(runtime, now=MORNING - timedelta(hours=23))
    run_due_work(runtime, now=MORNING)
    day = []
    for sent in twilio.messages:
        code = twilio.undelivered.get(sent.to)
        day += [(sent.sid, "queued", None), (sent.sid, "sent", None)]
        day.append((sent.sid, "undelivered", code) if code else (sent.sid, "delivered", None))
    replay = day * 2
    random.Random(7).shuffle(replay)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda c: twilio.send_status_callback(*c), replay))
    assert set(answers) == {204}
    with runtime.sessions() as session:
        texts = {m.sid: m for m in session.scalars(select(Message).where(Message.sid.is_not(None)))}
        failed = {flag.enrollment_id for flag in session.scalars(select(Flag))}
        assert all(flag.kind == FlagKind.DELIVERY_FAILURE for flag in session.scalars(select(Flag)))
    for sent in twilio.messages:
        code = twilio.undelivered.get(sent.to)
        final = (MessageStatus.UNDELIVERED, code) if code else (MessageStatus.DELIVERED, None)
        assert (texts[sent.sid].status, texts[sent.sid].error_code) == final
    assert failed == {texts[m.sid].enrollment_id for m in twilio.messages if m.to in phones[:5]}
    assert first_statuses(runtime) == Counter({CheckInStatus.FAILED: 5, CheckInStatus.SENT: 7})


def post_at_once(url: str, form: dict[str, str], auth_token: str, times: int) -> list:
    """POST the same signed form from `times` threads at once; each (status, body)."""
    signature = RequestValidator(auth_token).compute_signature(url, form)
    start = threading.Barrier(times)

    def post(_index: int) -> tuple[int, str]:
        start.wait()
        headers = {"X-Twilio-Signature": signature}
        response = requests.post(url, data=form, headers=headers, timeout=10)
        return response.status_code, response.text

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(post, range(times)))


def test_the_same_inbound_text_five_times_at_once_is_stored_once_and_answered_alike(
    runtime, twilio, live_port
) -> None:
    enroll_and_welcome(runtime, 1)
    run_due_work(runtime, now=MORNING)
    url = f"http://127.0.0.1:{live_port}{PATH}"
    for body in ("7", "2"):
        form = twilio_form(body, phone_number(0), MessageSid="SM" + uuid.uuid4().hex)
        answers = post_at_once(url, form, twilio.auth_token, times=5)
        assert len(set(answers)) == 1 and answers[0][0] == 200, answers
        assert "</Message>" in answers[0][1]
    with runtime.sessions() as session:
        inbound = session.scalars(select(Message).where(Message.direction == Direction.INBOUND))
        assert [m.body for m in inbound] == ["7", "2"]
        check_in = session.scalars(select(CheckIn).where(CheckIn.label == "24h")).one()
        assert (check_in.status, check_in.pain, check_in.activity) == (CheckInStatus.ANSWERED, 7, 2)
        responses = session.scalars(select(Message).where(Message.in_reply_to_id.is_not(None)))
        assert len(list(responses)) == 2


KILL_OTHERS = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def kill_connections_during_wave(
    url: str, twilio: TwilioServer, thresholds: list[int]
) -> list[int]:
    """Kill every other connection to the database each time Twilio holds this many texts."""
    killed: list[int] = []
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        for threshold in thresholds:
            deadline = time.monotonic() + 20
            while len(twilio.messages) < threshold and time.monotonic() < deadline:
                time.sleep(0.005)
            with engine.connect() as connection:
                killed.append(connection.execute(KILL_OTHERS).scalar_one())
    finally:
        engine.dispose()
    return killed


if TEST_DATABASE_URL:  # PostgreSQL only: SQLite has no connections to kill

    @pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
    def test_connections_killed_mid_wave_still_send_each_check_in_exactly_once(
        runtime, twilio, database_url
    ) -> None:
        phones = enroll_and_welcome(runtime, 120)
        welcomes = len(twilio.messages)
        twilio.latency = 0.02
        with ThreadPoolExecutor(max_workers=1) as pool:
            killing = pool.submit(
                kill_connections_during_wave, database_url, twilio, [welcomes + 20, welcomes + 60]
            )
            # The wave may die with its connection; the next ticks must finish it.
            with contextlib.suppress(DBAPIError):
                run_due_work(runtime, now=MORNING)
            assert sum(killing.result()) > 0
        twilio.latency = 0
        for minutes in (6, 12, 30):
            run_due_work(runtime, now=MORNING + timedelta(minutes=minutes))
        assert check_in_texts(twilio) == Counter(phones)
        assert first_statuses(runtime) == Counter({CheckInStatus.SENT: 120})


def flask_tick(
    database_url: str, twilio: TwilioServer, *, is_privileged: bool = True
) -> subprocess.CompletedProcess:
    """`flask tick --at MORNING` in its own process; as root, without root's file powers."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_API_URL": twilio.base_url,
        "TWILIO_FROM_NUMBER": "+15005550006",
        "SMS_RATE_PER_SECOND": "0",
    }
    command = [sys.executable, "-m", "flask", "--app", "recovery", "tick"]
    command += ["--at", MORNING.isoformat()]
    if IS_ROOT and not is_privileged:
        # Root ignores file modes; drop the capabilities that let it, as a service user has none.
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    """The command failed with one clear line naming the database problem, no traceback."""
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: the database"), result.stderr
    assert all(word in lines[0] for word in words), lines[0]


def enroll_offline(settings: Settings, count: int) -> list[str]:
    """Enroll patients in the settings' database, due at MORNING; close every connection."""
    runtime = runtime_of(create_app(settings))
    with runtime.transaction() as session:
        load_defaults(session, now=utc_now())
    phones = [phone_number(index) for index in range(count)]
    for phone in phones:
        enroll_patient(runtime, phone, now=MORNING - timedelta(hours=1))
    runtime.engine.dispose()
    return phones


def sqlite_path(database_url: str) -> Path:
    """The file of a sqlite:/// URL."""
    return Path(database_url.removeprefix("sqlite:///"))


def is_intact(path: Path) -> bool:
    """Whether SQLite's own integrity check passes on the file."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_read_only_database_file_fails_tick_with_one_clear_line_and_no_harm(
    settings, twilio, database_url
) -> None:
    phones = enroll_offline(settings, 3)
    path = sqlite_path(database_url)
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    path.chmod(0o444)
    result = flask_tick(database_url, twilio, is_privileged=False)
    assert_one_line_error(result, str(path), "readonly")
    # The failed run left -wal and -shm behind, read-only like the file they were made for:
    # making only the database file writable again is not enough.
    path.chmod(0o644)
    assert [file.stat().st_mode & 0o777 for file in files[1:]] == [0o444, 0o444]
    assert_one_line_error(flask_tick(database_url, twilio, is_privileged=False), "readonly")
    for file in files:
        file.chmod(0o644)
    assert is_intact(path)
    assert twilio.messages == []
    assert flask_tick(database_url, twilio, is_privileged=False).returncode == 0
    assert check_in_texts(twilio) == Counter(phones)


@pytest.fixture
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 2 MB filesystem of its own (tmpfs, mounted as root)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount_point], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", mount_point], check=True)


def fill(directory: Path) -> Path:
    """Write a file until the filesystem has no space left; return it."""
    filler = directory / "filler"
    with filler.open("wb", buffering=0) as stream, contextlib.suppress(OSError):
        while True:
            stream.write(b"\0" * 4096)
    return filler


if IS_ROOT and shutil.which("mount"):

    @pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
    def test_a_full_disk_fails_tick_with_one_clear_line_and_sends_once_when_freed(
        settings, twilio, tiny_disk, sqlite_template, database_url
    ) -> None:
        path = tiny_disk / "recovery.db"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite:///{path}"
        phones = enroll_offline(with_settings(settings, database_url=url), 3)
        filler = fill(tiny_disk)
        assert_one_line_error(flask_tick(url, twilio), str(path), "disk")
        assert twilio.messages == []
        filler.unlink()
        assert is_intact(path)
        assert flask_tick(url, twilio).returncode == 0
        assert check_in_texts(twilio) == Counter(phones)
