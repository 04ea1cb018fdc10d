"""``GET /metrics`` for Prometheus, behind its own read-only bearer token (``METRICS_TOKEN``).

Figures that live in the database (texts by status, failures by Twilio error code, inbound
texts, flags raised and open, the outbox's depth, the last due-work pass) are read from it
at each scrape, so they are right whatever number of web workers and scheduler processes
run. Texts and flags are counted by the database's triggers (``recovery.db``): a scrape sums
a few rows per label instead of counting a million texts. The scheduler folds those rows
every 15 seconds; a scrape that summed more than ``FOLD_AFTER`` folds them too. Webhook
durations are this process's own; with several gunicorn workers, set
``PROMETHEUS_MULTIPROC_DIR`` and each worker's are added up. No label holds patient detail:
statuses, codes, kinds and severities only.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import InstrumentedAttribute, Session

from recovery.db import fold_tallies
from recovery.logs import describe_failure
from recovery.models import FlagTally, Heartbeat, Message, MessageTally
from recovery.requests import db
from recovery.runtime import Runtime, utc_now
from recovery.sending.due_work import SCHEDULER_HEARTBEAT
from recovery.states import Direction, FlagKind, FlagStatus, MessageStatus, Severity

blueprint = Blueprint("metrics", __name__)
FAILED = (MessageStatus.FAILED, MessageStatus.UNDELIVERED)
# A scrape that summed more tally rows than this folds them before it answers.
FOLD_AFTER = 10_000
_logger = logging.getLogger(__name__)
_OWN = CollectorRegistry(auto_describe=True)
WEBHOOK_SECONDS = Histogram(
    "recovery_webhook_request_seconds",
    "Time to answer a Twilio webhook request.",
    ["webhook"],
    registry=_OWN,
)


@blueprint.get("/metrics")
def metrics() -> ResponseReturnValue:
    """The figures in Prometheus' text format; 404 with no token set, 401 without it."""
    runtime: Runtime = current_app.extensions["recovery"]
    token = runtime.settings.metrics_token
    if not token:
        return "Not found", 404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        return (
            "Unauthorized: a bearer token (METRICS_TOKEN) is needed",
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    # Not auto-described: registering would otherwise run every query once more.
    registry = CollectorRegistry(auto_describe=False)
    figures = _DatabaseFigures(db())
    registry.register(figures)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_OwnFigures())
    answer = Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    if figures.has_many_rows:
        _fold(db())
    return answer


def time_webhooks(app: Flask, blueprint_name: str) -> None:
    """Observe how long each request to the webhooks takes (name of the route as label)."""

    @app.before_request
    def started() -> None:
        if request.blueprint == blueprint_name:
            g.webhook_started = time.perf_counter()

    @app.after_request
    def finished(response: Response) -> Response:
        if "webhook_started" in g:
            name = (request.endpoint or "unknown").rsplit(".", 1)[-1]
            WEBHOOK_SECONDS.labels(name).observe(time.perf_counter() - g.webhook_started)
        return response


def _fold(session: Session) -> None:
    """Fold the tallies now rather than at the scheduler's next turn (in the scrape's own
    transaction: on SQLite it already holds the write lock)."""
    try:
        fold_tallies(session)
        session.commit()
    except SQLAlchemyError as failure:
        session.rollback()
        _logger.warning("folding the tallies failed: %s", describe_failure(failure))


class _OwnFigures(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from WEBHOOK_SECONDS.collect()


class _DatabaseFigures(Collector):
    """The figures read from the database at each scrape."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.has_many_rows = False

    def collect(self) -> Iterator[Metric]:
        session = self.session
        texts, text_rows = _tallied(
            session, MessageTally.direction, MessageTally.status, MessageTally.error_code
        )
        flags, flag_rows = _tallied(session, FlagTally.kind, FlagTally.severity, FlagTally.status)
        by_status: Counter[MessageStatus] = Counter()
        failures: Counter[int | None] = Counter()
        for (direction, status, error_code), count in texts.items():
            by_status[status] += count
            if direction == Direction.OUTBOUND and status in FAILED:
                failures[error_code] += count
        # Inbound texts are the ones `received`.
        inbound = by_status.pop(MessageStatus.RECEIVED, 0)
        yield _gauge(
            "recovery_outbound_texts",
            "Outbound texts by delivery status.",
            ["status"],
            [(status, count) for status, count in by_status.items() if count],
        )
        yield _gauge(
            "recovery_send_failures",
            "Texts that failed or were undelivered, by Twilio error code.",
            ["error_code"],
            [(code if code is not None else "none", n) for code, n in failures.items() if n],
        )
        yield GaugeMetricFamily("recovery_inbound_texts", "Inbound texts stored.", value=inbound)
        raised: Counter[tuple[FlagKind, Severity]] = Counter()
        open_flags: Counter[Severity] = Counter()
        for (kind, severity, status), count in flags.items():
            raised[kind, severity] += count
            if status == FlagStatus.OPEN:
                open_flags[severity] += count
        yield _gauge(
            "recovery_flags_raised",
            "Flags raised, by kind and severity.",
            ["kind", "severity"],
            [(kind, severity, count) for (kind, severity), count in raised.items()],
        )
        yield _gauge(
            "recovery_open_flags",
            "Flags open (not yet acknowledged), by severity.",
            ["severity"],
            list(open_flags.items()),
        )
        due = session.scalar(
            select(func.count()).where(
                Message.status == MessageStatus.PENDING, Message.next_attempt_at <= utc_now()
            )
        )
        yield GaugeMetricFamily("recovery_outbox_due", "Texts due and not yet sent.", value=due)
        beat = session.get(Heartbeat, SCHEDULER_HEARTBEAT)
        age = (utc_now() - beat.beat_at).total_seconds() if beat is not None else float("nan")
        yield GaugeMetricFamily(
            "recovery_seconds_since_due_work", "Seconds since the last due-work pass.", value=age
        )
        self.has_many_rows = text_rows + flag_rows > FOLD_AFTER


def _tallied(
    session: Session, *labels: InstrumentedAttribute[Any]
) -> tuple[dict[tuple[Any, ...], int], int]:
    """Each label's count from its tally (counts at zero left out), and the rows summed."""
    delta = labels[0].class_.delta
    query = select(*labels, func.sum(delta), func.count()).group_by(*labels)
    counts: dict[tuple[Any, ...], int] = {}
    rows = 0
    for *values, total, summed in session.execute(query):
        rows += summed
        if total:
            counts[tuple(values)] = int(total)
    return counts, rows


def _gauge(name: str, documentation: str, labels: list[str], rows: object) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for *values, count in rows:  # type: ignore[attr-defined]
        family.add_metric([str(getattr(v, "value", v)) for v in values], count)
    return family
