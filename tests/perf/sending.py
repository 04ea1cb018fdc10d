"""Sending a wave of check-ins as production does, and what the Twilio server saw of it.

The wave is driven as production drives it: the check-ins are in the database, and
``flask --app recovery tick --at <instant>`` runs in its own process against the
Twilio-compatible test server (so the fake Twilio's own Python work does not share the
sender's interpreter). Every figure comes from the server's records: when each create was
accepted, how many were in flight at once, and which numbers got a text.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from config.settings import Settings
from recovery.db import make_engine
from recovery.models import CheckIn
from recovery.runtime import Runtime
from recovery.sending.due_work import run_due_work
from recovery.sending.wiring import gateway_of, outbox_of
from recovery.states import CheckInStatus
from tests.perf.data import add_wave
from tests.perf.databases import DATABASE_NAMES, fresh_database, fresh_sqlite
from tests.perf.plan import Plan
from tests.perf.processes import flask, service_env
from tests.support.dates import zone_inside_the_window_now
from tests.support.twilio_server import TwilioServer

LATENCY = 0.15  # seconds the test server takes to answer each create, like Twilio
WAVE_AT = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 10:00 in Los Angeles: inside the window
SERVICE_NUMBER = "+15005550006"
TICK_TIMEOUT = 600.0


@dataclass(frozen=True)
class WaveRun:
    """What one wave did, as the Twilio-compatible server saw it."""

    rate: float  # texts/s of the send pass
    paced_rate: float  # texts/s between the first and the last create to arrive
    busiest_second: int  # most creates arriving in any 1 s window (where Twilio counts)
    busiest_accepted_second: int  # most creates accepted (after the server's delay) in 1 s
    not_once: int  # check-ins whose text is missing, doubled, or not recorded as sent
    max_in_flight: int
    tick_seconds: float  # the whole tick process, start to exit


def send_rate(times: list[float], latency: float = LATENCY) -> float:
    """Texts/s from the send pass's start (first acceptance less one latency) to the last."""
    return len(times) / (times[-1] - times[0] + latency) if times else 0.0


def paced_rate(times: list[float]) -> float:
    """Texts/s between the first and the last create."""
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def busiest_second(times: list[float]) -> int:
    """The most creates in any window [t, t + 1 s)."""
    ordered, most, start = sorted(times), 0, 0
    for end, moment in enumerate(ordered):
        while ordered[start] <= moment - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def twilio_settings(server: TwilioServer, rate: float) -> dict[str, str]:
    """The environment that points the service at the test server."""
    return {
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": server.account_sid,
        "TWILIO_AUTH_TOKEN": server.auth_token,
        "TWILIO_API_URL": server.base_url,
        "TWILIO_FROM_NUMBER": SERVICE_NUMBER,
        "PUBLIC_BASE_URL": "http://127.0.0.1:9",  # status callbacks are not sent by the server
        "SMS_RATE_PER_SECOND": f"{rate:g}",
    }


def not_sent_once(server: TwilioServer, phones: list[str], url: str) -> int:
    """Check-ins whose text is not at the server exactly once, or not recorded as sent."""
    texts = Counter(message.to for message in server.messages)
    expected = set(phones)
    missing = sum(1 for phone in phones if texts[phone] == 0)
    extra = sum(count - 1 for count in texts.values() if count > 1)
    extra += sum(count for to, count in texts.items() if to not in expected)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            query = select(func.count()).where(
                CheckIn.label == "24h", CheckIn.status == CheckInStatus.SENT
            )
            recorded = int(connection.execute(query).scalar_one())
    finally:
        engine.dispose()
    return missing + extra + abs(len(phones) - recorded)


def tick(url: str, server: TwilioServer, at: datetime, rate: float) -> float:
    """Run ``flask tick --at`` in its own process; return how long it took."""
    env = service_env(DATABASE_URL=url, **twilio_settings(server, rate))
    started = time.monotonic()
    flask(["tick", "--at", at.isoformat()], env, timeout=TICK_TIMEOUT)
    return time.monotonic() - started


def measure(server: TwilioServer, phones: list[str], url: str, seconds: float) -> WaveRun:
    """The figures of a finished wave."""
    times, arrivals = server.accepted_times, server.received_times
    return WaveRun(
        rate=send_rate(times),
        paced_rate=paced_rate(arrivals),
        busiest_second=busiest_second(arrivals),
        busiest_accepted_second=busiest_second(times),
        not_once=not_sent_once(server, phones, url),
        max_in_flight=server.max_in_flight,
        tick_seconds=seconds,
    )


def wave(kind: str, count: int, workdir: Path, *, rate: float = 0.0) -> WaveRun:
    """``count`` check-ins due at once, bulk-inserted, sent by one tick."""
    with fresh_database(kind, workdir) as url:
        engine = make_engine(url)
        try:
            phones = add_wave(engine, count, due_at=WAVE_AT)
        finally:
            engine.dispose()
        with TwilioServer(latency=LATENCY) as server:
            seconds = tick(url, server, WAVE_AT, rate)
            return measure(server, phones, url, seconds)


def one_at_a_time(kind: str, count: int, workdir: Path) -> float:
    """The baseline: the same outbox with one thread, in-process; its texts/s."""
    with fresh_database(kind, workdir) as url:
        engine = make_engine(url)
        try:
            add_wave(engine, count, due_at=WAVE_AT)
        finally:
            engine.dispose()
        with TwilioServer(latency=LATENCY) as server:
            settings = Settings(
                database_url=url,
                env="test",
                sms_backend="twilio",
                twilio_account_sid=server.account_sid,
                twilio_auth_token=server.auth_token,
                twilio_api_url=server.base_url,
                twilio_from_number=SERVICE_NUMBER,
                public_base_url="http://127.0.0.1:9",
                sms_rate_per_second=0,
            )
            runtime = Runtime.from_settings(settings)
            outbox_of(runtime).workers = 1
            try:
                run_due_work(runtime, now=WAVE_AT)
            finally:
                gateway_of(runtime).close()  # type: ignore[attr-defined]
                runtime.engine.dispose()
            return send_rate(server.accepted_times)


def just_before(now: datetime) -> tuple[datetime, str]:
    """An instant a few minutes ago, and a time zone where it was daytime then.

    The import runs after it, so the 24 h check-ins of procedures a day before it are due
    at that instant and only minutes overdue when enrolled (not too late to send), while the
    welcome texts the import queues fall due only when it runs, after the wave's instant.
    """
    at = (now - timedelta(minutes=3)).replace(second=0, microsecond=0)
    return at, zone_inside_the_window_now(at)


def write_csv(path: Path, count: int, performed_at: datetime, zone: str) -> list[str]:
    """An import file of ``count`` consenting patients in ``zone``; return their phones."""
    phones = [f"+1415555{index:04d}" for index in range(count)]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["name", "phone", "performed_at", "consent", "timezone", "language"])
        local = performed_at.astimezone(ZoneInfo(zone)).isoformat()
        for index, phone in enumerate(phones):
            writer.writerow([f"Patient {index} Test", phone, local, "yes", zone, "en"])
    return phones


def imported_wave(count: int, workdir: Path) -> tuple[WaveRun, float]:
    """The issue's check: a fresh SQLite file, ``init-db``, ``import-enrollments``, one tick."""
    at, zone = just_before(datetime.now(UTC))
    source = workdir / "wave.csv"
    phones = write_csv(source, count, at - timedelta(hours=24), zone)
    try:
        with (
            fresh_sqlite(workdir, "imported.db", is_prepared=False) as url,
            TwilioServer(latency=LATENCY) as server,
        ):
            env = service_env(DATABASE_URL=url, **twilio_settings(server, 0))
            flask(["init-db"], env, timeout=120)
            started = time.monotonic()
            flask(["import-enrollments", str(source)], env, timeout=600)
            imported = time.monotonic() - started
            seconds = tick(url, server, at, 0)
            return measure(server, phones, url, seconds), imported
    finally:
        source.unlink(missing_ok=True)


def database_names(plan: Plan) -> list[tuple[str, str]]:
    """(kind, display name) of each database the plan covers."""
    return [(kind, DATABASE_NAMES[kind]) for kind in plan.databases]
