"""Health checks for load balancers and monitoring."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError

from recovery.models import Heartbeat
from recovery.requests import db
from recovery.runtime import utc_now
from recovery.sending.due_work import SCHEDULER_HEARTBEAT

blueprint = Blueprint("health", __name__)
SCHEDULER_STALE_AFTER = timedelta(minutes=2)


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 when the database answers, else 503."""
    try:
        db().execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="unavailable", reason="the database does not answer"), 503
    return jsonify(status="ok")


@blueprint.get("/healthz/scheduler")
def scheduler_health() -> ResponseReturnValue:
    """200 with the last due-work pass when one ran in the last 2 minutes, else 503."""
    try:
        beat = db().scalars(select(Heartbeat).where(Heartbeat.name == SCHEDULER_HEARTBEAT)).first()
    except SQLAlchemyError:
        return jsonify(status="unavailable", reason="the database does not answer"), 503
    if beat is None:
        return jsonify(status="stale", last_run_at=None, reason="no due-work pass has run"), 503
    age = utc_now() - beat.beat_at
    body = {"last_run_at": beat.beat_at.isoformat(), "seconds_ago": int(age.total_seconds())}
    if age > SCHEDULER_STALE_AFTER:
        return jsonify(status="stale", **body), 503
    return jsonify(status="ok", **body)
