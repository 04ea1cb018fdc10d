"""The JSON API: enrollments and flags behind bearer tokens (SPEC 6.4)."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlalchemy import func, select

from recovery.models import Enrollment, Message, Patient
from recovery.patients.follow_up import withdraw
from recovery.runtime import utc_now
from tests.support.dates import D0, D1, D2, D3, D8

BODY = {
    "patient": {
        "name": "Maria Lopez",
        "phone": "+15625550123",
        "language": "es",
        "timezone": "America/Los_Angeles",
        "mrn": "A12345",
        "sms_consent": True,
    },
    "procedure": {
        "kind": "vertebroplasty",
        "performed_at": f"{D0}T09:30:00-08:00",
        "levels": "T12, L1",
        "baseline_pain": 8,
    },
    "protocol": "vertebroplasty",
}


def body_with(section: str, **changes: object) -> dict:
    return {**BODY, section: {**BODY[section], **changes}}


def count(runtime, model) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_enrollment_answers_201_with_check_ins_at_24_and_48_hours(client, auth) -> None:
    response = client.post("/api/v1/enrollments", json=BODY, headers=auth)
    assert response.status_code == 201
    document = response.get_json()
    assert document["status"] == "active"
    assert document["patient"]["phone"] == "+15625550123"
    assert document["patient"]["opted_out"] is False
    assert document["procedure"]["baseline_pain"] == 8
    assert [c["label"] for c in document["check_ins"]] == ["24h", "48h"]
    due = [datetime.fromisoformat(c["due_at"]) for c in document["check_ins"]]
    assert due == [
        datetime.fromisoformat(f"{D1}T09:30:00-08:00"),
        datetime.fromisoformat(f"{D2}T09:30:00-08:00"),
    ]
    assert all(c["status"] == "scheduled" for c in document["check_ins"])


def test_night_time_procedure_gets_check_ins_at_nine_local(client, auth) -> None:
    body = body_with("procedure", performed_at=f"{D0}T23:10:00-08:00")
    document = client.post("/api/v1/enrollments", json=body, headers=auth).get_json()
    due = [datetime.fromisoformat(c["due_at"]) for c in document["check_ins"]]
    assert due == [
        datetime.fromisoformat(f"{D2}T09:00:00-08:00"),
        datetime.fromisoformat(f"{D3}T09:00:00-08:00"),
    ]


def test_enrollment_queues_a_welcome_text_in_the_patients_language(client, auth, runtime) -> None:
    document = client.post("/api/v1/enrollments", json=BODY, headers=auth).get_json()
    welcome = [m for m in document["messages"] if m["kind"] == "welcome"]
    assert len(welcome) == 1
    assert welcome[0]["status"] == "pending"
    assert welcome[0]["body"].startswith("Hola Maria")
    assert "ALTO" in welcome[0]["body"]


def test_same_phone_in_another_format_is_the_same_patient(client, auth, runtime) -> None:
    first = client.post("/api/v1/enrollments", json=BODY, headers=auth).get_json()
    # A phone takes one active follow-up at a time: the first one ends before the second.
    with runtime.transaction() as session:
        withdraw(session, session.get(Enrollment, first["id"]), actor="nurse", now=utc_now())
    again = body_with("patient", phone="(562) 555-0123")
    again = {
        **again,
        "procedure": {**BODY["procedure"], "performed_at": f"{D8}T10:00:00-08:00"},
    }
    second = client.post("/api/v1/enrollments", json=again, headers=auth)
    assert second.status_code == 201
    assert second.get_json()["patient"]["id"] == first["patient"]["id"]
    assert second.get_json()["id"] != first["id"]
    assert count(runtime, Patient) == 1


def test_repeated_request_returns_the_same_enrollment(client, auth, runtime) -> None:
    first = client.post("/api/v1/enrollments", json=BODY, headers=auth)
    second = client.post("/api/v1/enrollments", json=BODY, headers=auth)
    assert second.status_code == 200
    assert second.get_json()["id"] == first.get_json()["id"]
    assert count(runtime, Enrollment) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (body_with("patient", phone="12345"), "patient.phone"),
        (body_with("patient", timezone="Mars/Base"), "patient.timezone"),
        (body_with("patient", language="fr"), "patient.language"),
        (body_with("patient", sms_consent=False), "patient.sms_consent"),
        (body_with("patient", name=""), "patient.name"),
        (body_with("procedure", performed_at=f"{D0}T09:30:00"), "procedure.performed_at"),
        (body_with("procedure", baseline_pain=12), "procedure.baseline_pain"),
        ({**BODY, "protocol": "appendix"}, "protocol"),
        ({**BODY, "patient": "Maria"}, "patient"),
        ({"procedure": BODY["procedure"]}, "patient"),
    ],
)
def test_bad_input_gets_400_naming_the_field_and_stores_nothing(
    client, auth, runtime, body, field
) -> None:
    response = client.post("/api/v1/enrollments", json=body, headers=auth)
    assert response.status_code == 400
    assert field in response.get_json()["fields"]
    assert response.get_json()["error"]
    assert count(runtime, Patient) == 0
    assert count(runtime, Enrollment) == 0
    assert count(runtime, Message) == 0


@pytest.mark.parametrize("data", ["not json", "[1, 2]", "null", ""])
def test_body_that_is_not_a_json_object_gets_400(client, auth, data) -> None:
    response = client.post(
        "/api/v1/enrollments", data=data, headers={**auth, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["error"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer rc_wrong"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
    ],
)
def test_missing_or_wrong_token_gets_401_and_stores_nothing(client, runtime, headers) -> None:
    response = client.post("/api/v1/enrollments", json=BODY, headers=headers)
    assert response.status_code == 401
    assert "token" in response.get_json()["error"]
    assert client.get("/api/v1/flags", headers=headers).status_code == 401
    assert count(runtime, Patient) == 0


def test_enrollment_can_be_read_back(client, auth) -> None:
    created = client.post("/api/v1/enrollments", json=BODY, headers=auth).get_json()
    response = client.get(f"/api/v1/enrollments/{created['id']}", headers=auth)
    assert response.status_code == 200
    assert response.get_json() == created


def test_unknown_enrollment_is_404_in_json(client, auth) -> None:
    response = client.get("/api/v1/enrollments/999", headers=auth)
    assert response.status_code == 404
    assert "999" in response.get_json()["error"]


def test_flags_list_is_empty_without_flags(client, auth) -> None:
    response = client.get("/api/v1/flags?status=open", headers=auth)
    assert response.status_code == 200
    assert response.get_json() == {"flags": []}


def test_flags_list_refuses_an_unknown_status(client, auth) -> None:
    response = client.get("/api/v1/flags?status=closed", headers=auth)
    assert response.status_code == 400
    assert "status" in response.get_json()["fields"]


def test_health_check_answers_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_scheduler_health_is_503_before_any_pass(client) -> None:
    response = client.get("/healthz/scheduler")
    assert response.status_code == 503


def test_the_enrollment_answer_has_every_field_of_the_spec_example(client, auth) -> None:
    document = client.post("/api/v1/enrollments", json=BODY, headers=auth).get_json()
    assert {"id", "status", "patient", "procedure", "protocol", "check_ins", "flags"} <= set(
        document
    )
    assert document["protocol"] == "vertebroplasty"
    patient = document["patient"]
    assert {key: patient[key] for key in BODY["patient"]} == BODY["patient"]
    assert {"id", "opted_out"} <= set(patient)
    procedure = document["procedure"]
    assert {key: procedure[key] for key in ("kind", "levels", "baseline_pain")} == {
        "kind": "vertebroplasty",
        "levels": "T12, L1",
        "baseline_pain": 8,
    }
    check_in_fields = {"id", "label", "due_at", "status", "sent_at", "answered_at", "pain"}
    check_in_fields |= {"activity", "reminders_sent"}
    assert all(check_in_fields <= set(c) for c in document["check_ins"])
    message_fields = {"direction", "body", "sid", "status", "created_at"}
    assert all(message_fields <= set(m) for m in document["messages"])


def test_every_timestamp_of_an_enrollment_carries_its_offset(client, auth) -> None:
    document = client.post("/api/v1/enrollments", json=BODY, headers=auth).get_json()
    stamps = [document["procedure"]["performed_at"], document["patient"]["consent_at"]]
    stamps += [c["due_at"] for c in document["check_ins"]]
    stamps += [m["created_at"] for m in document["messages"]]
    assert stamps and all(datetime.fromisoformat(s).utcoffset() is not None for s in stamps)


def test_a_json_body_sent_without_a_json_content_type_is_read(client, auth) -> None:
    data = json.dumps(BODY)
    response = client.post("/api/v1/enrollments", data=data, headers=auth)
    assert response.status_code == 201


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing", "/api/v1/enrollments/abc", "/api/v1/flags/1", "/api/v2/flags"]
)
def test_an_unknown_api_url_gets_404_in_json(client, auth, path) -> None:
    for headers in (auth, {}):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.mimetype == "application/json"
        assert path in response.get_json()["error"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api/v1/enrollments", "POST"),
        ("delete", "/api/v1/flags", "GET"),
        ("put", "/api/v1/enrollments/1", "GET"),
        ("get", "/api/v1/flags/1/resolve", "POST"),
    ],
)
def test_a_wrong_method_on_an_api_url_gets_405_in_json(
    client, auth, runtime, method, path, allowed
) -> None:
    response = getattr(client, method)(path, json=BODY, headers=auth)
    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert method.upper() in response.get_json()["error"]
    assert allowed in response.headers["Allow"]
    assert count(runtime, Patient) == 0


def test_unknown_urls_outside_the_api_keep_their_html_page(client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_simultaneous_first_enrollments_of_one_phone_make_one_patient(app, auth, runtime) -> None:
    """Several integrations enrolling the same new patient at once: no 5xx, one patient."""
    clients = 6
    start = threading.Barrier(clients)

    def post() -> int:
        client = app.test_client()
        start.wait()
        return client.post("/api/v1/enrollments", json=BODY, headers=auth).status_code

    with ThreadPoolExecutor(max_workers=clients) as pool:
        statuses = sorted(pool.map(lambda _: post(), range(clients)))
    assert set(statuses) <= {200, 201}
    assert statuses.count(201) >= 1
    assert count(runtime, Patient) == 1
