"""``GET /metrics`` for Prometheus, behind its own read-only bearer token (``METRICS_TOKEN``).

Figures that live in the database (texts by status, failures by Twilio error code, inbound
texts, flags raised and open, the outbox's depth, the last due-work pass) are read from it
at each scrape, so they are right whatever number of web workers and scheduler processes
run. Webhook durations are this process's own; with several gunicorn workers, set
``PROMETHEUS_MULTIPROC_DIR`` and each worker's are added up. No label holds patient detail:
statuses, codes, kinds and severities only.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, current_app, g, request
from flask.typing import ResponseReturnValue
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recovery.models import Flag, Heartbeat, Message
from recovery.requests import db
from recovery.runtime import Runtime, utc_now
from recovery.sending.due_work import SCHEDULER_HEARTBEAT
from recovery.states import Direction, FlagStatus, MessageStatus

blueprint = Blueprint("metrics", __name__)
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
    registry.register(_DatabaseFigures(db()))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_OwnFigures())
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


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


class _OwnFigures(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from WEBHOOK_SECONDS.collect()


class _DatabaseFigures(Collector):
    """The figures read from the database at each scrape."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def collect(self) -> Iterator[Metric]:
        session = self.session
        # One pass over the status index: inbound texts are the ones `received`.
        by_status = dict(
            session.execute(select(Message.status, func.count()).group_by(Message.status)).all()
        )
        inbound = by_status.pop(MessageStatus.RECEIVED, 0)
        yield _gauge(
            "recovery_outbound_texts",
            "Outbound texts by delivery status.",
            ["status"],
            list(by_status.items()),
        )
        yield _gauge(
            "recovery_send_failures",
            "Texts that failed or were undelivered, by Twilio error code.",
            ["error_code"],
            (
                (code if code is not None else "none", count)
                for code, count in session.execute(
                    select(Message.error_code, func.count())
                    .where(
                        Message.direction == Direction.OUTBOUND,
                        Message.status.in_((MessageStatus.FAILED, MessageStatus.UNDELIVERED)),
                    )
                    .group_by(Message.error_code)
                )
            ),
        )
        yield GaugeMetricFamily("recovery_inbound_texts", "Inbound texts stored.", value=inbound)
        yield _gauge(
            "recovery_flags_raised",
            "Flags raised, by kind and severity.",
            ["kind", "severity"],
            session.execute(
                select(Flag.kind, Flag.severity, func.count()).group_by(Flag.kind, Flag.severity)
            ),
        )
        yield _gauge(
            "recovery_open_flags",
            "Flags open (not yet acknowledged), by severity.",
            ["severity"],
            session.execute(
                select(Flag.severity, func.count())
                .where(Flag.status == FlagStatus.OPEN)
                .group_by(Flag.severity)
            ),
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


def _gauge(name: str, documentation: str, labels: list[str], rows: object) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for *values, count in rows:  # type: ignore[attr-defined]
        family.add_metric([str(getattr(v, "value", v)) for v in values], count)
    return family
