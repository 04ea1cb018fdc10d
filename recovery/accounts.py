"""Administering staff accounts: deactivate, reactivate, unlock (creation is in ``staff``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recovery.audit import record_event
from recovery.models import StaffUser
from recovery.staff import AccountError
from recovery.states import Role


def set_active(
    session: Session, user: StaffUser, *, is_active: bool, actor: str, now: datetime
) -> None:
    """Let a user sign in again, or stop them (their open sessions end at the next request)."""
    if user.is_active == is_active:
        return
    if not is_active and user.role == Role.ADMIN and _active_admins(session) <= 1:
        raise AccountError("the last active administrator cannot be deactivated")
    user.is_active = is_active
    record_event(
        session,
        actor=actor,
        action="user.reactivate" if is_active else "user.deactivate",
        record_type="staff_user",
        record_id=user.id,
        now=now,
        detail={"email": user.email},
    )


def unlock(session: Session, user: StaffUser, *, actor: str, now: datetime) -> None:
    """Lift a lock from failed sign-ins and forget the failures."""
    was_locked = user.locked_until is not None and user.locked_until > now
    user.locked_until = None
    user.failed_logins = 0
    record_event(
        session,
        actor=actor,
        action="user.unlock",
        record_type="staff_user",
        record_id=user.id,
        now=now,
        detail={"email": user.email, "was_locked": was_locked},
    )


def _active_admins(session: Session) -> int:
    query = select(func.count()).where(StaffUser.role == Role.ADMIN, StaffUser.is_active)
    return int(session.scalar(query.select_from(StaffUser)) or 0)
