"""Staff accounts: creation, passwords, sign-in checks, deactivation and unlocking."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from recovery.models import StaffUser
from recovery.staff.audit import record_event
from recovery.states import Role

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
MAX_FAILED_SIGN_INS = 5
LOCK_DURATION = timedelta(minutes=15)
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Checked against when the email is unknown, so both paths take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


class AccountError(ValueError):
    """A staff account request that cannot be carried out."""


def hash_password(password: str) -> str:
    """A salted scrypt hash of the password."""
    return generate_password_hash(password, method="scrypt")


def check_new_password(password: str, email: str = "") -> None:
    """Refuse passwords too short to be safe, absurdly long, blank or the email itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at most {MAX_PASSWORD_LENGTH} characters")
    if not password.strip():
        raise AccountError("the password must not be only spaces")
    if email and email.strip().lower() in password.lower():
        raise AccountError("the password must not contain the email address")


def find_user(session: Session, email: str) -> StaffUser | None:
    """The staff user with this email (case-insensitive), if any."""
    query = select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower())
    return session.scalars(query).first()


def create_user(
    session: Session, email: str, role: str, password: str, *, actor: str, now: datetime
) -> StaffUser:
    """Add a staff account; refuse a bad email, role or password, or a taken email."""
    email = email.strip().lower()
    if not EMAIL_PATTERN.match(email):
        raise AccountError(f"{email!r} is not an email address")
    if role not in {member.value for member in Role}:
        raise AccountError("the role must be nurse or admin")
    check_new_password(password, email)
    if find_user(session, email) is not None:
        raise AccountError(f"there is already an account for {email}")
    user = StaffUser(
        email=email, password_hash=hash_password(password), role=Role(role), created_at=now
    )
    session.add(user)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="user.create",
        record_type="staff_user",
        record_id=user.id,
        now=now,
        detail={"email": email, "role": role},
    )
    return user


def verify_sign_in(
    session: Session, email: str, password: str, *, now: datetime
) -> StaffUser | None:
    """The user if the password is right and the account usable; counts failures and locks."""
    user = find_user(session, email)
    # The hash is always checked, so an unknown, locked or known email takes the same time.
    is_right = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or (user.locked_until is not None and user.locked_until > now):
        return None
    if not is_right or not user.is_active:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_SIGN_INS:
            _lock(session, user, now)
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _lock(session: Session, user: StaffUser, now: datetime) -> None:
    """Lock an account after too many failed sign-ins, and say so in the audit log."""
    user.locked_until = now + LOCK_DURATION
    user.failed_logins = 0
    record_event(
        session,
        actor="anonymous",
        action="auth.lockout",
        record_type="staff_user",
        record_id=user.id,
        now=now,
        detail={
            "email": user.email,
            "failed_sign_ins": MAX_FAILED_SIGN_INS,
            "locked_until": user.locked_until.isoformat(),
        },
    )


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
