"""The audit log: who did what to which record, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from recovery.models import AuditEvent


def record_event(
    session: Session,
    *,
    actor: str,
    action: str,
    record_type: str,
    record_id: int | None,
    now: datetime,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit event to the session's transaction."""
    event = AuditEvent(
        at=now,
        actor=actor,
        action=action,
        record_type=record_type,
        record_id=record_id,
        detail=detail or {},
    )
    session.add(event)
    return event
