"""``GET /api/v1/fhir/Observation``: the answers as a FHIR searchset Bundle (SPEC 6.6).

Behind the API's bearer tokens. ``patient`` is an MRN, ``Patient/<id>``, or
``subject:identifier=<system>|<value>``; ``_since`` an ISO instant compared with each
resource's ``meta.lastUpdated``. A bad parameter gets an OperationOutcome and 400. Every
patient whose answers are read is in the audit log, as a view of the patient.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Response, current_app, g, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from recovery.api.endpoints import blueprint
from recovery.api.fhir import answered_check_ins, observations, operation_outcome, search_bundle
from recovery.models import Patient
from recovery.patients.validation import parse_instant
from recovery.requests import db
from recovery.runtime import Runtime, utc_now
from recovery.staff.audit import record_event

FHIR_JSON = "application/fhir+json"
KNOWN_PARAMETERS = {"patient", "subject:identifier", "_since", "_format"}


class BadSearch(ValueError):
    """A search parameter that cannot be used."""


@blueprint.get("/fhir/Observation")
def search_observations() -> ResponseReturnValue:
    """The Observations of the recorded answers, filtered by patient and `_since`."""
    runtime: Runtime = current_app.extensions["recovery"]
    session = db()
    try:
        unknown = set(request.args) - KNOWN_PARAMETERS
        if unknown:
            raise BadSearch(f"unknown search parameter(s): {', '.join(sorted(unknown))}")
        patient_ids = _patients(session, runtime.settings)
        since = _since(request.args.get("_since"))
    except BadSearch as problem:
        return _fhir(operation_outcome(str(problem)), 400)
    resources: list[dict[str, Any]] = []
    read: set[int] = set()
    for answered in answered_check_ins(session, patient_ids=patient_ids, since=since):
        resources.extend(observations(answered, runtime.settings))
        read.add(answered.patient.id)
    now = utc_now()
    for patient_id in sorted(read):
        record_event(
            session,
            actor=g.get("actor", "api"),
            action="patient.view",
            record_type="patient",
            record_id=patient_id,
            now=now,
            detail={"page": "fhir/Observation"},
        )
    session.commit()
    return _fhir(search_bundle(resources, runtime.settings.public_base_url), 200)


def _patients(session: Session, settings: Settings) -> list[int] | None:
    """The patients a search names (None: every patient)."""
    named = request.args.get("patient")
    identifier = request.args.get("subject:identifier")
    if named is None and identifier is None:
        return None
    if identifier is not None:
        system, bar, value = identifier.partition("|")
        if not bar or not value:
            raise BadSearch("subject:identifier must be <system>|<value>")
        if system != settings.fhir_mrn_system:
            return []
        return _by_mrn(session, value)
    assert named is not None
    if named.startswith("Patient/"):
        number = named.removeprefix("Patient/")
        if not number.isdigit() or len(number) > 9:
            raise BadSearch("patient must be an MRN or Patient/<id>")
        return [int(number)]
    if not named.strip():
        raise BadSearch("patient must not be empty")
    return _by_mrn(session, named.strip())


def _by_mrn(session: Session, mrn: str) -> list[int]:
    return list(session.scalars(select(Patient.id).where(Patient.mrn == mrn)))


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_instant(text)
    except ValueError as problem:
        raise BadSearch(f"_since: {problem}") from None


def _fhir(body: dict[str, Any], status: int) -> Response:
    return Response(json.dumps(body), status=status, mimetype=FHIR_JSON)
