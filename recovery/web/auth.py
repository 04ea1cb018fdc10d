"""Signing in and out.

A refused sign-in always says the same thing, whether the email is unknown, the password
wrong, the account deactivated or locked (5 failures lock it for 15 minutes, in
``recovery.staff.accounts``): the page never tells whether an account exists. Each attempt is in the
audit log, with the email typed and never the password.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from recovery.requests import db
from recovery.runtime import utc_now
from recovery.staff.accounts import MAX_FAILED_SIGN_INS, find_user, verify_sign_in
from recovery.staff.audit import record_event
from recovery.web import access

blueprint = Blueprint("auth", __name__)
REFUSAL = "Wrong email or password."
LOCK_HINT = (
    f"After {MAX_FAILED_SIGN_INS} wrong tries an account is locked for 15 minutes; "
    "an administrator can unlock it."
)
EMAIL_MAX = 254


@blueprint.get("/login")
def login() -> ResponseReturnValue:
    """The sign-in form (or on to the worklist when already signed in)."""
    home = url_for("worklist.index")
    if access.is_signed_in():
        return redirect(access.safe_next(request.args.get("next"), home))
    return render_template("login.html", email="", next=request.args.get("next", ""))


@blueprint.post("/login")
def sign_in() -> ResponseReturnValue:
    """Check the email and password; start a session or refuse without saying why."""
    email = request.form.get("email", "").strip()[:EMAIL_MAX]
    password = request.form.get("password", "")
    target = request.form.get("next", "")
    database, now = db(), utc_now()
    user = verify_sign_in(database, email, password, now=now) if email and password else None
    if user is None:
        _record_failure(database, email, now)
        database.commit()
        return render_template(
            "login.html", email=email, next=target, error=REFUSAL, hint=LOCK_HINT
        )
    record_event(
        database,
        actor=access.actor_of(user),
        action="auth.sign_in",
        record_type="staff_user",
        record_id=user.id,
        now=now,
    )
    database.commit()
    access.start_session(user, now)
    return redirect(access.safe_next(target, url_for("worklist.index")))


def _record_failure(database: Session, email: str, now: datetime) -> None:
    """Audit a refused sign-in: the email typed and whether the account is locked."""
    known = find_user(database, email) if email else None
    record_event(
        database,
        actor="anonymous",
        action="auth.sign_in_failed",
        record_type="staff_user",
        record_id=known.id if known else None,
        now=now,
        detail={
            "email": email,
            "locked": bool(known and known.locked_until and known.locked_until > now),
        },
    )


@blueprint.post("/logout")
def sign_out() -> ResponseReturnValue:
    """End the session."""
    if access.is_signed_in():
        g.user.session_generation += 1  # a copied cookie stops working too
        record_event(
            db(),
            actor=access.actor(),
            action="auth.sign_out",
            record_type="staff_user",
            record_id=g.user.id,
            now=utc_now(),
        )
        db().commit()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
