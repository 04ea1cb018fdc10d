"""What the service holds about one patient: the record ids of every row that is theirs.

Export (a patient's right of access) reads these rows; erasure and retention delete them.
A patient's rows are their enrollments, the check-ins and flags of those, and every text
that names any of them (both directions, on-call pages among them). Texts stored with no
patient from or to their phone (an unknown-number text, its answer) are theirs too, unless
someone else is on the phone: then they may be that person's and stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import Session

from recovery.models import AuditEvent, CheckIn, Enrollment, Flag, Message, Patient


class UnknownPatient(LookupError):
    """No patient, or no single patient, answers to the id or MRN given."""


@dataclass(frozen=True)
class Holdings:
    """The ids of every row held about one patient."""

    patient_id: int
    enrollment_ids: list[int]
    check_in_ids: list[int]
    flag_ids: list[int]
    message_ids: list[int]

    def counts(self) -> dict[str, int]:
        """How many rows of each kind."""
        return {
            "patients": 1,
            "enrollments": len(self.enrollment_ids),
            "check_ins": len(self.check_in_ids),
            "messages": len(self.message_ids),
            "flags": len(self.flag_ids),
        }


def find_patient(session: Session, *, patient_id: int | None, mrn: str | None) -> Patient:
    """The one patient with this id or MRN; UnknownPatient saying why not."""
    if patient_id is not None:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise UnknownPatient(f"no patient {patient_id}")
        return patient
    found = list(session.scalars(select(Patient).where(Patient.mrn == mrn).order_by(Patient.id)))
    if not found:
        raise UnknownPatient(f"no patient with MRN {mrn}")
    if len(found) > 1:
        ids = ", ".join(str(p.id) for p in found)
        raise UnknownPatient(f"MRN {mrn} names patients {ids}: give the patient id instead")
    return found[0]


def holdings_of(session: Session, patient: Patient) -> Holdings:
    """Every row held about the patient, by id."""
    enrollment_ids = _ids(select(Enrollment.id).where(Enrollment.patient_id == patient.id), session)
    check_in_ids = _ids(
        select(CheckIn.id).where(CheckIn.enrollment_id.in_(enrollment_ids)), session
    )
    flag_ids = _ids(select(Flag.id).where(Flag.enrollment_id.in_(enrollment_ids)), session)
    texts = select(Message.id).where(
        or_(
            Message.patient_id == patient.id,
            Message.enrollment_id.in_(enrollment_ids),
            Message.check_in_id.in_(check_in_ids),
            Message.flag_id.in_(flag_ids),
            _phone_texts_without_patient(session, patient),
        )
    )
    return Holdings(patient.id, enrollment_ids, check_in_ids, flag_ids, _ids(texts, session))


def audit_events_of(holdings: Holdings) -> ColumnElement[bool]:
    """The audit events about any of the patient's records."""
    records = {
        "patient": [holdings.patient_id],
        "enrollment": holdings.enrollment_ids,
        "check_in": holdings.check_in_ids,
        "flag": holdings.flag_ids,
        "message": holdings.message_ids,
    }
    return or_(
        *(
            and_(AuditEvent.record_type == kind, AuditEvent.record_id.in_(ids))
            for kind, ids in records.items()
            if ids
        )
    )


def _phone_texts_without_patient(session: Session, patient: Patient) -> ColumnElement[bool]:
    others = select(Patient.id).where(Patient.phone == patient.phone, Patient.id != patient.id)
    if session.scalars(others.limit(1)).first() is not None:
        return false()
    return and_(
        Message.patient_id.is_(None),
        Message.enrollment_id.is_(None),
        or_(Message.from_number == patient.phone, Message.to_number == patient.phone),
    )


def _ids(query: Select[Any], session: Session) -> list[int]:
    return sorted(session.scalars(query))
