"""Enrolling a patient: the one service the API, the CLI, the form and imports share."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
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
    check_procedure_time,
    check_request,
)
from recovery.protocols.definitions import ProtocolSpec, latest_version, spec_of
from recovery.protocols.schedule import is_past_lateness, plan_due_at, welcome_at
from recovery.protocols.wording import how_often
from recovery.runtime import Clinic
from recovery.staff.audit import record_event
from recovery.states import (
    ENROLLED_LATE_REASON,
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

    Raises InvalidRequest for bad input (a procedure more than 30 days ahead, or too long
    ago for any check-in, included) and EnrollmentConflict when the phone (or the person)
    already has another active follow-up; either way nothing is changed.
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
    if same is None:  # a repeated request answers with its enrollment, however late it is now
        _check_timing(spec_of(protocol), clean, now)
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
    _plan_check_ins(enrollment, patient, now)
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


def _check_timing(spec: ProtocolSpec, clean: CleanEnrollment, now: datetime) -> None:
    """Refuse a procedure time too far ahead, or too long ago for any check-in."""
    due_ats = _due_ats(spec, clean.performed_at, ZoneInfo(clean.timezone))
    check_procedure_time(
        clean.performed_at,
        [is_past_lateness(due_at, spec.latest_lateness_hours, now) for due_at in due_ats],
        lateness_hours=spec.latest_lateness_hours,
        now=now,
    )


def _due_ats(spec: ProtocolSpec, performed_at: datetime, zone: ZoneInfo) -> list[datetime]:
    """When each step of the protocol is due, in step order."""
    return [plan_due_at(performed_at, step, zone, spec.window) for step in spec.steps]


def _plan_check_ins(enrollment: Enrollment, patient: Patient, now: datetime) -> None:
    """One check-in per step: scheduled; ``missed`` (``enrolled_late``, no flag: nobody
    failed to answer) when already past its latest lateness; cancelled for an opted-out phone."""
    spec = spec_of(enrollment.protocol)
    zone = ZoneInfo(patient.timezone)
    opted_out = patient.opted_out_at is not None
    for step, due_at in zip(spec.steps, _due_ats(spec, enrollment.performed_at, zone), strict=True):
        check_in = CheckIn(
            label=step.label,
            step_key=step.key,
            offset_hours=step.offset_hours,
            due_at=due_at,
            status=CheckInStatus.SCHEDULED,
        )
        if is_past_lateness(due_at, spec.latest_lateness_hours, now):
            check_in.status, check_in.reason, check_in.ended_at = (
                CheckInStatus.MISSED,
                ENROLLED_LATE_REASON,
                now,
            )
        elif opted_out:
            check_in.status, check_in.reason = CheckInStatus.CANCELLED, OPTED_OUT_REASON
        enrollment.check_ins.append(check_in)


def _queue_welcome(session: Session, enrollment: Enrollment, clinic: Clinic, now: datetime) -> None:
    """The welcome, counting only the check-ins still to come, at enrollment or, for a
    procedure still ahead, at the procedure time (both within the delivery window)."""
    patient = enrollment.patient
    spec = spec_of(enrollment.protocol)
    send_at = welcome_at(enrollment.performed_at, ZoneInfo(patient.timezone), spec.window, now)
    to_come = [c.due_at for c in enrollment.check_ins if c.status == CheckInStatus.SCHEDULED]
    days = math.ceil((max(to_come, default=send_at) - send_at) / timedelta(days=1))
    body = spec.text(
        "welcome",
        patient.language,
        first_name=patient.name.split()[0],
        clinic_name=clinic.name,
        clinic_phone=clinic.phone,
        **how_often(patient.language, len(to_come), max(days, 1)),
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
            next_attempt_at=send_at,
            created_at=now,
        )
    )
