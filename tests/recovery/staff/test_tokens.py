"""API tokens: kept only as a hash, found by prefix and compared in constant time."""

from __future__ import annotations

from sqlalchemy import select

from recovery.models import ApiToken
from recovery.runtime import Runtime, utc_now
from recovery.staff.tokens import create_token, find_token, revoke_token


def test_a_token_is_stored_only_as_its_hash(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        _row, token = create_token(session, "EHR", actor="t", now=utc_now())
    with runtime.sessions() as session:
        row = session.scalars(select(ApiToken)).one()
        assert token not in (row.token_hash, row.prefix, row.name)
        assert token.startswith(row.prefix) and len(row.token_hash) == 64


def test_a_token_with_the_right_prefix_but_wrong_rest_is_refused(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        _row, token = create_token(session, "EHR", actor="t", now=utc_now())
    with runtime.sessions() as session:
        assert find_token(session, token) is not None
        assert find_token(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert find_token(session, token[:10]) is None
        assert find_token(session, token + "é") is None


def test_a_revoked_token_is_refused(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        row, token = create_token(session, "EHR", actor="t", now=utc_now())
        revoke_token(session, row, actor="t", now=utc_now())
    with runtime.sessions() as session:
        assert find_token(session, token) is None
