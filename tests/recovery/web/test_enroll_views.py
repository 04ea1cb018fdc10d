"""Enrolling from the staff pages: the form (errors by field, input kept) and CSV imports."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from recovery.models import AuditEvent, CheckIn, Enrollment, Patient
from tests.support.dates import D0, D1
from tests.support.staff_client import post, text

GOOD = {
    "name": "Maria Lopez",
    "phone": "(562) 555-0123",
    "language": "es",
    "timezone": "America/New_York",
    "procedure": "kyphoplasty",
    "performed_at": f"{D0}T09:30",
    "levels": "T12, L1",
    "baseline_pain": "8",
    "mrn": "A12345",
    "consent": "yes",
}


def _count(runtime, model) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_the_form_has_every_field_by_its_label(nurse_client) -> None:
    page = text(nurse_client.get("/patients/new"))
    for field, label in (
        ("name", "Name"),
        ("phone", "Mobile phone"),
        ("language", "Language"),
        ("timezone", "Time zone"),
        ("procedure", "Procedure"),
        ("performed_at", "Procedure time"),
        ("baseline_pain", "Baseline pain"),
        ("mrn", "MRN"),
        ("consent", "Patient agreed to receive texts"),
    ):
        assert f'<label for="{field}">{label}</label>' in page
    assert 'type="datetime-local"' in page and 'type="checkbox"' in page
    assert '<option value="America/Los_Angeles" selected>' in page
    assert '<button type="submit">Enroll</button>' in page


def test_errors_are_shown_by_their_fields_and_everything_typed_is_kept(
    nurse_client, runtime
) -> None:
    form = {**GOOD, "phone": "555-01", "baseline_pain": "11", "consent": ""}
    del form["consent"]
    response = post(nurse_client, "/patients/new", form)
    assert response.status_code == 400
    page = text(response)
    assert (
        '<p class="field-error" id="phone-error">Mobile phone: not a valid phone number</p>' in page
    )
    assert "Baseline pain must be a whole number from 0 to 10" in page
    assert "Patient agreed to receive texts: the patient must agree" in page
    assert 'aria-describedby="phone-error"' in page
    for value in ('value="Maria Lopez"', 'value="555-01"', 'value="11"', 'value="T12, L1"'):
        assert value in page
    assert f'value="{D0}T09:30"' in page
    assert '<option value="America/New_York" selected>' in page
    assert '<option value="es" selected>' in page
    assert '<option value="kyphoplasty" selected>' in page
    assert _count(runtime, Patient) == 0


def test_a_missing_procedure_time_says_so_in_words(nurse_client) -> None:
    page = text(post(nurse_client, "/patients/new", {**GOOD, "performed_at": ""}))
    assert "Procedure time is required" in page


def test_the_procedure_time_is_read_in_the_chosen_time_zone(nurse_client, runtime, nurse) -> None:
    response = post(nurse_client, "/patients/new", GOOD)
    assert response.status_code == 302
    with runtime.sessions() as session:
        enrollment = session.scalars(select(Enrollment)).one()
        patient = enrollment.patient
        assert enrollment.performed_at == datetime.fromisoformat(f"{D0}T09:30:00-05:00")
        assert (patient.phone, patient.language, patient.timezone) == (
            "+15625550123",
            "es",
            "America/New_York",
        )
        assert (enrollment.procedure_kind, enrollment.baseline_pain) == ("kyphoplasty", 8)
        due = session.scalars(select(CheckIn.due_at).order_by(CheckIn.due_at)).all()
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "enrollment.create"))
        assert event.one().actor == f"user:{nurse}:nurse@example.org"
    assert due[0] == datetime.fromisoformat(f"{D1}T09:30:00-05:00")
    assert response.headers["Location"] == f"/patients/{patient.id}"
    assert "Maria Lopez is enrolled." in text(nurse_client.get(response.headers["Location"]))


def test_a_repeated_enrollment_changes_nothing(nurse_client, runtime) -> None:
    post(nurse_client, "/patients/new", GOOD)
    response = post(nurse_client, "/patients/new", GOOD, follow_redirects=True)
    assert "was already enrolled for this procedure" in text(response)
    assert _count(runtime, Enrollment) == 1


def test_a_daylight_saving_wall_time_gets_the_offset_in_force(nurse_client, runtime) -> None:
    runtime.clock = lambda: datetime.fromisoformat("2026-06-20T12:00:00+00:00")
    post(nurse_client, "/patients/new", {**GOOD, "performed_at": "2026-07-01T10:00"})
    with runtime.sessions() as session:
        performed = session.scalars(select(Enrollment.performed_at)).one()
    assert performed == datetime.fromisoformat("2026-07-01T10:00:00-04:00")


def test_a_wall_time_skipped_by_the_clocks_going_forward_is_refused_and_kept(
    nurse_client, runtime
) -> None:
    runtime.clock = lambda: datetime.fromisoformat("2026-03-07T12:00:00+00:00")
    form = {**GOOD, "timezone": "America/Los_Angeles", "performed_at": "2026-03-08T02:30"}
    response = post(nurse_client, "/patients/new", form)
    assert response.status_code == 400
    page = text(response)
    assert (
        "Procedure time 2026-03-08 02:30 does not exist in America/Los_Angeles: the clocks "
        "go forward then (daylight saving time); check the time"
    ) in page
    assert 'value="2026-03-08T02:30"' in page
    assert _count(runtime, Enrollment) == 0


def test_a_wall_time_that_happens_twice_is_read_as_the_first_and_the_page_says_so(
    nurse_client, runtime
) -> None:
    runtime.clock = lambda: datetime.fromisoformat("2026-10-31T12:00:00+00:00")
    form = {**GOOD, "timezone": "America/Los_Angeles", "performed_at": "2026-11-01T01:30"}
    response = post(nurse_client, "/patients/new", form, follow_redirects=True)
    page = text(response)
    assert "Maria Lopez is enrolled." in page
    assert (
        "Procedure time 2026-11-01 01:30 happens twice in America/Los_Angeles "
        "(the clocks go back): read as the first, at UTC-07:00."
    ) in page
    with runtime.sessions() as session:
        performed = session.scalars(select(Enrollment.performed_at)).one()
    assert performed == datetime.fromisoformat("2026-11-01T01:30:00-07:00")


@pytest.mark.parametrize(
    ("performed_at", "words"),
    [
        ("2027-01-20T10:00", "Procedure time is more than 30 days ahead: check the date"),
        (
            "2026-12-01T10:00",
            "Procedure time: too late to follow up: every check-in of the protocol would be "
            "more than 12 h late",
        ),
    ],
)
def test_an_implausible_procedure_time_is_refused_on_its_field(
    nurse_client, runtime, performed_at, words
) -> None:
    runtime.clock = lambda: datetime.fromisoformat("2026-12-06T12:00:00+00:00")
    response = post(nurse_client, "/patients/new", {**GOOD, "performed_at": performed_at})
    assert response.status_code == 400
    page = text(response)
    assert f'<p class="field-error" id="performed_at-error">{words}</p>' in page
    assert f'value="{performed_at}"' in page
    assert _count(runtime, Patient) == 0


def test_a_legacy_time_zone_name_is_refused_with_a_suggestion(nurse_client, runtime) -> None:
    response = post(nurse_client, "/patients/new", {**GOOD, "timezone": "US/Eastern"})
    assert response.status_code == 400
    assert "use an Area/Location name such as America/New_York" in text(response)
    assert _count(runtime, Patient) == 0


CSV = f"""name,phone,performed_at,consent,language
Ann Lee,415-555-2671,{D0}T21:00:00-08:00,yes,en
Bad Phone,12,{D0}T21:00:00-08:00,yes,en
No Consent,415-555-2672,{D0}T21:00:00-08:00,no,es
"""


def test_a_csv_import_enrolls_good_rows_and_reports_bad_ones(nurse_client, runtime) -> None:
    upload = {"file": (io.BytesIO(CSV.encode()), "patients.csv")}
    response = post(nurse_client, "/patients/import", upload, content_type="multipart/form-data")
    assert response.status_code == 200
    page = text(response)
    assert "3 row(s) read: 1 enrolled, 0 already enrolled, 2 refused." in page
    assert re.search(r"<td>3</td><td>phone: not a valid phone number</td>", page)
    assert re.search(r"<td>4</td><td>consent: the patient must agree", page)
    assert _count(runtime, Enrollment) == 1


def test_an_import_without_the_required_columns_is_refused(nurse_client, runtime) -> None:
    upload = {"file": (io.BytesIO(b"name,phone\nAnn,4155552671\n"), "patients.csv")}
    response = post(nurse_client, "/patients/import", upload, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "lacks the column(s): performed_at, consent" in text(response)
    assert post(nurse_client, "/patients/import").status_code == 400
