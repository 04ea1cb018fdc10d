"""Who a patient is (SPEC 3): the same person again, the people sharing a phone, and the one
active follow-up a phone may have.

The same person is the one with the request's MRN, or, when neither side has an MRN, the one
on the same phone whose name folds to the same letters (case, accents and spacing aside).
Anyone else is another person, even on the same phone (spouses, a caregiver's mobile): they
get a patient row of their own, and nobody's details are rewritten. A phone takes one
active follow-up at a time, so a text from it always has one place to go.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime

from sqlalchemy import ColumnElement, UnaryExpression, case, func, or_, select
from sqlalchemy.orm import Session

from recovery.models import Enrollment, Patient
from recovery.patients.validation import InvalidRequest
from recovery.states import EnrollmentStatus

LOCK_NAMESPACE = "recovery.patients.identity"


class EnrollmentConflict(InvalidRequest):
    """The phone (or the person) already has an active follow-up: nothing may be enrolled."""

    def __init__(self, enrollment: Enrollment, *, field: str) -> None:
        self.enrollment_id = enrollment.id
        self.patient_id = enrollment.patient_id
        self.initials = initials(enrollment.patient.name)
        self.description = describe_follow_up(enrollment)
        whose = "phone" if field == "patient.phone" else "patient"
        super().__init__(
            {field: f"already has an active follow-up: {self.description}"},
            f"this {whose} already has an active follow-up, {self.description}; a {whose}"
            " takes one follow-up at a time, so nothing was stored",
        )


def describe_follow_up(enrollment: Enrollment) -> str:
    """A follow-up as anyone may be told of it, by id and initials: "enrollment 12 (M.L.)"."""
    return f"enrollment {enrollment.id} ({initials(enrollment.patient.name)})"


def folded_name(name: str) -> str:
    """A name for comparing people: "  María  LÓPEZ " and "maria lopez" fold alike."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(letters.split())


def initials(name: str) -> str:
    """The first letters of the first and last words of a name: "María de la Luz" -> "M.L."."""
    words = [word for word in name.split() if word[:1].isalnum()]
    if not words:
        return "?"
    chosen = words[:1] + words[1:][-1:]
    return "".join(word[0].upper() + "." for word in chosen)


def lock_identity(session: Session, phone: str, mrn: str | None) -> None:
    """Make enrollments of one phone (or one MRN) take turns until this transaction ends.

    On PostgreSQL a transaction-level advisory lock per key, taken in one order so two
    enrollments never wait on each other; SQLite's write lock (``BEGIN IMMEDIATE``)
    already serializes them.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({f"phone:{phone}", *([f"mrn:{mrn}"] if mrn else [])})
    for key in keys:
        session.execute(select(func.pg_advisory_xact_lock(_lock_number(key))))


def _lock_number(key: str) -> int:
    digest = hashlib.sha256(f"{LOCK_NAMESPACE}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def find_same_person(session: Session, phone: str, name: str, mrn: str | None) -> Patient | None:
    """The patient this request describes again, if any: by MRN, else by phone and name."""
    if mrn is not None:
        by_mrn = select(Patient).where(Patient.mrn == mrn).order_by(Patient.id.desc())
        return session.scalars(by_mrn).first()
    wanted = folded_name(name)
    on_phone = select(Patient).where(Patient.phone == phone, Patient.mrn.is_(None))
    candidates = session.scalars(on_phone.order_by(Patient.id.desc()))
    return next((p for p in candidates if folded_name(p.name) == wanted), None)


def sharing_phone(session: Session, phone: str) -> list[Patient]:
    """Every patient on this phone, oldest first."""
    query = select(Patient).where(Patient.phone == phone).order_by(Patient.id)
    return list(session.scalars(query))


def phone_opted_out_at(session: Session, phone: str) -> datetime | None:
    """When the phone was opted out of texts, if anyone on it is opted out (STOP is a phone's)."""
    query = select(func.max(Patient.opted_out_at)).where(Patient.phone == phone)
    opted_out_at: datetime | None = session.scalar(query)
    return opted_out_at


def active_follow_ups(session: Session, phone: str, patient: Patient | None) -> list[Enrollment]:
    """The active enrollments of the phone and of the patient (on any phone), oldest first."""
    whose = [Patient.phone == phone]
    if patient is not None:
        whose.append(Enrollment.patient_id == patient.id)
    query = (
        select(Enrollment)
        .join(Patient, Patient.id == Enrollment.patient_id)
        .where(Enrollment.status == EnrollmentStatus.ACTIVE, or_(*whose))
        .order_by(Enrollment.id)
    )
    return list(session.scalars(query))


def owner_order() -> tuple[ColumnElement[int], UnaryExpression[int]]:
    """The order that puts first the follow-up a phone's text belongs to: the active one,
    else the most recent one (and a patient without any last, on every database)."""
    is_active = case((Enrollment.status == EnrollmentStatus.ACTIVE, 0), else_=1)
    return is_active, func.coalesce(Enrollment.id, 0).desc()


def refuse_other_follow_up(active: list[Enrollment], phone: str) -> None:
    """Raise EnrollmentConflict naming the active follow-up in the way, if there is one:
    the phone's own first, else the person's on another phone."""
    on_phone = [e for e in active if e.patient.phone == phone]
    if on_phone:
        raise EnrollmentConflict(on_phone[0], field="patient.phone")
    if active:
        raise EnrollmentConflict(active[0], field="patient.mrn")
