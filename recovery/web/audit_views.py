"""The audit log, newest first, filtered and paginated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from recovery.models import AuditEvent
from recovery.requests import db

blueprint = Blueprint("audit", __name__, url_prefix="/admin")
PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed to; dates are days in the clinic's timezone."""

    actor: str = ""
    action: str = ""
    record_type: str = ""
    since: date | None = None
    until: date | None = None

    def apply(self, query: Select[AuditEvent], zone: ZoneInfo) -> Select[AuditEvent]:
        """The query narrowed by these filters."""
        if self.actor:
            query = query.where(
                func.lower(AuditEvent.actor).contains(self.actor.lower(), autoescape=True)
            )
        if self.action:
            query = query.where(AuditEvent.action == self.action)
        if self.record_type:
            query = query.where(AuditEvent.record_type == self.record_type)
        if self.since:
            query = query.where(AuditEvent.at >= datetime.combine(self.since, time(), zone))
        if self.until:
            query = query.where(
                AuditEvent.at < datetime.combine(self.until + timedelta(days=1), time(), zone)
            )
        return query


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_filters(args: dict[str, str]) -> AuditFilters:
    """The filters from the query string (a bad date is ignored)."""
    return AuditFilters(
        actor=args.get("actor", "").strip(),
        action=args.get("action", "").strip(),
        record_type=args.get("record_type", "").strip(),
        since=_day(args.get("since")),
        until=_day(args.get("until")),
    )


def audit_page(
    session: Session, filters: AuditFilters, page: int, zone: ZoneInfo
) -> tuple[list[AuditEvent], bool]:
    """One page of matching events, newest first, and whether older ones follow."""
    query = filters.apply(select(AuditEvent), zone).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()
    )
    rows = session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return list(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def _choices(session: Session, column: object) -> list[str]:
    return list(session.scalars(select(column).distinct().order_by(column)))  # type: ignore[call-overload]


@blueprint.get("/audit")
def index() -> ResponseReturnValue:
    """Who did what to which record, and when."""
    zone_name = current_app.extensions["recovery"].settings.default_timezone
    filters = read_filters(request.args.to_dict())
    page = max(1, request.args.get("page", 1, type=int) or 1)
    events, has_older = audit_page(db(), filters, page, ZoneInfo(zone_name))
    query = {key: value for key, value in request.args.to_dict().items() if key != "page"}
    return render_template(
        "audit.html",
        events=events,
        filters=filters,
        page=page,
        has_older=has_older,
        query=query,
        actions=_choices(db(), AuditEvent.action),
        record_types=_choices(db(), AuditEvent.record_type),
        zone_name=zone_name,
    )
