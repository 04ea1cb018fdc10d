"""Benchmark 3: a storm of signed patient replies against gunicorn (2 workers) on PostgreSQL.

Each reply comes from a different patient whose 24 h check-in was texted an hour ago, and
answers its first question (a pain score), so every request does the full work: verify the
signature, store the text, read the score, run the rules, store and send the TwiML answer.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import func, select

from config.settings import Settings
from recovery.db import make_engine
from recovery.models import Message
from recovery.runtime import utc_now
from recovery.sending.signing import public_url, sign
from recovery.states import Direction
from tests.perf.data import SERVICE_NUMBER, add_waiting
from tests.perf.databases import fresh_postgres
from tests.perf.load import Outcome, Request, as_fast_as_possible, at_rate
from tests.perf.plan import Plan
from tests.perf.processes import free_port, gunicorn, service_env
from tests.perf.report import Figure, Goal

STORM = "reply storm"
HOST = "127.0.0.1"
PATH = "/webhooks/twilio/sms"
REPLIES = ("4", "my pain is 5", "6/10", "3 out of 10", "about 5 today", "7", "pain 2")
MOST_PER_SECOND = 1_500  # the closed loop's requests are prepared for at most this rate
WARM_UP = 300  # replies sent first, unmeasured: both workers load their code and caches
NOTES = [
    "Reply storm: `gunicorn -w 2 'recovery:create_app()'` on a fresh PostgreSQL database, "
    "console SMS backend, signatures keyed from SECRET_KEY. Each request is a distinct "
    "patient's first answer (a pain score in words or digits) to a check-in texted an hour "
    "before, signed beforehand with `recovery.signing.sign` over PUBLIC_BASE_URL + path. "
    "The load generator (tests/perf/load.py: Python threads and http.client, no extra "
    "package) runs on the same 2 cores as gunicorn and PostgreSQL.",
    f"Before measuring, {WARM_UP} replies (other patients) warm both workers up. "
    "Sustained replies/s: closed loop, a fixed number of clients each sending its next request "
    "as soon as the last is answered, for the stated seconds; only 2xx answers count. "
    "Baseline: the same server's `GET /healthz` with the same generator and clients.",
    "Latency at 100/s: open loop, request i due at start + i/100 s, latency measured from when "
    "it was due (a server that falls behind pays for it); baseline: `/healthz` the same way.",
    "'Failed or not stored' counts non-2xx answers, requests with no answer, and 2xx replies "
    "missing from the database afterwards.",
]


def signed_replies(settings: Settings, phones: list[str]) -> list[Request]:
    """One signed inbound-SMS webhook request per phone, as Twilio would post it."""
    url = public_url(settings, PATH)
    requests = []
    for index, phone in enumerate(phones):
        sid = "SM" + uuid.uuid4().hex
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "SmsMessageSid": sid,
            "AccountSid": "AC" + "5e" * 16,
            "From": phone,
            "To": SERVICE_NUMBER,
            "Body": REPLIES[index % len(REPLIES)],
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": sign(settings, url, params),
        }
        requests.append(Request("POST", PATH, urlencode(params).encode(), headers))
    return requests


def _stored_replies(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            query = select(func.count()).where(Message.direction == Direction.INBOUND)
            return int(connection.execute(query).scalar_one())
    finally:
        engine.dispose()


@dataclass(frozen=True)
class StormRun:
    """One run: /healthz and replies, as fast as possible and at a fixed rate."""

    health: Outcome
    storm: Outcome
    health_paced: Outcome
    paced: Outcome
    missing: int  # replies answered 2xx but not in the database


def _figures(plan: Plan, runs: list[StormRun]) -> list[Figure]:
    clients, rate = plan.storm_concurrency, plan.storm_rate
    return [
        Figure(
            STORM,
            f"sustained replies/s ({clients} clients, {plan.storm_seconds:g} s)",
            "replies/s",
            [run.storm.per_second for run in runs],
            Goal(">", 300, "> 300 replies/s"),
            "GET /healthz",
            [run.health.per_second for run in runs],
        ),
        Figure(
            STORM,
            f"p50 latency at {rate:g} replies/s",
            "ms",
            [run.paced.percentile(50) for run in runs],
            None,
            "/healthz p50",
            [run.health_paced.percentile(50) for run in runs],
        ),
        Figure(
            STORM,
            f"p99 latency at {rate:g} replies/s",
            "ms",
            [run.paced.percentile(99) for run in runs],
            Goal("<", 100, "< 100 ms"),
            "/healthz p99",
            [run.health_paced.percentile(99) for run in runs],
        ),
        Figure(
            STORM,
            "replies failed or not stored",
            "",
            [run.storm.failed + run.paced.failed + run.missing for run in runs],
            Goal("<=", 0, "0"),
            is_safety=True,
        ),
    ]


def _patients(url: str, count: int) -> list[str]:
    engine = make_engine(url)
    try:
        return add_waiting(engine, count, sent_at=utc_now() - timedelta(hours=1))
    finally:
        engine.dispose()


def reply_storm(plan: Plan) -> list[Figure]:
    """Benchmark 3: sustained replies/s and latency at 100/s, each against /healthz."""
    port = free_port()
    settings = Settings(
        secret_key=secrets.token_hex(24), public_base_url=f"http://127.0.0.1:{port}"
    )
    per_run = int(plan.storm_seconds * MOST_PER_SECOND) + int(plan.storm_seconds * plan.storm_rate)
    with fresh_postgres() as url:
        phones = _patients(url, WARM_UP + plan.runs * per_run)
        env = service_env(
            DATABASE_URL=url,
            SECRET_KEY=settings.secret_key,
            PUBLIC_BASE_URL=settings.public_base_url,
            SMS_BACKEND="console",
        )
        with gunicorn(env, port, plan.workdir / "gunicorn-storm.log"):
            warm = signed_replies(settings, phones[:WARM_UP])
            as_fast_as_possible(HOST, port, warm, clients=plan.storm_concurrency, seconds=30)
            starts = range(WARM_UP, WARM_UP + plan.runs * per_run, per_run)
            runs = [
                _one_run(plan, settings, url, port, phones[start : start + per_run])
                for start in starts
            ]
    return _figures(plan, runs)


def _one_run(plan: Plan, settings: Settings, url: str, port: int, phones: list[str]) -> StormRun:
    """/healthz, then replies, closed loop; then both again at the fixed rate."""
    replies = signed_replies(settings, phones)
    burst = int(plan.storm_seconds * MOST_PER_SECOND)
    health = [Request("GET", "/healthz")] * burst
    clients, seconds, rate = plan.storm_concurrency, plan.storm_seconds, plan.storm_rate
    before = _stored_replies(url)
    health_outcome = as_fast_as_possible(HOST, port, health, clients=clients, seconds=seconds)
    storm = as_fast_as_possible(HOST, port, replies[:burst], clients=clients, seconds=seconds)
    health_paced = at_rate(HOST, port, health, rate=rate, seconds=seconds)
    paced = at_rate(HOST, port, replies[burst:], rate=rate, seconds=seconds)
    stored = _stored_replies(url) - before
    missing = max(0, storm.succeeded + paced.succeeded - stored)
    return StormRun(health_outcome, storm, health_paced, paced, missing)
