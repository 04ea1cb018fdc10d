"""The morning wave as Twilio runs it: two status callbacks per text, posted during the wave.

The service runs as deployed: on SQLite, ``flask serve`` (waitress, and the scheduler process
it starts); on PostgreSQL, ``gunicorn -w 2`` beside a ``flask scheduler`` process. Once it
answers, the wave is bulk-inserted due now (in a time zone where now is inside the delivery
window), and the scheduler's next pass sends it through the Twilio-compatible server, which
answers each create in 150 ms and posts `sent`, then `delivered`, to each text's
StatusCallback. The baseline is the bare ``twilio`` client with the same number in flight,
against the same kind of server, its callbacks answered by a bare sink (``bare_client``).
"""

from __future__ import annotations

import secrets
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select

from config.settings import Settings
from recovery.db import make_engine
from recovery.models import CheckIn, Message
from recovery.runtime import utc_now
from recovery.states import MessageKind, MessageStatus
from tests.perf.bare_client import IN_FLIGHT
from tests.perf.data import add_wave
from tests.perf.databases import fresh_database
from tests.perf.load import Outcome, at_rate
from tests.perf.plan import Plan
from tests.perf.processes import (
    FLASK,
    free_port,
    gunicorn,
    running,
    service_env,
    wait_for_http,
)
from tests.perf.report import Figure, Goal
from tests.perf.sending import LATENCY, database_names, send_rate, twilio_settings
from tests.perf.storm import signed_replies
from tests.support.dates import zone_inside_the_window_now
from tests.support.twilio_server import TwilioServer

CALLBACKS = "wave with callbacks"
CALLBACK_WORKERS = 32  # callbacks the Twilio-compatible server posts at once
FINISH_TIMEOUT = 600.0
REPLY_DELAY = 2.0  # replies start this long after the first text went
REPLY_RATE = 300.0
EXPECTED_RATE = 400.0  # texts/s: replies go on for the wave's length at this rate
CHECK_IN_WORDS = "how bad was your back pain"
NOTES = [
    "Wave with callbacks (SPEC 8's morning wave): the service runs as deployed, on SQLite "
    "`flask serve` (waitress, 16 threads, and the scheduler process it starts), on PostgreSQL "
    "`gunicorn -w 2` and a `flask scheduler` process. The check-ins are bulk-inserted due now "
    "once the web app answers; the scheduler's next pass sends them to the Twilio-compatible "
    f"server (150 ms per create), which posts `sent` then `delivered` to each text's "
    f"StatusCallback, {CALLBACK_WORKERS} callbacks at a time, during the wave. texts/s as in the "
    "morning wave, from the server's acceptance times. The run ends when every text is "
    "recorded `delivered`.",
    f"Baseline (in the same run, before each service run): the bare `twilio` client in its own "
    f"process, {IN_FLIGHT} requests in flight (one client per thread), no database, against "
    "the same server with the same callbacks, answered 204 by a bare threaded sink process. "
    "'% of bare client' is each run's rate over the baseline measured just before it.",
    "'Callbacks not answered 2xx' counts the server's callbacks that got another status or no "
    "answer; 'not recorded delivered' counts texts whose stored status is not `delivered` at "
    "the end. With replies: from 2 s after the first text, signed inbound replies (a pain "
    "score, from the wave's own patients in the order they were texted) are posted at 300/s, "
    "open loop, for the expected length of the wave (one run on each database).",
]


@dataclass(frozen=True)
class CallbackWaveRun:
    """One wave with callbacks, and the bare client's rate measured just before it."""

    rate: float
    baseline: float
    not_once: int
    max_in_flight: int
    callbacks_failed: int
    not_delivered: int
    replies: Outcome | None


def bare_client_rate(count: int, workdir: Path) -> float:
    """The baseline's texts/s: the bare client, the same server, callbacks to a bare sink."""
    with _twilio() as server:
        port = free_port()
        sink = [sys.executable, "-m", "tests.perf.bare_client", "sink", str(port)]
        with running(sink, service_env(), workdir / "sink.log") as process:
            wait_for_http(f"http://127.0.0.1:{port}/", process)
            client = [sys.executable, "-m", "tests.perf.bare_client", server.base_url]
            client += [server.account_sid, server.auth_token, str(count)]
            client.append(f"http://127.0.0.1:{port}/status")
            with running(client, service_env(), workdir / "bare-client.log") as sender:
                if sender.wait(timeout=FINISH_TIMEOUT) != 0:
                    raise RuntimeError(f"the bare client exited {sender.returncode}")
            _wait_for_callbacks(server, 2 * count)
        return send_rate(server.accepted_times)


def _twilio() -> TwilioServer:
    return TwilioServer(latency=LATENCY, auto_callbacks=True, callback_workers=CALLBACK_WORKERS)


def _wait_for_callbacks(server: TwilioServer, expected: int) -> None:
    deadline = time.monotonic() + FINISH_TIMEOUT
    while sum(server.callback_statuses.values()) < expected and time.monotonic() < deadline:
        time.sleep(0.2)


@contextmanager
def deployed(kind: str, env: dict[str, str], port: int, workdir: Path) -> Iterator[str]:
    """The service as deployed on ``kind`` (see the module docstring); yields its URL."""
    base_url = f"http://127.0.0.1:{port}"
    if kind == "sqlite":
        with running([*FLASK, "serve", "--port", str(port)], env, workdir / "serve.log") as web:
            wait_for_http(f"{base_url}/healthz", web)
            yield base_url
        return
    with (
        gunicorn(env, port, workdir / "gunicorn-wave.log"),
        running([*FLASK, "scheduler"], env, workdir / "scheduler.log"),
    ):
        yield base_url


def service_wave(
    kind: str, count: int, workdir: Path, *, replies_per_second: float = 0.0
) -> CallbackWaveRun:
    """The bare client's rate, then the service's wave of ``count`` with callbacks on."""
    baseline = bare_client_rate(count, workdir)
    port = free_port()
    with fresh_database(kind, workdir) as url, _twilio() as server:
        env = service_env(DATABASE_URL=url, SECRET_KEY=secrets.token_hex(24))
        env.update(twilio_settings(server, 0), PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
        engine = make_engine(url)
        try:
            with deployed(kind, env, port, workdir):
                now = utc_now()
                phones = add_wave(engine, count, due_at=now, zone=zone_inside_the_window_now(now))
                replies = None
                if replies_per_second:
                    replies = _replies_during(server, env, port, phones, replies_per_second)
                _wait_until_delivered(engine, count)
                _wait_for_callbacks(server, 2 * count)
            return CallbackWaveRun(
                rate=send_rate(sorted(server.accepted_times)),
                baseline=baseline,
                not_once=_not_sent_once(server, phones, engine),
                max_in_flight=server.max_in_flight,
                callbacks_failed=_callbacks_failed(server.callback_statuses),
                not_delivered=count - _delivered(engine),
                replies=replies,
            )
        finally:
            engine.dispose()


def _replies_during(
    server: TwilioServer, env: dict[str, str], port: int, phones: list[str], rate: float
) -> Outcome:
    """From shortly after the first text, replies at ``rate`` for the wave's expected length."""
    deadline = time.monotonic() + FINISH_TIMEOUT
    while not server.accepted_times and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(REPLY_DELAY)
    settings = Settings(
        secret_key=env["SECRET_KEY"],
        public_base_url=env["PUBLIC_BASE_URL"],
        sms_backend="twilio",
        twilio_auth_token=env["TWILIO_AUTH_TOKEN"],
    )
    seconds = len(phones) / EXPECTED_RATE
    requests = signed_replies(settings, phones[: int(rate * seconds)])
    return at_rate("127.0.0.1", port, requests, rate=rate, seconds=seconds, clients=64)


def _wait_until_delivered(engine: Engine, count: int) -> None:
    deadline = time.monotonic() + FINISH_TIMEOUT
    while _delivered(engine) < count and time.monotonic() < deadline:
        time.sleep(0.5)


def _delivered(engine: Engine) -> int:
    query = select(func.count()).where(
        Message.kind == MessageKind.CHECK_IN, Message.status == MessageStatus.DELIVERED
    )
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _not_sent_once(server: TwilioServer, phones: list[str], engine: Engine) -> int:
    """Check-ins whose text is not at the server exactly once, or not recorded as sent."""
    texts = Counter(m.to for m in server.messages if CHECK_IN_WORDS in m.resource["body"])
    missing = sum(1 for phone in phones if texts[phone] == 0)
    extra = sum(count - 1 for count in texts.values() if count > 1)
    extra += sum(count for to, count in texts.items() if to not in set(phones))
    query = select(func.count()).where(CheckIn.label == "24h", CheckIn.sent_at.is_not(None))
    with engine.connect() as connection:
        recorded = int(connection.execute(query).scalar_one())
    return missing + extra + abs(len(phones) - recorded)


def _callbacks_failed(statuses: Counter[int]) -> int:
    """Callbacks answered with anything but 2xx, or not at all (0)."""
    return sum(count for status, count in statuses.items() if not 200 <= status < 300)


def callback_waves(plan: Plan) -> list[Figure]:
    """The wave with callbacks on each database, and on PostgreSQL with replies arriving."""
    figures = []
    for kind, name in database_names(plan):
        runs = [service_wave(kind, plan.wave_texts, plan.workdir) for _ in range(plan.runs)]
        figures += _figures(f"{name}, {plan.wave_texts:,} check-ins", runs)
    for kind, name in database_names(plan):  # one run each: the replies add minutes
        runs = [service_wave(kind, plan.wave_texts, plan.workdir, replies_per_second=REPLY_RATE)]
        label = f"{name}, {plan.wave_texts:,} check-ins, {REPLY_RATE:g} replies/s"
        figures += _figures(label, runs)
    return figures


def _figures(label: str, runs: list[CallbackWaveRun]) -> list[Figure]:
    figures = [
        Figure(
            CALLBACKS,
            f"{label}: send rate",
            "texts/s",
            [run.rate for run in runs],
            Goal(">=", 400, ">= 400 texts/s"),
            baseline_name=f"bare client, {IN_FLIGHT} in flight",
            baseline_runs=[run.baseline for run in runs],
        ),
        Figure(
            CALLBACKS,
            f"{label}: % of bare client",
            "%",
            [100 * run.rate / run.baseline for run in runs],
            Goal(">=", 80, ">= 80% (aim 90%)"),
        ),
        _safety(f"{label}: not sent exactly once", [run.not_once for run in runs]),
        Figure(
            CALLBACKS,
            f"{label}: most creates in flight",
            "",
            [run.max_in_flight for run in runs],
            Goal("<=", IN_FLIGHT, f"never over {IN_FLIGHT}"),
            is_safety=True,
        ),
        _safety(f"{label}: callbacks not answered 2xx", [run.callbacks_failed for run in runs]),
        _safety(f"{label}: texts not recorded delivered", [run.not_delivered for run in runs]),
    ]
    replies = [run.replies for run in runs if run.replies is not None]
    if replies:
        figures += [
            Figure(
                CALLBACKS,
                f"{label}: replies answered",
                "replies/s",
                [r.per_second for r in replies],
            ),
            Figure(
                CALLBACKS, f"{label}: reply p99 latency", "ms", [r.percentile(99) for r in replies]
            ),
            _safety(f"{label}: replies failed", [r.failed for r in replies]),
        ]
    return figures


def _safety(name: str, runs: list[int]) -> Figure:
    return Figure(
        CALLBACKS, name, "", [float(run) for run in runs], Goal("<=", 0, "0"), is_safety=True
    )
