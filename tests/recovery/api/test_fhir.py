"""FHIR R4 Observations of the answers, by search and by bulk export, checked against the
`fhir.resources` library's R4B models."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient as FhirPatient
from sqlalchemy import select

from recovery.models import AuditEvent
from recovery.sending.due_work import run_due_work
from tests.conftest import with_settings
from tests.perf.export import add_answers
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import post_sms

PHONE = "+14155550123"
MRN = "A-1234567"
MRN_SYSTEM = "urn:oid:2.16.840.1.113883.19.5"


@pytest.fixture
def answered(app, client, runtime) -> int:  # type: ignore[no-untyped-def]
    """A patient with an MRN who answered 7 and 2 by text, then corrected the pain to 9."""
    runtime.settings = with_settings(runtime.settings, fhir_mrn_system=MRN_SYSTEM)
    enrollment_id = enroll_patient(runtime, PHONE, name="Ann Lee", mrn=MRN)
    run_due_work(runtime, now=MORNING)
    for body in ("7", "2", "sorry, pain is 9 not 7"):
        assert post_sms(client, runtime.settings, body, PHONE).status_code == 200
    return enrollment_id


def _search(client, auth, **params: str) -> tuple[int, dict[str, Any], str]:  # type: ignore[no-untyped-def]
    answer = client.get("/api/v1/fhir/Observation", query_string=params, headers=auth)
    return answer.status_code, json.loads(answer.get_data(as_text=True)), answer.mimetype


def test_pain_and_activity_come_back_as_observations_amended_after_a_correction(
    client, auth, runtime, answered
) -> None:
    status, body, mimetype = _search(client, auth, patient=MRN)
    assert (status, mimetype) == (200, "application/fhir+json")
    bundle = Bundle.model_validate(body)
    assert bundle.type == "searchset" and bundle.total == 2
    pain, activity = (Observation.model_validate(e["resource"]) for e in body["entry"])
    assert pain.code.coding[0].system == "http://loinc.org"
    assert pain.code.coding[0].code == "72514-3"
    assert (pain.valueInteger, pain.status) == (9, "amended")
    assert pain.subject.identifier.system == MRN_SYSTEM
    assert pain.subject.identifier.value == MRN
    assert activity.valueCodeableConcept.coding[0].code == "2"
    assert activity.valueCodeableConcept.coding[0].system.endswith(
        "/fhir/CodeSystem/activity-level"
    )
    again = _search(client, auth, patient=MRN)[1]
    assert [e["resource"]["id"] for e in again["entry"]] == [
        e["resource"]["id"] for e in body["entry"]
    ]
    with runtime.sessions() as session:
        views = session.scalars(select(AuditEvent).where(AuditEvent.action == "patient.view"))
        assert {event.detail.get("page") for event in views} == {"fhir/Observation"}


def test_a_search_by_identifier_reference_and_since(client, auth, answered) -> None:
    by_identifier = _search(client, auth, **{"subject:identifier": f"{MRN_SYSTEM}|{MRN}"})[1]
    assert by_identifier["total"] == 2
    updated = max(e["resource"]["meta"]["lastUpdated"] for e in by_identifier["entry"])
    assert _search(client, auth, _since=updated)[1]["total"] >= 1
    assert _search(client, auth, _since="2100-01-01T00:00:00Z")[1]["total"] == 0
    assert _search(client, auth, patient="NO-SUCH-MRN")[1]["total"] == 0


@pytest.mark.parametrize(
    "params", [{"_since": "yesterday"}, {"patient": "Patient/x"}, {"colour": "blue"}]
)
def test_a_bad_search_parameter_gets_an_operation_outcome(client, auth, params) -> None:
    status, body, _ = _search(client, auth, **params)
    assert status == 400
    OperationOutcome.model_validate(body)


def test_without_an_mrn_system_the_subject_is_a_reference(client, auth, runtime) -> None:
    enroll_patient(runtime, PHONE, name="Ann Lee")
    run_due_work(runtime, now=MORNING)
    post_sms(client, runtime.settings, "5", PHONE)
    body = _search(client, auth)[1]
    [entry] = body["entry"]
    assert entry["resource"]["subject"]["reference"].startswith("Patient/")


def test_the_bulk_export_writes_ndjson_that_validates(runner, runtime, answered, tmp_path) -> None:
    out = tmp_path / "export.ndjson"
    result = runner.invoke(args=["export-fhir", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    kinds = [line["resourceType"] for line in lines]
    assert kinds == ["Patient", "Observation", "Observation"]
    FhirPatient.model_validate(lines[0])
    for line in lines[1:]:
        Observation.model_validate(line)
    assert lines[0]["identifier"][0]["value"] == MRN


def test_the_bulk_export_reads_past_its_first_batch_of_rows(runner, runtime, tmp_path) -> None:
    add_answers(runtime.engine, 1_201, now=MORNING)  # batches of 500 rows
    out = tmp_path / "export.ndjson"

    result = runner.invoke(args=["export-fhir", "--out", str(out)])

    assert result.exit_code == 0, result.output
    kinds = Counter(json.loads(line)["resourceType"] for line in out.read_text().splitlines())
    assert kinds == {"Patient": 601, "Observation": 2 * 1_201}


def test_observations_need_an_api_token(client) -> None:
    assert client.get("/api/v1/fhir/Observation").status_code == 401
