"""Who is signed in, for how long, and what they may open.

The session cookie holds the user's id, their session generation and when they were last
active. Each request reloads the user (so a deactivated account is out at once), refuses a
cookie from before the user's last sign-out (sign-out counts the generation up, so a copied
cookie dies with the session), and ends a session idle for more than 30 minutes. Polling
by the worklist page is not activity: an unattended screen still times out.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Flask, abort, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from recovery.models import StaffUser
from recovery.requests import db
from recovery.runtime import utc_now
from recovery.states import Role
from recovery.web.security import SESSION_LIFETIME

USER_KEY = "user_id"
SEEN_KEY = "seen_at"
GENERATION_KEY = "session_generation"  # must match the user's: sign-out ends every copy
# Requests the browser makes on its own (auto-refresh) do not extend the session.
PASSIVE_ENDPOINTS = {"worklist.rows"}
EXPIRED_MESSAGE = "You were signed out after 30 minutes without activity. Please sign in again."


def init_app(app: Flask, *, staff: set[str], admin: set[str]) -> None:
    """Load the user on each request; guard staff and admin blueprints."""

    @app.before_request
    def guard() -> ResponseReturnValue | None:
        """Sign-in first for staff pages; 403 for admin pages to non-admins."""
        g.user = None
        if request.endpoint == "static":
            return None
        load_user(utc_now())
        if request.blueprint in staff | admin and g.user is None:
            return redirect(url_for("auth.login", next=requested_path()))
        if request.blueprint in admin and g.user.role != Role.ADMIN:
            abort(403)
        return None


def is_expired(seen_at: float | None, now: datetime) -> bool:
    """Whether a session last active at ``seen_at`` (a UNIX time) has expired by ``now``."""
    if seen_at is None:
        return True
    return now.timestamp() - seen_at > SESSION_LIFETIME.total_seconds()


def load_user(now: datetime) -> None:
    """Set ``g.user`` from the session; end expired sessions and those of inactive users."""
    g.user = None
    user_id = session.get(USER_KEY)
    if user_id is None:
        return
    if is_expired(session.get(SEEN_KEY), now):
        session.clear()
        flash(EXPIRED_MESSAGE, "info")
        return
    user = db().get(StaffUser, user_id)
    if user is None or not user.is_active or session.get(GENERATION_KEY) != user.session_generation:
        session.clear()
        return
    g.user = user
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session[SEEN_KEY] = now.timestamp()


def start_session(user: StaffUser, now: datetime) -> None:
    """A fresh session for a user who just signed in (nothing kept from before)."""
    session.clear()
    session.permanent = True
    session[USER_KEY] = user.id
    session[GENERATION_KEY] = user.session_generation
    session[SEEN_KEY] = now.timestamp()


def actor() -> str:
    """The audit log's name for the signed-in user: ``user:<id>:<email>``."""
    user: StaffUser = g.user
    return actor_of(user)


def actor_of(user: StaffUser) -> str:
    """The audit log's name for a staff user."""
    return f"user:{user.id}:{user.email}"


def requested_path() -> str:
    """The path and query of this request, to come back to after signing in."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def is_signed_in() -> bool:
    """Whether a staff user is signed in for this request."""
    return g.get("user") is not None
