"""The flag lifecycle in the JSON API: acknowledge and resolve (SPEC 6.4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from recovery.flags.lifecycle import raise_flag
from recovery.models import AuditEvent, Enrollment, Flag
from recovery.patients.enrollment import enroll
from recovery.patients.validation import EnrollmentRequest
from recovery.runtime import Runtime
from recovery.states import FlagKind, FlagStatus
from tests.support.dates import D0
from tests.support.staff_fixtures import answer

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


@pytest.fixture
def flag_id(runtime: Runtime) -> int:
    """An open persistent-pain flag on a fresh enrollment."""
    request = EnrollmentRequest(
        name="Maria Lopez",
        phone="+15625550123",
        performed_at=f"{D0}T09:30:00-08:00",
        sms_consent=True,
        procedure_kind="vertebroplasty",
        protocol="vertebroplasty",
    )
    with runtime.transaction() as session:
        enrollment = enroll(
            session, request, clinic=runtime.clinic, actor="tests", source="api", now=NOW
        ).enrollment
        flag = raise_flag(session, enrollment, FlagKind.PERSISTENT_PAIN, reason="Pain 8", now=NOW)
        session.flush()
        return flag.id


def stored(runtime: Runtime, flag_id: int) -> Flag:
    with runtime.sessions() as session:
        flag = session.get(Flag, flag_id)
        assert flag is not None
        return flag


def audit_actions(runtime: Runtime, flag_id: int) -> list[tuple[str, str]]:
    with runtime.sessions() as session:
        query = select(AuditEvent).where(
            AuditEvent.record_type == "flag", AuditEvent.record_id == flag_id
        )
        return [(e.action, e.actor) for e in session.scalars(query.order_by(AuditEvent.id))]


def test_acknowledging_an_open_flag_answers_the_acknowledged_flag(client, auth, flag_id) -> None:
    response = client.post(f"/api/v1/flags/{flag_id}/acknowledge", headers=auth)
    assert response.status_code == 200
    document = response.get_json()
    assert (document["id"], document["status"]) == (flag_id, "acknowledged")
    assert document["acknowledged_by"] == "token:1:tests"
    assert datetime.fromisoformat(document["acknowledged_at"]).tzinfo is not None


def test_acknowledged_flag_moves_to_the_acknowledged_list(client, auth, flag_id) -> None:
    client.post(f"/api/v1/flags/{flag_id}/acknowledge", json={"note": "On it"}, headers=auth)
    open_ids = [f["id"] for f in client.get("/api/v1/flags", headers=auth).get_json()["flags"]]
    listed = client.get("/api/v1/flags?status=acknowledged", headers=auth).get_json()["flags"]
    assert open_ids == []
    assert [f["id"] for f in listed] == [flag_id]


def test_resolving_stores_the_note_and_who_resolved(client, auth, runtime, flag_id) -> None:
    body = {"note": "Called the patient; pain controlled with medication."}
    response = client.post(f"/api/v1/flags/{flag_id}/resolve", json=body, headers=auth)
    assert response.status_code == 200
    document = response.get_json()
    assert document["status"] == "resolved"
    assert document["resolution_note"] == body["note"]
    assert document["resolved_by"] == "token:1:tests"
    assert stored(runtime, flag_id).status == FlagStatus.RESOLVED


def test_every_change_through_the_api_is_audited_with_the_token(
    client, auth, runtime, flag_id
) -> None:
    client.post(f"/api/v1/flags/{flag_id}/acknowledge", headers=auth)
    client.post(f"/api/v1/flags/{flag_id}/resolve", json={"note": "Done"}, headers=auth)
    assert audit_actions(runtime, flag_id) == [
        ("flag.raise", "system"),
        ("flag.acknowledge", "token:1:tests"),
        ("flag.resolve", "token:1:tests"),
    ]


@pytest.mark.parametrize(
    ("body", "data"),
    [
        ({}, None),
        ({"note": ""}, None),
        ({"note": "   "}, None),
        ({"note": "x" * 2001}, None),
        ({"note": 42}, None),
        ([1, 2], None),
        (None, ""),
        (None, "not json"),
    ],
    ids=["no note", "empty", "blank", "too long", "number", "array", "no body", "not json"],
)
def test_resolving_without_a_usable_note_gets_400_and_changes_nothing(
    client, auth, runtime, flag_id, body, data
) -> None:
    headers = {**auth, "Content-Type": "application/json"}
    if body is not None:
        response = client.post(f"/api/v1/flags/{flag_id}/resolve", json=body, headers=auth)
    else:
        response = client.post(f"/api/v1/flags/{flag_id}/resolve", data=data, headers=headers)
    assert response.status_code == 400
    assert "note" in response.get_json()["fields"]
    assert response.get_json()["error"].startswith("the note")
    assert stored(runtime, flag_id).status == FlagStatus.OPEN
    assert audit_actions(runtime, flag_id) == [("flag.raise", "system")]


def test_a_note_of_exactly_2000_characters_is_kept(client, auth, flag_id) -> None:
    note = "x" * 2000
    response = client.post(f"/api/v1/flags/{flag_id}/resolve", json={"note": note}, headers=auth)
    assert response.status_code == 200
    assert response.get_json()["resolution_note"] == note


def test_acknowledging_with_a_too_long_note_gets_400(client, auth, runtime, flag_id) -> None:
    body = {"note": "x" * 2001}
    response = client.post(f"/api/v1/flags/{flag_id}/acknowledge", json=body, headers=auth)
    assert response.status_code == 400
    assert "2000" in response.get_json()["fields"]["note"]
    assert stored(runtime, flag_id).status == FlagStatus.OPEN


@pytest.mark.parametrize(
    ("first", "then", "message"),
    [
        ("acknowledge", "acknowledge", "only an open flag can be acknowledged"),
        ("resolve", "acknowledge", "only an open flag can be acknowledged"),
        ("resolve", "resolve", "already resolved"),
    ],
)
def test_a_step_the_flags_status_does_not_allow_gets_409(
    client, auth, runtime, flag_id, first, then, message
) -> None:
    body = {"note": "Done"}
    assert (
        client.post(f"/api/v1/flags/{flag_id}/{first}", json=body, headers=auth).status_code == 200
    )
    before = stored(runtime, flag_id)
    response = client.post(f"/api/v1/flags/{flag_id}/{then}", json=body, headers=auth)
    assert response.status_code == 409
    assert message in response.get_json()["error"]
    after = stored(runtime, flag_id)
    assert (after.status, after.updated_at) == (before.status, before.updated_at)


@pytest.mark.parametrize("step", ["acknowledge", "resolve"])
def test_unknown_flag_is_404_in_json(client, auth, step) -> None:
    response = client.post(f"/api/v1/flags/999/{step}", json={"note": "Done"}, headers=auth)
    assert response.status_code == 404
    assert "999" in response.get_json()["error"]


@pytest.mark.parametrize("step", ["acknowledge", "resolve"])
def test_flag_steps_need_a_token(client, runtime, flag_id, step) -> None:
    response = client.post(f"/api/v1/flags/{flag_id}/{step}", json={"note": "Done"})
    assert response.status_code == 401
    assert stored(runtime, flag_id).status == FlagStatus.OPEN


def enrolled(runtime: Runtime, name: str, phone: str) -> int:
    request = EnrollmentRequest(
        name=name, phone=phone, performed_at=f"{D0}T09:30:00-08:00", sms_consent=True
    )
    with runtime.transaction() as session:
        return enroll(
            session, request, clinic=runtime.clinic, actor="tests", source="api", now=NOW
        ).enrollment.id


def raised(runtime: Runtime, enrollment_id: int, kind: FlagKind, minutes_ago: int) -> int:
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        when = NOW - timedelta(minutes=minutes_ago)
        flag = raise_flag(session, enrollment, kind, reason=f"{kind.value} test", now=when)
        session.flush()
        return flag.id


def test_open_flags_are_listed_most_severe_then_oldest_with_patient_and_latest_pain(
    client, auth, runtime
) -> None:
    ann = enrolled(runtime, "Ann Lee", "+14155550101")
    bob = enrolled(runtime, "Bob Roe", "+14155550102")
    answer(runtime, ann, "24h", pain=8, activity=2)
    expected = [
        raised(runtime, bob, FlagKind.RED_FLAG_SYMPTOMS, minutes_ago=1),
        raised(runtime, ann, FlagKind.PERSISTENT_PAIN, minutes_ago=50),
        raised(runtime, bob, FlagKind.SEVERE_PAIN, minutes_ago=20),
        raised(runtime, ann, FlagKind.NO_RESPONSE, minutes_ago=90),
    ]
    response = client.get("/api/v1/flags?status=open", headers=auth)
    assert response.status_code == 200
    flags = response.get_json()["flags"]
    assert [f["id"] for f in flags] == expected
    assert [f["severity"] for f in flags] == ["urgent", "high", "high", "normal"]
    assert [f["patient_name"] for f in flags] == ["Bob Roe", "Ann Lee", "Bob Roe", "Ann Lee"]
    assert [f["enrollment_id"] for f in flags] == [bob, ann, bob, ann]
    assert [f["latest_pain"] for f in flags] == [None, 8, None, 8]
    assert all(datetime.fromisoformat(f["created_at"]).utcoffset() is not None for f in flags)
    assert all({"kind", "status", "reason"} <= set(f) for f in flags)


def test_the_flags_list_is_open_flags_when_no_status_is_given(client, auth, flag_id) -> None:
    listed = client.get("/api/v1/flags", headers=auth).get_json()["flags"]
    assert [(f["id"], f["status"]) for f in listed] == [(flag_id, "open")]


def test_a_resolved_flag_is_listed_with_its_note(client, auth, flag_id) -> None:
    client.post(f"/api/v1/flags/{flag_id}/resolve", json={"note": "Called back"}, headers=auth)
    listed = client.get("/api/v1/flags?status=resolved", headers=auth).get_json()["flags"]
    assert [(f["id"], f["resolution_note"]) for f in listed] == [(flag_id, "Called back")]


@pytest.mark.parametrize("query", ["?status=", "?status=OPEN", "?status=%20open"])
def test_an_empty_or_capitalized_status_lists_open_flags(client, auth, flag_id, query) -> None:
    response = client.get(f"/api/v1/flags{query}", headers=auth)
    assert response.status_code == 200
    assert [f["id"] for f in response.get_json()["flags"]] == [flag_id]
