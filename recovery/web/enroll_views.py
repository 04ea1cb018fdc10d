"""Enrolling patients from the staff pages: one by the form, many from a CSV file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from recovery.patients.enrollment import enroll
from recovery.patients.identity import EnrollmentConflict
from recovery.patients.imports import ImportReport, UnreadableImport, import_rows, read_rows
from recovery.patients.validation import InvalidRequest
from recovery.requests import db
from recovery.runtime import Runtime
from recovery.web import access
from recovery.web.forms import (
    COMMON_TIMEZONES,
    LABELS,
    LANGUAGES,
    EnrollmentForm,
    other_timezones,
    procedure_choices,
)

blueprint = Blueprint("enroll", __name__)


def _runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["recovery"]
    return runtime


def _render_form(
    form: EnrollmentForm, errors: dict[str, str], conflict: EnrollmentConflict | None = None
) -> str:
    return render_template(
        "enroll.html",
        values=form.values,
        errors=errors,
        conflict=conflict,
        labels=LABELS,
        languages=LANGUAGES,
        common_timezones=COMMON_TIMEZONES,
        other_timezones=other_timezones(),
        procedures=procedure_choices(),
    )


@blueprint.get("/patients/new")
def new() -> ResponseReturnValue:
    """The enrollment form."""
    return _render_form(EnrollmentForm.blank(_runtime().settings.default_timezone), {})


@blueprint.post("/patients/new")
def create() -> ResponseReturnValue:
    """Enroll through the same service as the API; errors shown by their fields."""
    form = EnrollmentForm.read(request.form)
    session = db()
    try:
        result = enroll(
            session,
            form.to_request(),
            clinic=_runtime().clinic,
            actor=access.actor(),
            source="web",
            now=_runtime().clock(),
        )
    except EnrollmentConflict as conflict:
        session.rollback()
        return _render_form(form, form.errors(conflict), conflict), 409
    except InvalidRequest as invalid:
        session.rollback()
        return _render_form(form, form.errors(invalid)), 400
    session.commit()
    patient = result.enrollment.patient
    if result.is_new:
        flash(f"{patient.name} is enrolled.", "info")
    else:
        flash(f"{patient.name} was already enrolled for this procedure: nothing changed.", "info")
    if repeated := form.repeated_wall_time():
        flash(repeated, "info")
    return redirect(url_for("patients.show", patient_id=patient.id))


@blueprint.get("/patients/import")
def import_form() -> ResponseReturnValue:
    """The CSV upload form."""
    return render_template("import.html", report=None, error=None)


@blueprint.post("/patients/import")
def import_file() -> ResponseReturnValue:
    """Enroll every good row of an uploaded CSV file; report each bad row."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("import.html", report=None, error="Choose a CSV file."), 400
    # The import opens its own sessions: this request must not hold SQLite's write lock.
    db().commit()
    try:
        report = _import(upload.read())
    except UnreadableImport as unreadable:
        return render_template("import.html", report=None, error=str(unreadable)), 400
    return render_template("import.html", report=report, error=None)


def _import(content: bytes) -> ImportReport:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "upload.csv"
        path.write_bytes(content)
        _count, rows = read_rows(path)
        return import_rows(_runtime(), rows, actor=access.actor())
