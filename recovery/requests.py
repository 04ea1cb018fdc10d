"""One database session per web request, and the request's id for the logs."""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, current_app, g, request
from sqlalchemy.orm import Session

from recovery.logs import REQUEST_ID

# A caller's X-Request-ID is kept only when it is a plain token (it goes into every log line).
_PLAIN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


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


def _name_request() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _PLAIN_ID.fullmatch(given) else uuid.uuid4().hex
    REQUEST_ID.set(g.request_id)


def _tell_request_id(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


def init_app(app: Flask) -> None:
    """Name each request for the logs, and close its session when it ends."""
    app.before_request(_name_request)
    app.after_request(_tell_request_id)
    app.teardown_appcontext(_close_session)
