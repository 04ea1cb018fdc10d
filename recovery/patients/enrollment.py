"""Enrolling a patient: the one service the API, the CLI, the form and imports share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from recovery.models import CheckIn, Enrollment, Message, Patient
from recovery.patients.identity import (
    active_follow_ups,
    find_same_person,
    folded_name,
    lock_identity,
    phone_opted_out_at,
    refuse_other_follow_up,
)
from recovery.patients.validation import (
    CleanEnrollment,
    EnrollmentRequest,
    InvalidRequest,
    check_request,
)
from recovery.protocols.definitions import latest_version, spec_of
from recovery.protocols.schedule import into_window, plan_due_at
from recovery.runtime import Clinic
from recovery.staff.audit import record_event
from recovery.states import (
    OPTED_OUT_REASON,
    CheckInStatus,
    Direction,
    EnrollmentStatus,
    MessageKind,
    MessageStatus,
)


@dataclass(frozen=True)
class Enrolled:
    """The outcome of an enrollment: the row, and whether it is new."""

    enrollment: Enrollment
    is_new: bool


def enroll(
    session: Session,
    request: EnrollmentRequest,
    *,
    clinic: Clinic,
    actor: str,
    source: str,
    now: datetime,
) -> Enrolled:
    """Check the request, then enroll: patient, enrollment, check-ins and welcome text.

    Raises InvalidRequest for bad input and EnrollmentConflict when the phone (or the
    person) already has another active follow-up; either way nothing is changed.
    """
    clean = check_request(request, default_timezone=clinic.default_timezone)
    protocol = latest_version(session, clean.protocol)
    if protocol is None:
        raise InvalidRequest({"protocol": f"no protocol named {clean.protocol!r}"})
    lock_identity(session, clean.phone, clean.mrn)
    patient = find_same_person(session, clean.phone, clean.name, clean.mrn)
    active = active_follow_ups(session, clean.phone, patient)
    same = next((e for e in active if _is_repeat(e, patient, clean, protocol.name)), None)
    # A repeated request may still bring the person to a phone someone else is followed on.
    in_the_way = active if same is None else [e for e in active if e.patient_id != same.patient_id]
    refuse_other_follow_up(in_the_way, clean.phone)
    if patient is None:
        patient = _add_patient(session, clean, now=now)
    else:
        _update_details(session, patient, clean, actor=actor, now=now)
    patient.consent_at = now
    patient.consent_method = f"confirmed by staff ({source}, {actor})"
    if same is not None:
        return Enrolled(same, is_new=False)
    enrollment = Enrollment(
        patient=patient,
        protocol=protocol,
        procedure_kind=clean.procedure_kind,
        performed_at=clean.performed_at,
        levels=clean.levels,
        baseline_pain=clean.baseline_pain,
        status=EnrollmentStatus.ACTIVE,
        created_at=now,
    )
    session.add(enrollment)
    _plan_check_ins(enrollment, patient)
    session.flush()
    if patient.opted_out_at is None:
        _queue_welcome(session, enrollment, clinic, now)
    record_event(
        session,
        actor=actor,
        action="enrollment.create",
        record_type="enrollment",
        record_id=enrollment.id,
        now=now,
        detail={"source": source, "patient_id": patient.id, "protocol_version": protocol.version},
    )
    return Enrolled(enrollment, is_new=True)


def _add_patient(session: Session, clean: CleanEnrollment, *, now: datetime) -> Patient:
    """A new person; on a phone that said STOP they are opted out too (the carrier would
    refuse their texts), until START comes from the phone."""
    patient = Patient(
        name=clean.name,
        phone=clean.phone,
        language=clean.language,
        timezone=clean.timezone,
        mrn=clean.mrn,
        opted_out_at=phone_opted_out_at(session, clean.phone),
        created_at=now,
    )
    session.add(patient)
    return patient


def _update_details(
    session: Session, patient: Patient, clean: CleanEnrollment, *, actor: str, now: datetime
) -> None:
    """The same person again: take the request's details, in the audit log.

    A name that folds to the same letters keeps its stored spelling ("MARIA LOPEZ" does not
    overwrite "María López").
    """
    details: dict[str, str | None] = {
        "phone": clean.phone,
        "language": clean.language,
        "timezone": clean.timezone,
        "mrn": clean.mrn,
    }
    if folded_name(clean.name) != folded_name(patient.name):
        details["name"] = clean.name
    changed = {k: v for k, v in details.items() if v is not None and getattr(patient, k) != v}
    for key, value in changed.items():
        setattr(patient, key, value)
    if changed:
        session.flush()
        record_event(
            session,
            actor=actor,
            action="patient.update",
            record_type="patient",
            record_id=patient.id,
            now=now,
            detail={"fields": sorted(changed)},
        )


def _is_repeat(
    enrollment: Enrollment, patient: Patient | None, clean: CleanEnrollment, protocol_name: str
) -> bool:
    """The same person's active follow-up of the same procedure: a repeated request."""
    return (
        patient is not None
        and enrollment.patient_id == patient.id
        and enrollment.performed_at == clean.performed_at
        and enrollment.protocol.name == protocol_name
    )


def _plan_check_ins(enrollment: Enrollment, patient: Patient) -> None:
    spec = spec_of(enrollment.protocol)
    zone = ZoneInfo(patient.timezone)
    opted_out = patient.opted_out_at is not None
    for step in spec.steps:
        enrollment.check_ins.append(
            CheckIn(
                label=step.label,
                step_key=step.key,
                offset_hours=step.offset_hours,
                due_at=plan_due_at(enrollment.performed_at, step, zone, spec.window),
                status=CheckInStatus.CANCELLED if opted_out else CheckInStatus.SCHEDULED,
                reason=OPTED_OUT_REASON if opted_out else None,
            )
        )


def _queue_welcome(session: Session, enrollment: Enrollment, clinic: Clinic, now: datetime) -> None:
    patient = enrollment.patient
    spec = spec_of(enrollment.protocol)
    body = spec.text(
        "welcome",
        patient.language,
        first_name=patient.name.split()[0],
        clinic_name=clinic.name,
        clinic_phone=clinic.phone,
    )
    session.add(
        Message(
            direction=Direction.OUTBOUND,
            kind=MessageKind.WELCOME,
            patient_id=patient.id,
            enrollment_id=enrollment.id,
            to_number=patient.phone,
            body=body,
            status=MessageStatus.PENDING,
            next_attempt_at=into_window(now, ZoneInfo(patient.timezone), spec.window),
            created_at=now,
        )
    )
