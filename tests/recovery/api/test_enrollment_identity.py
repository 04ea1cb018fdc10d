"""Who an enrollment is for (SPEC 3): the same person by MRN or by phone and folded name,
another person on a shared phone kept apart, and one active follow-up per phone."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from recovery.models import AuditEvent, CheckIn, Enrollment, Message, Patient
from recovery.patients.follow_up import withdraw
from tests.support.dates import D0, D8
from tests.support.sms_client import post_sms

PHONE = "+15625550123"
FIRST_PROCEDURE = f"{D0}T09:30:00-08:00"
SECOND_PROCEDURE = f"{D8}T10:00:00-08:00"
TABLES = (Patient, Enrollment, CheckIn, Message, AuditEvent)


def body(
    name: str = "María López",
    *,
    phone: str = PHONE,
    mrn: str | None = None,
    performed_at: str = FIRST_PROCEDURE,
    **patient: Any,
) -> dict[str, Any]:
    """An enrollment request body."""
    return {
        "patient": {"name": name, "phone": phone, "mrn": mrn, "sms_consent": True, **patient},
        "procedure": {"performed_at": performed_at},
    }


def enroll(client, auth, request: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/enrollments", json=request, headers=auth)


def counts(runtime) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in TABLES
        }


def patients(runtime) -> list[tuple[str, str, str | None, str, str]]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        rows = session.scalars(select(Patient).order_by(Patient.id))
        return [(p.name, p.phone, p.mrn, p.language, p.timezone) for p in rows]


def end_follow_up(runtime, enrollment_id: int) -> None:  # type: ignore[no-untyped-def]
    """A nurse withdraws the follow-up (the phone has no active one afterwards)."""
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        withdraw(session, enrollment, actor="nurse", now=datetime(2026, 11, 26, tzinfo=UTC))


def test_a_second_person_on_a_phone_with_an_active_follow_up_is_refused_with_409(
    client, auth, runtime
) -> None:
    first = enroll(client, auth, body("María López", mrn="A1")).get_json()
    before = counts(runtime)
    refused = enroll(client, auth, body("Mario Lopez", mrn="B2", language="en"))
    assert refused.status_code == 409
    answer = refused.get_json()
    assert answer["enrollment_id"] == first["id"]
    assert answer["initials"] == "M.L."
    assert f"enrollment {first['id']} (M.L.)" in answer["error"]
    assert answer["fields"] == {
        "patient.phone": f"already has an active follow-up: enrollment {first['id']} (M.L.)"
    }
    assert counts(runtime) == before
    assert patients(runtime) == [("María López", PHONE, "A1", "en", "America/Los_Angeles")]


def test_a_second_person_on_a_shared_phone_is_a_patient_of_their_own(client, auth, runtime) -> None:
    first = enroll(client, auth, body("María López", mrn="A1", language="es")).get_json()
    end_follow_up(runtime, first["id"])
    second = enroll(
        client,
        auth,
        body(
            "Mario Lopez",
            phone="(562) 555-0123",
            mrn="B2",
            language="en",
            timezone="America/New_York",
            performed_at=SECOND_PROCEDURE,
        ),
    )
    assert second.status_code == 201
    document = second.get_json()
    assert document["patient"]["id"] != first["patient"]["id"]
    assert patients(runtime) == [
        ("María López", PHONE, "A1", "es", "America/Los_Angeles"),
        ("Mario Lopez", PHONE, "B2", "en", "America/New_York"),
    ]
    read_back = client.get(f"/api/v1/enrollments/{first['id']}", headers=auth).get_json()
    assert read_back["patient"]["name"] == "María López"


def test_without_mrns_a_different_name_on_the_phone_is_another_person(
    client, auth, runtime
) -> None:
    first = enroll(client, auth, body("Ann Lee")).get_json()
    end_follow_up(runtime, first["id"])
    second = enroll(client, auth, body("Bob Lee", performed_at=SECOND_PROCEDURE))
    assert second.status_code == 201
    assert [row[0] for row in patients(runtime)] == ["Ann Lee", "Bob Lee"]


@pytest.mark.parametrize("again", ["MARIA  LOPEZ", " maría lópez ", "Maria\tLópez"])
def test_without_mrns_the_same_folded_name_on_the_phone_is_the_same_person(
    client, auth, runtime, again
) -> None:
    first = enroll(client, auth, body("María López", language="es")).get_json()
    end_follow_up(runtime, first["id"])
    second = enroll(client, auth, body(again, language="en", performed_at=SECOND_PROCEDURE))
    assert second.status_code == 201
    assert second.get_json()["patient"]["id"] == first["patient"]["id"]
    # The stored spelling stays; the new language is taken, and audited.
    assert patients(runtime) == [("María López", PHONE, None, "en", "America/Los_Angeles")]
    with runtime.sessions() as session:
        update = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "patient.update")
        ).one()
    assert (update.record_id, update.detail) == (first["patient"]["id"], {"fields": ["language"]})


def test_an_mrn_on_one_side_only_is_not_the_same_person(client, auth, runtime) -> None:
    first = enroll(client, auth, body("Ann Lee")).get_json()
    end_follow_up(runtime, first["id"])
    second = enroll(client, auth, body("Ann Lee", mrn="A1", performed_at=SECOND_PROCEDURE))
    assert second.status_code == 201
    assert patients(runtime) == [
        ("Ann Lee", PHONE, None, "en", "America/Los_Angeles"),
        ("Ann Lee", PHONE, "A1", "en", "America/Los_Angeles"),
    ]


def test_the_same_mrn_is_the_same_person_whose_details_may_change_audited(
    client, auth, runtime
) -> None:
    first = enroll(client, auth, body("Maria Lopez", mrn="A1")).get_json()
    end_follow_up(runtime, first["id"])
    moved = body(
        "Maria Lopez Garcia",
        phone="+14155550199",
        mrn="A1",
        timezone="America/Chicago",
        performed_at=SECOND_PROCEDURE,
    )
    second = enroll(client, auth, moved)
    assert second.status_code == 201
    assert second.get_json()["patient"]["id"] == first["patient"]["id"]
    assert patients(runtime) == [
        ("Maria Lopez Garcia", "+14155550199", "A1", "en", "America/Chicago")
    ]
    with runtime.sessions() as session:
        update = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "patient.update")
        ).one()
    assert update.detail == {"fields": ["name", "phone", "timezone"]}


def test_a_second_procedure_of_the_same_person_while_one_is_active_is_refused(
    client, auth, runtime
) -> None:
    first = enroll(client, auth, body("Ann Lee", mrn="A1")).get_json()
    before = counts(runtime)
    again = enroll(client, auth, body("Ann Lee", mrn="A1", performed_at=SECOND_PROCEDURE))
    assert again.status_code == 409
    assert (again.get_json()["enrollment_id"], again.get_json()["initials"]) == (
        first["id"],
        "A.L.",
    )
    assert counts(runtime) == before


def test_the_same_person_on_another_phone_with_an_active_follow_up_is_refused_by_mrn(
    client, auth, runtime
) -> None:
    first = enroll(client, auth, body("Ann Lee", mrn="A1")).get_json()
    before = counts(runtime)
    elsewhere = body("Ann Lee", phone="+14155550199", mrn="A1", performed_at=SECOND_PROCEDURE)
    refused = enroll(client, auth, elsewhere)
    assert refused.status_code == 409
    assert refused.get_json()["enrollment_id"] == first["id"]
    assert "patient.mrn" in refused.get_json()["fields"]
    assert counts(runtime) == before
    assert patients(runtime)[0][1] == PHONE


def test_a_repeat_that_moves_the_person_onto_a_phone_in_follow_up_is_refused(
    client, auth, runtime
) -> None:
    enroll(client, auth, body("Ann Lee", mrn="A1"))
    other = enroll(client, auth, body("Bob Ray", phone="+14155550199", mrn="B2")).get_json()
    before = counts(runtime)
    moved = enroll(client, auth, body("Ann Lee", phone="+14155550199", mrn="A1"))
    assert moved.status_code == 409
    assert (moved.get_json()["enrollment_id"], moved.get_json()["initials"]) == (
        other["id"],
        "B.R.",
    )
    assert counts(runtime) == before
    assert [row[1] for row in patients(runtime)] == [PHONE, "+14155550199"]


def test_the_same_request_again_is_still_answered_200(client, auth) -> None:
    first = enroll(client, auth, body("Ann Lee", mrn="A1"))
    again = enroll(client, auth, body("Ann Lee", mrn="A1"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]


def test_a_new_person_on_a_phone_that_said_stop_is_held_like_the_first(
    client, auth, runtime, settings
) -> None:
    first = enroll(client, auth, body("Ann Lee")).get_json()
    assert post_sms(client, settings, "STOP", PHONE).status_code == 200
    end_follow_up(runtime, first["id"])
    second = enroll(client, auth, body("Bob Lee", performed_at=SECOND_PROCEDURE))
    assert second.status_code == 201
    document = second.get_json()
    assert document["patient"]["opted_out"] is True
    assert {c["status"] for c in document["check_ins"]} == {"cancelled"}
    assert document["messages"] == []


def test_different_people_enrolled_on_one_phone_at_once_get_one_follow_up(
    app, auth, runtime
) -> None:
    """Several web workers enrolling different people on one phone at the same moment."""
    clients = 6
    start = threading.Barrier(clients)

    def post(index: int) -> int:
        client = app.test_client()
        start.wait()
        request = body(f"Person {chr(65 + index)} Lee", mrn=f"M{index}")
        return int(enroll(client, auth, request).status_code)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        statuses = sorted(pool.map(post, range(clients)))
    assert statuses == [201] + [409] * (clients - 1)
    assert counts(runtime)["Enrollment"] == 1
    assert counts(runtime)["Patient"] == 1


def test_the_409_answer_is_described_by_the_openapi_document(client, auth) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    answer = document["paths"]["/api/v1/enrollments"]["post"]["responses"]["409"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    error = document["components"]["schemas"]["Error"]["properties"]
    assert {"enrollment_id", "initials"} <= set(error)
