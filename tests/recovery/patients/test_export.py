"""A patient's right of access from the command line (SPEC 6.6): export-patient prints
everything held about them as JSON, and the export is audited as a view."""

from __future__ import annotations

import getpass
import json

from sqlalchemy import select

from recovery.flags.lifecycle import acknowledge, resolve
from recovery.models import AuditEvent, Enrollment, Flag
from recovery.runtime import utc_now
from recovery.sending.due_work import run_due_work
from tests.support.database_scan import all_rows
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import post_sms

PHONE = "+14155550123"


def followed_up(runtime, client, settings) -> int:  # type: ignore[no-untyped-def]
    """A patient who answered, commented, and whose flag a nurse worked with notes."""
    enrollment_id = enroll_patient(runtime, PHONE, name="Ann Lee", mrn="A12345")
    run_due_work(runtime, now=MORNING)
    for text in ("7", "2", "the new pills make me sleepy"):
        assert post_sms(client, settings, text, PHONE).status_code == 200
    with runtime.transaction() as session:
        flag = session.scalars(select(Flag)).first()
        acknowledge(session, flag, actor="nurse@example.org", note="calling her", now=utc_now())
        resolve(session, flag, actor="nurse@example.org", note="talked it over", now=utc_now())
    return enrollment_id


def test_export_prints_everything_held_about_the_patient(runner, runtime, client, settings) -> None:
    enrollment_id = followed_up(runtime, client, settings)
    enroll_patient(runtime, "+14155550999", name="Someone Else")

    result = runner.invoke(args=["export-patient", "--mrn", "A12345"])

    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["patient"]["name"], document["patient"]["phone"]) == ("Ann Lee", PHONE)
    assert [e["id"] for e in document["enrollments"]] == [enrollment_id]
    assert document["enrollments"][0]["protocol"] == "vertebroplasty"
    assert {c["pain"] for c in document["check_ins"]} >= {7}
    bodies = [m["body"] for m in document["messages"]]
    assert {"7", "2", "the new pills make me sleepy"} <= set(bodies)
    assert all(m["to_number"] != "+14155550999" for m in document["messages"])
    [flag] = [f for f in document["flags"] if f["resolution_note"]]
    assert flag["resolution_note"] == "talked it over"
    notes = [event["detail"].get("note") for event in flag["history"]]
    assert "calling her" in notes and "talked it over" in notes
    fhir = document["fhir"]
    assert fhir[0]["resourceType"] == "Patient"
    pain = [r for r in fhir[1:] if r["code"]["coding"][0]["code"] == "72514-3"]
    assert [r["valueInteger"] for r in pain] == [7]


def test_export_is_audited_as_a_view_of_the_patient_and_changes_nothing_else(
    runner, runtime
) -> None:
    enrollment_id = enroll_patient(runtime, PHONE, name="Ann Lee")
    with runtime.sessions() as session:
        patient_id = session.get(Enrollment, enrollment_id).patient_id
    before = all_rows(runtime)

    assert runner.invoke(args=["export-patient", str(patient_id)]).exit_code == 0

    after = all_rows(runtime)
    assert {t: r for t, r in after.items() if t != "audit_events"} == {
        t: r for t, r in before.items() if t != "audit_events"
    }
    with runtime.sessions() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.record_type, event.record_id) == (
        "patient.view",
        "patient",
        patient_id,
    )
    assert (event.actor, event.detail) == (f"cli:{getpass.getuser()}", {"page": "export"})


def test_export_of_an_unknown_patient_gets_one_line(runner, runtime) -> None:
    result = runner.invoke(args=["export-patient", "42"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: no patient 42"
