"""Erasing a patient from the command line (SPEC 6.6): nothing of them is left in any table,
the audit log keeps ids only, another person on the same phone is untouched, and a later
text from the erased number is a stranger's."""

from __future__ import annotations

import getpass
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from recovery.flags.lifecycle import resolve
from recovery.models import AuditEvent, Enrollment, Flag, Message, Patient
from recovery.patients.follow_up import withdraw
from recovery.runtime import utc_now
from recovery.sending.due_work import run_due_work
from recovery.states import Direction, FlagKind
from tests.conftest import with_settings
from tests.support.database_scan import all_rows, places_holding
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import post_sms, replies

PHONE = "+14155550123"
ON_CALL = "+15625550199"
NAME = "Annabel Quintrell"
MRN = "MRN-QX-4471"
TEXTS = ["7", "2", "I slipped on the porch steps and my legs went numb"]


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    """The usual test settings with an on-call phone, so urgent flags page someone."""
    return with_settings(settings, on_call_phone=ON_CALL)


def say(client, settings, body: str, sender: str = PHONE) -> list[str]:  # type: ignore[no-untyped-def]
    response = post_sms(client, settings, body, sender)
    assert response.status_code == 200
    return replies(response)


def followed_up(runtime, client, settings, *, name: str = NAME, mrn: str | None = MRN) -> int:  # type: ignore[no-untyped-def]
    """A patient who answered a check-in and texted a warning sign (an urgent flag, an
    on-call page), whose flag a nurse resolved with a note and whose follow-up was withdrawn."""
    enrollment_id = enroll_patient(runtime, PHONE, name=name, mrn=mrn, baseline_pain=8)
    run_due_work(runtime, now=MORNING)
    for text in TEXTS:
        say(client, settings, text)
    with runtime.transaction() as session:
        flag = session.scalars(select(Flag).where(Flag.kind == FlagKind.RED_FLAG_SYMPTOMS)).one()
        note = f"Called {name} at {PHONE}: she is fine, MRN {mrn}"
        resolve(session, flag, actor="nurse@example.org", note=note, now=utc_now())
        withdraw(session, session.get(Enrollment, enrollment_id), actor="nurse", now=utc_now())
    return enrollment_id


def patient_id_of(runtime, enrollment_id: int) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.get(Enrollment, enrollment_id).patient_id


def test_after_erasure_no_table_holds_the_patients_details(
    runner, runtime, client, settings
) -> None:
    enrollment_id = followed_up(runtime, client, settings)
    patient_id = patient_id_of(runtime, enrollment_id)
    with runtime.sessions() as session:
        mentions = select(Message.body).where(
            Message.patient_id == patient_id, Message.direction == Direction.INBOUND
        )
        pages = select(Message.body).where(Message.to_number == ON_CALL)
        # Their own words (a lone "7" is in too many places to look for) and the pages.
        bodies = [b for b in session.scalars(mentions) if len(b) > 9] + list(session.scalars(pages))
    assert len(bodies) == 2, "the warning sign was kept and paged the on-call nurse"
    for needle in (NAME, PHONE, MRN, *bodies):
        assert places_holding(runtime, needle), f"{needle!r} was held before the erasure"

    result = runner.invoke(args=["erase-patient", str(patient_id), "--reason", "patient asked"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Erased patient {patient_id}: 1 enrollments")
    for needle in (NAME, PHONE, MRN, "A.Q.", *bodies):
        assert places_holding(runtime, needle) == [], needle
    rows = all_rows(runtime)
    assert [rows[t] for t in ("patients", "enrollments", "check_ins", "messages", "flags")] == [
        [],
        [],
        [],
        [],
        [],
    ]


def test_the_audit_log_keeps_who_did_what_when_but_only_record_ids(
    runner, runtime, client, settings
) -> None:
    enrollment_id = followed_up(runtime, client, settings)
    patient_id = patient_id_of(runtime, enrollment_id)
    with runtime.sessions() as session:
        before = [(e.id, e.at, e.actor, e.action) for e in session.scalars(select(AuditEvent))]
        flag_id = session.scalars(select(Flag.id)).first()

    assert (
        runner.invoke(args=["erase-patient", "--mrn", MRN, "--reason", "GDPR request"]).exit_code
        == 0
    )

    with runtime.sessions() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.id, e.at, e.actor, e.action) for e in events[:-1]] == before
    resolved = next(e for e in events if e.action == "flag.resolve")
    assert (resolved.record_id, resolved.detail) == (flag_id, {"erased": True})
    erasure = events[-1]
    assert (erasure.action, erasure.record_type, erasure.record_id) == (
        "patient.erase",
        "patient",
        patient_id,
    )
    assert erasure.actor == f"cli:{getpass.getuser()}"
    assert erasure.detail["reason"] == "GDPR request"
    assert erasure.detail["mrn_sha256"] == hashlib.sha256(MRN.encode()).hexdigest()
    assert erasure.detail["enrollment_ids"] == [enrollment_id]
    assert erasure.detail["flag_ids"] and erasure.detail["message_ids"]


def test_the_other_person_on_a_shared_phone_and_their_texts_are_untouched(
    runner, runtime, client, settings
) -> None:
    ann = followed_up(runtime, client, settings)
    bob = enroll_patient(runtime, PHONE, name="Bob Ray", now=utc_now())
    say(client, settings, "this is Bob, my back is sore today")
    with runtime.sessions() as session:
        bob_id = session.get(Enrollment, bob).patient_id
    kept = {t: rows for t, rows in all_rows(runtime).items() if t != "audit_events"}

    result = runner.invoke(args=["erase-patient", "--mrn", MRN, "--reason", "patient asked"])

    assert result.exit_code == 0, result.output
    after = all_rows(runtime)
    assert after["patients"] == [r for r in kept["patients"] if r[0] == bob_id]
    assert after["enrollments"] == [r for r in kept["enrollments"] if r[0] == bob]
    with runtime.sessions() as session:
        bob_texts = session.scalars(select(Message.body).where(Message.patient_id == bob_id))
        assert "this is Bob, my back is sore today" in list(bob_texts)
    for needle in (NAME, MRN, TEXTS[-1]):
        assert places_holding(runtime, needle) == [], needle
    with runtime.sessions() as session:
        assert session.scalars(select(Enrollment).where(Enrollment.id == ann)).first() is None
    # The phone's next text is Bob's.
    say(client, settings, "thanks, feeling a bit better")
    with runtime.sessions() as session:
        query = select(Message.patient_id).where(Message.body == "thanks, feeling a bit better")
        assert session.scalars(query).one() == bob_id


def test_a_later_text_from_the_erased_number_is_from_an_unknown_number(
    runner, runtime, client, settings
) -> None:
    patient_id = patient_id_of(runtime, followed_up(runtime, client, settings))
    assert (
        runner.invoke(args=["erase-patient", str(patient_id), "--reason", "asked"]).exit_code == 0
    )

    [answer] = say(client, settings, "hello, it's me again")

    assert "(562) 555-0100" in answer or "+15625550100" in answer
    with runtime.sessions() as session:
        inbound = session.scalars(
            select(Message).where(Message.body == "hello, it's me again")
        ).one()
    assert (inbound.patient_id, inbound.enrollment_id) == (None, None)


def test_erasing_a_patient_with_an_active_follow_up_is_refused_and_changes_nothing(
    runner, runtime
) -> None:
    enrollment_id = enroll_patient(runtime, PHONE, name=NAME, mrn=MRN)
    before = all_rows(runtime)

    result = runner.invoke(args=["erase-patient", "--mrn", MRN, "--reason", "asked"])

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: not erased: patient {patient_id_of(runtime, enrollment_id)} has an active"
        f" follow-up, enrollment {enrollment_id}: withdraw it first"
    ]
    assert all_rows(runtime) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["99", "--reason", "asked"], "no patient 99"),
        (["--mrn", "NOPE", "--reason", "asked"], "no patient with MRN NOPE"),
        (["1", "--reason", "  "], "not erased: a reason is required to erase a patient"),
        (["--reason", "asked"], "name the patient by ID or by --mrn (one of the two)"),
        (
            ["1", "--mrn", MRN, "--reason", "asked"],
            "name the patient by ID or by --mrn (one of the two)",
        ),
    ],
)
def test_a_bad_erase_command_gets_one_line_and_changes_nothing(
    runner, runtime, args, words
) -> None:
    enroll_patient(runtime, PHONE, name=NAME, mrn=MRN, now=MORNING - timedelta(hours=30))
    with runtime.transaction() as session:
        withdraw(session, session.get(Enrollment, 1), actor="nurse", now=utc_now())
    before = all_rows(runtime)

    result = runner.invoke(args=["erase-patient", *args])

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {words}"]
    assert all_rows(runtime) == before
    with runtime.sessions() as session:
        assert session.scalars(select(Patient.name)).all() == [NAME]


def test_an_mrn_held_by_two_patient_rows_is_refused_by_mrn_naming_both(runner, runtime) -> None:
    enroll_patient(runtime, PHONE, name=NAME, mrn=MRN)
    with runtime.transaction() as session:
        first = session.scalars(select(Patient)).one()
        twin = Patient(
            name="Old Import",
            phone="+14155550999",
            language="en",
            timezone="America/Los_Angeles",
            mrn=MRN,
            created_at=utc_now(),
        )
        session.add(twin)
        session.flush()
        ids = f"{first.id}, {twin.id}"

    result = runner.invoke(args=["export-patient", "--mrn", MRN])

    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: MRN {MRN} names patients {ids}: give the patient id instead"
    )
