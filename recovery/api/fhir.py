"""The answers as FHIR R4 resources, for the hospital's chart (SPEC 6.6).

One Observation per recorded answer, with a stable id and an identifier naming its
check-in, so a repeated pull updates rather than duplicates: pain as LOINC 72514-3 with
`valueInteger`, activity in the service's own code system. A correction after the check-in
was complete makes the same Observation `amended`, with a new `meta.lastUpdated`. The
subject is named by MRN (`FHIR_MRN_SYSTEM`), else by reference `Patient/<id>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from config.settings import Settings
from recovery.models import AuditEvent, CheckIn, Enrollment, Patient

LOINC = "http://loinc.org"
PAIN_CODE = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
ACTIVITY_LEVELS = {
    1: "In bed most of the day",
    2: "Up, but only inside my home",
    3: "Walking outside my home (cane or walker OK)",
    4: "Back to my usual activities",
}
CORRECTED = "check_in.correct"


@dataclass(frozen=True)
class Answered:
    """One check-in with answers, its patient, and when it last changed."""

    check_in: CheckIn
    patient: Patient
    updated_at: datetime
    is_amended: bool


def answered_check_ins(
    session: Session, *, patient_ids: list[int] | None, since: datetime | None
) -> Iterator[Answered]:
    """The check-ins with answers, oldest first, of some patients (None: all), changed since."""
    corrected = (
        select(AuditEvent.record_id, func.max(AuditEvent.at).label("at"))
        .where(AuditEvent.action == CORRECTED, AuditEvent.record_type == "check_in")
        .group_by(AuditEvent.record_id)
        .subquery()
    )
    query: Select[Any] = (
        select(CheckIn, corrected.c.at)
        .join(CheckIn.enrollment)
        .outerjoin(corrected, corrected.c.record_id == CheckIn.id)
        .where(or_(CheckIn.pain.is_not(None), CheckIn.activity.is_not(None)))
        .where(CheckIn.answered_at.is_not(None))
        .options(joinedload(CheckIn.enrollment).joinedload(Enrollment.patient))
        .order_by(CheckIn.answered_at, CheckIn.id)
    )
    if patient_ids is not None:
        query = query.where(Enrollment.patient_id.in_(patient_ids))
    if since is not None:
        query = query.where(or_(CheckIn.answered_at >= since, corrected.c.at >= since))
    for check_in, corrected_at in session.execute(query.execution_options(yield_per=500)):
        answered_at = check_in.answered_at
        updated = max(answered_at, corrected_at) if corrected_at else answered_at
        yield Answered(check_in, check_in.enrollment.patient, updated, corrected_at is not None)


def observations(answered: Answered, settings: Settings) -> list[dict[str, Any]]:
    """The Observations of one answered check-in: pain, activity, or both."""
    found = []
    if answered.check_in.pain is not None:
        found.append(_observation(answered, settings, "pain"))
    if answered.check_in.activity is not None:
        found.append(_observation(answered, settings, "activity"))
    return found


def activity_system(settings: Settings) -> str:
    """The service's own code system for activity levels."""
    return f"{settings.public_base_url}/fhir/CodeSystem/activity-level"


def _observation(answered: Answered, settings: Settings, role: str) -> dict[str, Any]:
    check_in = answered.check_in
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"check-in-{check_in.id}-{role}",
        "meta": {"lastUpdated": _instant(answered.updated_at)},
        "identifier": [
            {
                "system": f"{settings.public_base_url}/fhir/check-in",
                "value": f"{check_in.id}-{role}",
            }
        ],
        "status": "amended" if answered.is_amended else "final",
        "category": [
            {"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}
        ],
        "subject": subject(answered.patient, settings),
        "effectiveDateTime": _instant(check_in.answered_at or answered.updated_at),
    }
    if role == "pain":
        resource["code"] = {
            "coding": [{"system": LOINC, "code": PAIN_CODE, "display": PAIN_DISPLAY}],
            "text": "Back pain, 0-10",
        }
        resource["valueInteger"] = check_in.pain
    else:
        system = activity_system(settings)
        level = check_in.activity or 0
        resource["code"] = {
            "coding": [{"system": system, "code": "activity-level", "display": "Activity level"}]
        }
        resource["valueCodeableConcept"] = {
            "coding": [{"system": system, "code": str(level), "display": ACTIVITY_LEVELS[level]}]
        }
    return resource


def subject(patient: Patient, settings: Settings) -> dict[str, Any]:
    """The patient by MRN in the hospital's namespace, else by reference."""
    if patient.mrn and settings.fhir_mrn_system:
        return {"identifier": {"system": settings.fhir_mrn_system, "value": patient.mrn}}
    return {"reference": f"Patient/{patient.id}"}


def patient_resource(patient: Patient, settings: Settings) -> dict[str, Any]:
    """A Patient resource for the bulk export: the MRN, the name, the language."""
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.id),
        "name": [{"text": patient.name}],
        "communication": [
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": patient.language}]}}
        ],
    }
    if patient.mrn and settings.fhir_mrn_system:
        resource["identifier"] = [{"system": settings.fhir_mrn_system, "value": patient.mrn}]
    return resource


def search_bundle(resources: list[dict[str, Any]], base_url: str) -> dict[str, Any]:
    """A `searchset` Bundle of Observations."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {
                "fullUrl": f"{base_url}/api/v1/fhir/Observation/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }


def operation_outcome(problem: str) -> dict[str, Any]:
    """An OperationOutcome for a bad search parameter."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "invalid", "diagnostics": problem}],
    }


def _instant(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.isoformat(timespec="seconds")
