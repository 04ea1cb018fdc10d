"""Patients: the search, one patient's page, and pausing, resuming, withdrawing or
reinstating follow-up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from recovery.models import Enrollment, Patient
from recovery.patients import follow_up
from recovery.requests import db
from recovery.runtime import utc_now
from recovery.staff.audit import record_event
from recovery.web import access
from recovery.web.patient_record import (
    display_phone,
    patient_record,
    people_per_phone,
    search_patients,
)
from recovery.web.vocabulary import ACTIVITY_WORDS, clock_time

blueprint = Blueprint("patients", __name__)
FollowUpChange = Callable[..., None]
CHANGES: dict[str, tuple[FollowUpChange, str]] = {
    "pause": (follow_up.pause, "Check-ins are paused."),
    "resume": (follow_up.resume, "Check-ins are resumed."),
    "withdraw": (
        follow_up.withdraw,
        "Withdrawn: check-ins and texts not yet sent are cancelled."
        " If this was a mistake, Reinstate follow-up undoes it.",
    ),
    "reinstate": (
        follow_up.reinstate,
        "Follow-up reinstated: the check-ins the withdrawal cancelled are scheduled again,"
        " except any now too late to send.",
    ),
}


@blueprint.get("/patients")
def index() -> ResponseReturnValue:
    """Find patients by name, phone or MRN."""
    text = request.args.get("q", "")
    patients = search_patients(db(), text)
    return render_template(
        "patients.html",
        patients=patients,
        people_per_phone=people_per_phone(db(), patients),
        q=text,
        display_phone=display_phone,
    )


def _patient(patient_id: int) -> Patient:
    patient = db().get(Patient, patient_id)
    if patient is None:
        abort(404)
    return patient


@blueprint.get("/patients/<int:patient_id>")
def show(patient_id: int) -> ResponseReturnValue:
    """A patient's whole story; every view is in the audit log."""
    patient = _patient(patient_id)
    now = utc_now()
    record_view(db(), patient, now)
    return render_template(
        "patient.html",
        record=patient_record(db(), patient),
        local_now=clock_time(now, patient.timezone),
        display_phone=display_phone,
        activity_words=ACTIVITY_WORDS,
    )


def record_view(session: Session, patient: Patient, now: datetime, page: str = "patient") -> None:
    """Put the signed-in user's view of a patient's record in the audit log."""
    record_event(
        session,
        actor=access.actor(),
        action="patient.view",
        record_type="patient",
        record_id=patient.id,
        now=now,
        detail={} if page == "patient" else {"page": page},
    )
    session.commit()


@blueprint.post("/patients/<int:patient_id>/enrollments/<int:enrollment_id>/<change>")
def change_follow_up(patient_id: int, enrollment_id: int, change: str) -> ResponseReturnValue:
    """Pause, resume, withdraw or reinstate an enrollment's follow-up, at once."""
    if change not in CHANGES:
        abort(404)
    enrollment = _enrollment(patient_id, enrollment_id)
    service, done = CHANGES[change]
    try:
        service(db(), enrollment, actor=access.actor(), now=utc_now())
    except follow_up.FollowUpError as refused:
        db().rollback()
        flash(f"Nothing changed: {refused}.", "error")
    else:
        db().commit()
        flash(done, "info")
    return redirect(url_for(".show", patient_id=patient_id))


def _enrollment(patient_id: int, enrollment_id: int) -> Enrollment:
    enrollment = db().get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.patient_id != patient_id:
        abort(404)
    return enrollment
