"""API tokens: made once, shown once, kept only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from recovery.models import ApiToken
from recovery.staff.audit import record_event

TOKEN_PREFIX = "rc_"
PREFIX_LENGTH = 10  # what the token list shows of each token


def hash_token(token: str) -> str:
    """SHA-256 of a token (tokens are long random strings, so no salt or stretching is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, *, actor: str, now: datetime) -> tuple[ApiToken, str]:
    """Store a new token's hash and return the row and the token itself (shown once)."""
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise ValueError("a token needs a name of 1-120 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        name=name,
        token_hash=hash_token(token),
        prefix=token[:PREFIX_LENGTH],
        created_at=now,
        created_by=actor,
    )
    session.add(row)
    session.flush()
    record_event(
        session,
        actor=actor,
        action="token.create",
        record_type="api_token",
        record_id=row.id,
        now=now,
        detail={"name": name},
    )
    return row, token


def find_token(session: Session, token: str) -> ApiToken | None:
    """The live (not revoked) token row for a presented token, if any.

    Rows are found by their public prefix; the hashes are compared in constant time.
    """
    if not token.startswith(TOKEN_PREFIX) or not token.isascii():
        return None
    presented = hash_token(token)
    query = select(ApiToken).where(ApiToken.prefix == token[:PREFIX_LENGTH])
    for row in session.scalars(query):
        if hmac.compare_digest(row.token_hash, presented):
            return row if row.revoked_at is None else None
    return None


def revoke_token(session: Session, row: ApiToken, *, actor: str, now: datetime) -> None:
    """Stop a token from working."""
    if row.revoked_at is None:
        row.revoked_at = now
        record_event(
            session,
            actor=actor,
            action="token.revoke",
            record_type="api_token",
            record_id=row.id,
            now=now,
            detail={"name": row.name},
        )
