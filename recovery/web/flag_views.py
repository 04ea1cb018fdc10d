"""The nurses' worklist: flags by status, acknowledge and resolve (with a note)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from recovery.flags.lifecycle import FlagTransitionError, InvalidNote, acknowledge, resolve
from recovery.flags.worklist import flag_age_minutes, worklist
from recovery.models import Flag
from recovery.requests import db
from recovery.runtime import utc_now
from recovery.states import FlagStatus
from recovery.web import access
from recovery.web.vocabulary import kind_words

blueprint = Blueprint("worklist", __name__)
TABS = (
    (FlagStatus.OPEN, "Open"),
    (FlagStatus.ACKNOWLEDGED, "Acknowledged"),
    (FlagStatus.RESOLVED, "Resolved"),
)
REFRESH_SECONDS = 30
PAGE_SIZE = 50  # a page of flags; later pages are a link away
MOST_PAGES = 1_000_000


def _status() -> FlagStatus:
    try:
        return FlagStatus(request.args.get("status", FlagStatus.OPEN.value))
    except ValueError:
        abort(404)


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= MOST_PAGES:
        abort(404)
    return page


def _page_url(endpoint: str, status: FlagStatus, page: int) -> str:
    """The URL of one page of a tab (the first page has no page number)."""
    if page == 1:
        return url_for(endpoint, status=status.value)
    return url_for(endpoint, status=status.value, page=page)


def _rows_context(status: FlagStatus, page: int) -> dict[str, object]:
    now = utc_now()
    found = worklist(db(), status, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    rows, has_more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    return {
        "rows": rows,
        "status": status,
        "page": page,
        "first_number": (page - 1) * PAGE_SIZE + 1,
        "ages": {row.flag.id: flag_age_minutes(row.flag, now) for row in rows},
        "back": _page_url("worklist.index", status, page),
        "previous_url": _page_url("worklist.index", status, page - 1) if page > 1 else None,
        "next_url": _page_url("worklist.index", status, page + 1) if has_more else None,
    }


@blueprint.get("/")
def home() -> ResponseReturnValue:
    """A nurse's home is the worklist."""
    return redirect(url_for("worklist.index"))


@blueprint.get("/flags")
def index() -> ResponseReturnValue:
    """Flags of one status, most severe then oldest first, a page at a time."""
    status, page = _status(), _page()
    return render_template(
        "flags.html",
        tabs=TABS,
        refresh_seconds=REFRESH_SECONDS,
        refresh_url=_page_url("worklist.rows", status, page),
        page_size=PAGE_SIZE,
        **_rows_context(status, page),
    )


@blueprint.get("/flags/rows")
def rows() -> ResponseReturnValue:
    """The worklist table's rows alone, for the page to refresh itself."""
    return render_template("_flag_rows.html", **_rows_context(_status(), _page()))


def _flag(flag_id: int) -> Flag:
    flag = db().get(Flag, flag_id)
    if flag is None:
        abort(404)
    return flag


@blueprint.get("/flags/<int:flag_id>")
def show(flag_id: int) -> ResponseReturnValue:
    """A flag lives on its patient's page (the on-call text links here)."""
    flag = _flag(flag_id)
    return redirect(
        url_for("patients.show", patient_id=flag.enrollment.patient_id, _anchor=f"flag-{flag.id}")
    )


@blueprint.get("/flags/<int:flag_id>/resolve")
def resolve_form(flag_id: int) -> ResponseReturnValue:
    """The note form for resolving a flag (used when the page runs without JavaScript)."""
    flag = _flag(flag_id)
    back = access.safe_next(request.args.get("back"), url_for("worklist.index"))
    return render_template("resolve.html", flag=flag, note="", back=back, error=None)


@blueprint.post("/flags/<int:flag_id>/acknowledge")
def acknowledge_flag(flag_id: int) -> ResponseReturnValue:
    """Open -> acknowledged, by the signed-in nurse."""
    flag = _flag(flag_id)
    try:
        acknowledge(db(), flag, actor=access.actor(), now=utc_now())
    except FlagTransitionError as refused:
        db().rollback()
        flash(f"Not acknowledged: {refused}", "error")
    else:
        db().commit()
        flash(f"Acknowledged: {kind_words(flag.kind)} for {_name(flag)}.", "info")
    return redirect(access.safe_next(request.form.get("back"), url_for("worklist.index")))


@blueprint.post("/flags/<int:flag_id>/resolve")
def resolve_flag(flag_id: int) -> ResponseReturnValue:
    """Open or acknowledged -> resolved, with the nurse's note."""
    flag = _flag(flag_id)
    note = request.form.get("note", "")
    back = access.safe_next(request.form.get("back"), url_for("worklist.index"))
    try:
        resolve(db(), flag, actor=access.actor(), note=note, now=utc_now())
    except InvalidNote as invalid:
        db().rollback()
        error = f"Note {invalid}."
        return render_template("resolve.html", flag=flag, note=note, back=back, error=error), 400
    except FlagTransitionError as refused:
        db().rollback()
        flash(f"Not resolved: {refused}", "error")
        return redirect(back)
    db().commit()
    flash(f"Resolved: {kind_words(flag.kind)} for {_name(flag)}.", "info")
    return redirect(back)


def _name(flag: Flag) -> str:
    return flag.enrollment.patient.name
