"""One database session per web request."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session


def db() -> Session:
    """The current request's session (opened on first use, closed at teardown)."""
    if "db" not in g:
        g.db = current_app.extensions["recovery"].sessions()
    session: Session = g.db
    return session


def _close_session(_error: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    """Close each request's session when the request ends."""
    app.teardown_appcontext(_close_session)
