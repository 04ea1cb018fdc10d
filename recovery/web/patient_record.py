"""What the patient pages show: the search, and one patient's whole story."""

from __future__ import annotations

import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from itertools import islice

import phonenumbers
from markupsafe import Markup
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, selectinload

from recovery.models import AuditEvent, CheckIn, Enrollment, Flag, Message, Patient
from recovery.patients.identity import sharing_phone
from recovery.patients.validation import parse_phone
from recovery.protocols.definitions import spec_of
from recovery.states import MessageKind
from recovery.web.charts import PainPoint, pain_chart

SEARCH_LIMIT = 100
RECENT_LIMIT = 50
MIN_PHONE_DIGITS = 4
# Letters that patients' names often carry with an accent (á, ç, é, í, ñ, ó, ú, ý).
ACCENTED = frozenset("aceinouy")
MIN_PLAIN_LETTERS = 2


@dataclass(frozen=True)
class FlagHistory:
    """A flag and the audit events of its life, oldest first."""

    flag: Flag
    events: list[AuditEvent]


@dataclass(frozen=True)
class EnrollmentRecord:
    """One follow-up: its check-ins, chart and flags."""

    enrollment: Enrollment
    check_ins: list[CheckIn]
    chart: Markup
    flags: list[FlagHistory]


@dataclass(frozen=True)
class PatientRecord:
    """Everything about a patient, newest follow-up first."""

    patient: Patient
    enrollments: list[EnrollmentRecord]
    messages: list[Message]
    # The other people whose follow-ups use the same phone (spouses, a caregiver's mobile).
    sharing_phone: list[Patient]


def search_patients(session: Session, text: str) -> list[Patient]:
    """Patients whose name (accents and case aside), phone (any format) or MRN matches;
    the newest when no text."""
    query = select(Patient).options(selectinload(Patient.enrollments))
    text = " ".join(text.split())
    if not text:
        return list(session.scalars(query.order_by(Patient.id.desc()).limit(RECENT_LIMIT)))
    folded = text.casefold()
    matches = [
        func.lower(Patient.name).contains(folded, autoescape=True),
        Patient.id.in_(_unaccented_name_matches(session, text)),
        func.lower(Patient.mrn) == folded,
    ]
    matches += _phone_matches(text)
    query = query.where(or_(*matches)).order_by(Patient.name, Patient.id)
    return list(session.scalars(query.limit(SEARCH_LIMIT)))


def plain_letters(text: str) -> str:
    """Text in lower case without accents: "María López" -> "maria lopez"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _unaccented_name_matches(session: Session, text: str) -> list[int]:
    """Ids of patients whose name holds the text with accents ignored ("lopez": "López").

    SQL narrows the names with a pattern that skips the letters that may carry an accent
    (however the name's characters are composed); Python then compares the names without
    their accents.
    """
    wanted = plain_letters(text)
    pattern = "".join("%" if ch in ACCENTED else _like_escaped(ch) for ch in wanted)
    if sum(ch.isalpha() and ch not in ACCENTED for ch in wanted) < MIN_PLAIN_LETTERS:
        return []
    names = session.execute(
        select(Patient.id, Patient.name)
        .where(func.lower(Patient.name).like(f"%{pattern}%", escape="\\"))
        .order_by(Patient.name, Patient.id)
    )
    found = (patient_id for patient_id, name in names if wanted in plain_letters(name))
    return list(islice(found, SEARCH_LIMIT))


def _like_escaped(ch: str) -> str:
    return "\\" + ch if ch in "%_\\" else ch


def _phone_matches(text: str) -> list[ColumnElement[bool]]:
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < MIN_PHONE_DIGITS or any(ch.isalpha() for ch in text):
        return []
    matches = [Patient.phone.contains(digits, autoescape=True)]
    with suppress(ValueError):
        matches.append(Patient.phone == parse_phone(text))
    return matches


def display_phone(phone: str) -> str:
    """An E.164 number as people write it: "+1 562-555-0123"."""
    try:
        number = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def patient_record(session: Session, patient: Patient) -> PatientRecord:
    """The patient with every enrollment, flag (with history) and message."""
    enrollments = sorted(patient.enrollments, key=lambda e: e.id, reverse=True)
    flags = _flags_with_history(session, [e.id for e in enrollments])
    messages = session.scalars(
        select(Message)
        .where(Message.patient_id == patient.id, Message.kind != MessageKind.ON_CALL)
        .order_by(Message.created_at, Message.id)
    ).all()
    return PatientRecord(
        patient=patient,
        enrollments=[
            _enrollment_record(
                enrollment, [f for f in flags if f.flag.enrollment_id == enrollment.id]
            )
            for enrollment in enrollments
        ],
        messages=list(messages),
        sharing_phone=[p for p in sharing_phone(session, patient.phone) if p.id != patient.id],
    )


def people_per_phone(session: Session, patients: list[Patient]) -> dict[str, int]:
    """How many patients use each of these patients' phones (more than one: a shared phone)."""
    phones = {patient.phone for patient in patients}
    if not phones:
        return {}
    query = (
        select(Patient.phone, func.count(Patient.id))
        .where(Patient.phone.in_(phones))
        .group_by(Patient.phone)
    )
    return {phone: count for phone, count in session.execute(query)}


def _flags_with_history(session: Session, enrollment_ids: list[int]) -> list[FlagHistory]:
    if not enrollment_ids:
        return []
    flags = session.scalars(
        select(Flag)
        .where(Flag.enrollment_id.in_(enrollment_ids))
        .order_by(Flag.created_at.desc(), Flag.id.desc())
    ).all()
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.record_type == "flag", AuditEvent.record_id.in_([f.id for f in flags]))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return [FlagHistory(flag, [e for e in events if e.record_id == flag.id]) for flag in flags]


def _enrollment_record(enrollment: Enrollment, flags: list[FlagHistory]) -> EnrollmentRecord:
    spec = spec_of(enrollment.protocol)
    check_ins = sorted(enrollment.check_ins, key=lambda c: (c.due_at, c.id))
    points = [
        PainPoint(check_in.offset_hours, check_in.pain, check_in.label)
        for check_in in check_ins
        if check_in.pain is not None
    ]
    ticks = {check_in.label: check_in.offset_hours for check_in in check_ins}
    if enrollment.baseline_pain is not None:
        points.insert(0, PainPoint(0.0, enrollment.baseline_pain, "Before"))
        ticks = {"Before": 0.0, **ticks}
    chart = pain_chart(
        points, threshold=spec.thresholds["persistent_pain"], ticks=list(ticks.items())
    )
    return EnrollmentRecord(enrollment, check_ins, chart, flags)
