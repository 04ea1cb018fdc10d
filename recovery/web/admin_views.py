"""Administration of staff accounts and API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from recovery.models import ApiToken, StaffUser
from recovery.requests import db
from recovery.runtime import utc_now
from recovery.staff import accounts
from recovery.staff.accounts import AccountError, create_user
from recovery.staff.tokens import create_token, revoke_token
from recovery.states import Role
from recovery.web import access

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
ROLES = ((Role.NURSE.value, "Nurse"), (Role.ADMIN.value, "Administrator"))
DONE = {"deactivate": "deactivated", "reactivate": "reactivated", "unlock": "unlocked"}


def _users_page(form: dict[str, str], error: str | None, status: int = 200) -> ResponseReturnValue:
    users = db().scalars(select(StaffUser).order_by(StaffUser.email)).all()
    page = render_template(
        "users.html", users=users, roles=ROLES, form=form, error=error, now=utc_now()
    )
    return page, status


@blueprint.get("/users")
def users() -> ResponseReturnValue:
    """Staff accounts, and the form to add one."""
    return _users_page({"role": Role.NURSE.value}, None)


@blueprint.post("/users")
def create() -> ResponseReturnValue:
    """Add a staff account with a role."""
    form = {"email": request.form.get("email", "").strip(), "role": request.form.get("role", "")}
    try:
        user = create_user(
            db(),
            form["email"],
            form["role"],
            request.form.get("password", ""),
            actor=access.actor(),
            now=utc_now(),
        )
    except AccountError as refused:
        db().rollback()
        return _users_page(form, f"Not created: {refused}.", 400)
    db().commit()
    flash(f"Created {user.email} ({user.role.value}).", "info")
    return redirect(url_for(".users"))


def _user(user_id: int) -> StaffUser:
    user = db().get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@blueprint.post("/users/<int:user_id>/<change>")
def change_user(user_id: int, change: str) -> ResponseReturnValue:
    """Deactivate, reactivate or unlock an account."""
    if change not in DONE:
        abort(404)
    user, actor, now = _user(user_id), access.actor(), utc_now()
    try:
        if change in ("deactivate", "reactivate"):
            accounts.set_active(db(), user, is_active=change == "reactivate", actor=actor, now=now)
        else:
            accounts.unlock(db(), user, actor=actor, now=now)
    except AccountError as refused:
        db().rollback()
        flash(f"Nothing changed: {refused}.", "error")
        return redirect(url_for(".users"))
    db().commit()
    flash(f"{user.email}: {DONE[change]}.", "info")
    return redirect(url_for(".users"))


def _tokens_page(
    new_token: str | None, error: str | None, status: int = 200
) -> ResponseReturnValue:
    tokens = (
        db()
        .scalars(select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
        .all()
    )
    page = render_template("tokens.html", tokens=tokens, new_token=new_token, error=error)
    return page, status


@blueprint.get("/tokens")
def tokens() -> ResponseReturnValue:
    """API tokens: prefix, creation, last use, revocation."""
    return _tokens_page(None, None)


@blueprint.post("/tokens")
def create_api_token() -> ResponseReturnValue:
    """Make a token and show it this once."""
    try:
        _row, token = create_token(
            db(), request.form.get("name", ""), actor=access.actor(), now=utc_now()
        )
    except ValueError as refused:
        db().rollback()
        return _tokens_page(None, f"Not created: {refused}.", 400)
    db().commit()
    return _tokens_page(token, None)


@blueprint.post("/tokens/<int:token_id>/revoke")
def revoke(token_id: int) -> ResponseReturnValue:
    """Stop a token from working."""
    row = db().get(ApiToken, token_id)
    if row is None:
        abort(404)
    revoke_token(db(), row, actor=access.actor(), now=utc_now())
    db().commit()
    flash(f"Revoked the token {row.name}.", "info")
    return redirect(url_for(".tokens"))
