"""What every staff page shares: the scheduler banner, the menu, filters and error pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, InternalServerError

from recovery.models import Heartbeat
from recovery.requests import db
from recovery.runtime import utc_now
from recovery.sending.due_work import SCHEDULER_HEARTBEAT
from recovery.states import Role
from recovery.web import vocabulary

BANNER_AFTER = timedelta(minutes=5)
# Paths whose errors are answered by their own blueprints, not with staff pages.
MACHINE_PATHS = ("/api/", "/webhooks/", "/healthz")


def scheduler_warning(session: Session, now: datetime) -> str | None:
    """The banner text when no due-work pass ran for 5 minutes, else None."""
    beat = session.scalars(select(Heartbeat).where(Heartbeat.name == SCHEDULER_HEARTBEAT)).first()
    if beat is None:
        return "Check-ins are not being sent: the scheduler has not run yet"
    age = now - beat.beat_at
    if age < BANNER_AFTER:
        return None
    minutes = int(age.total_seconds() // 60)
    return (
        "Check-ins are not being sent: the scheduler last ran "
        f"{vocabulary.elapsed_words(minutes)} ago"
    )


def _page_context() -> dict[str, Any]:
    user = g.get("user")
    settings = current_app.extensions["recovery"].settings
    return {
        "current_user": user,
        "is_admin": user is not None and user.role == Role.ADMIN,
        "has_simulator": settings.sms_backend == "console",
        "clinic_timezone": settings.default_timezone,
        # Called by the page layout only, so that fragments do not query for it.
        "scheduler_warning": lambda: scheduler_warning(db(), utc_now()) if user else None,
    }


def _error_page(error: HTTPException, status: int, title: str, message: str) -> ResponseReturnValue:
    if request.path.startswith(MACHINE_PATHS):
        return error
    return render_template("error.html", title=title, message=message), status


def _failure_page() -> ResponseReturnValue:
    """500 with no detail of the failure, even when the database itself is what failed."""
    title, message = "Something went wrong", "The page could not be shown. Please try again."
    if request.path.startswith(MACHINE_PATHS):
        return InternalServerError()
    try:
        page = render_template(
            "error.html", title=title, message=message, scheduler_warning=lambda: None
        )
    except Exception:  # the layout itself failed: plain words, still no detail
        page = f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p>"
    return page, 500


def init_app(app: Flask) -> None:
    """Install the template context, filters and error pages."""
    app.context_processor(_page_context)
    app.add_template_filter(vocabulary.local_time, "local_time")
    app.add_template_filter(vocabulary.age_words, "age_words")
    app.add_template_filter(vocabulary.kind_words, "kind_words")
    app.add_template_filter(vocabulary.staff_name, "staff_name")
    app.add_template_filter(vocabulary.event_words, "event_words")

    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> ResponseReturnValue:
        """400: a form without this session's CSRF token."""
        return _error_page(
            error,
            400,
            "The form could not be accepted",
            "The form was out of date or not sent by this site. Go back, reload and try again.",
        )

    @app.errorhandler(403)
    def forbidden(error: HTTPException) -> ResponseReturnValue:
        """403: an admin page, for a nurse."""
        return _error_page(error, 403, "Not allowed", "This page is for administrators only.")

    @app.errorhandler(404)
    def not_found(error: HTTPException) -> ResponseReturnValue:
        """404: no such page or record."""
        return _error_page(error, 404, "Not found", "There is no such page or record.")

    @app.errorhandler(500)
    def failed(_error: Exception) -> ResponseReturnValue:
        """500: the failure is logged; the page says nothing about it."""
        return _failure_page()
