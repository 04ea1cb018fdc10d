"""Demo data for ``make run``: staff accounts and a dozen patients at different points.

Everything goes through the service's own code, as of instants in the past: enrollment,
the due-work pass, and patients' replies handled exactly as the webhook handles them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from recovery.conversation.inbound import InboundText
from recovery.conversation.replies import receive_text
from recovery.models import CheckIn, Message
from recovery.patients.enrollment import enroll
from recovery.patients.validation import EnrollmentRequest
from recovery.runtime import Runtime
from recovery.sending.delivery import record_status
from recovery.sending.due_work import do_due_work
from recovery.staff.accounts import create_user, find_user
from recovery.states import MessageKind

NURSE = ("nurse@example.org", "nurse-demo-password")
ADMIN = ("admin@example.org", "admin-demo-password")
ZONE = ZoneInfo("America/Los_Angeles")


@dataclass(frozen=True)
class DemoPatient:
    """One demo patient: who, and what they texted after each check-in."""

    name: str
    phone: str
    language: str
    baseline: int | None
    replies_24h: tuple[str, ...] = ()
    replies_48h: tuple[str, ...] = ()
    is_undelivered: bool = False


PATIENTS = (
    DemoPatient("Ann Lee", "+14155550101", "en", 8, ("5", "2"), ("2", "walking outside")),
    DemoPatient("Robert Chen", "+14155550102", "en", 8, ("8", "1"), ("8/10", "2")),
    DemoPatient("María López", "+14155550103", "es", 9, ("7, me falta el aire y tengo fiebre",)),
    DemoPatient("James Miller", "+14155550104", "en", 7),
    DemoPatient("Linda Park", "+14155550105", "en", 6, is_undelivered=True),
    DemoPatient("George Adams", "+14155550106", "en", 7, ("STOP",)),
    DemoPatient("Patricia Gómez", "+14155550107", "es", 5, ("4", "3"), ("siete", "2")),
    DemoPatient("David Brown", "+14155550108", "en", 9, ("10 worst ever", "1")),
    DemoPatient("Susan White", "+14155550109", "en", 6, ("3", "2"), ("3", "still in bed")),
    DemoPatient("Carlos Ruiz", "+14155550110", "es", 8, ("6",)),
    DemoPatient("Nancy Hall", "+14155550111", "en", 7, ("idk", "maybe later")),
    DemoPatient("Thomas Young", "+14155550112", "en", 8),
)


def is_seeded(runtime: Runtime) -> bool:
    """Whether the demo accounts exist already."""
    with runtime.sessions() as session:
        return find_user(session, NURSE[0]) is not None


def seed_demo(runtime: Runtime, *, now: datetime) -> None:
    """Create the demo accounts and patients (call once, on an empty database)."""
    with runtime.transaction() as session:
        for (email, password), role in ((NURSE, "nurse"), (ADMIN, "admin")):
            create_user(session, email, role, password, actor="demo", now=now)
    day0 = datetime.combine((now.astimezone(ZONE) - timedelta(days=3)).date(), time(9, 30), ZONE)
    for patient in PATIENTS[:-1]:
        _enroll(runtime, patient, performed_at=day0, now=day0)
    for step, offset in (("24h", 1), ("48h", 2)):
        due = day0 + timedelta(days=offset)
        do_due_work(runtime, now=due)
        for patient in PATIENTS:
            replies = patient.replies_24h if step == "24h" else patient.replies_48h
            for minutes, body in enumerate(replies, start=1):
                _reply(runtime, patient.phone, body, now=due + timedelta(minutes=20 * minutes))
        _undeliver(runtime, due + timedelta(minutes=1))
        for hours in (4, 8):
            do_due_work(runtime, now=due + timedelta(hours=hours))
    newest = PATIENTS[-1]
    morning = datetime.combine(now.astimezone(ZONE).date(), time(7, 30), ZONE)
    _enroll(runtime, newest, performed_at=min(morning, now), now=now)


def _enroll(
    runtime: Runtime, patient: DemoPatient, *, performed_at: datetime, now: datetime
) -> None:
    request = EnrollmentRequest(
        name=patient.name,
        phone=patient.phone,
        performed_at=performed_at.isoformat(),
        sms_consent=True,
        language=patient.language,
        timezone=ZONE.key,
        baseline_pain=patient.baseline,
        levels="L1",
    )
    with runtime.transaction() as session:
        enroll(session, request, clinic=runtime.clinic, actor="demo", source="demo", now=now)


def _reply(runtime: Runtime, phone: str, body: str, *, now: datetime) -> None:
    text = InboundText("SM" + uuid.uuid4().hex, phone, "+15005550006", body, {"Body": body})
    receive_text(runtime, text, now=now)


def _undeliver(runtime: Runtime, now: datetime) -> None:
    """The carrier could not deliver the check-in texts of the patients marked so."""
    phones = [p.phone for p in PATIENTS if p.is_undelivered]
    with runtime.transaction() as session:
        query = select(Message).where(
            Message.kind == MessageKind.CHECK_IN, Message.to_number.in_(phones)
        )
        for message in session.scalars(query):
            record_status(session, message, "undelivered", 30003, now=now)


def check_in_count(runtime: Runtime) -> int:
    """How many check-ins exist (for the seed's summary)."""
    with runtime.sessions() as session:
        return len(session.scalars(select(CheckIn.id)).all())
