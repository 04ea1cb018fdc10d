"""The staff pages with a phone that two patients share: the enrollment form refuses a
second active follow-up with a link to the first, the search shows each person, and a
withdrawn follow-up is not reinstated over someone else's."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import func, select

from recovery.models import AuditEvent, CheckIn, Enrollment, Message, Patient
from recovery.patients.follow_up import withdraw
from recovery.runtime import utc_now
from tests.support.dates import D0, D1
from tests.support.staff_client import post, text

PHONE = "+15625550123"
MARIA = {
    "name": "María López",
    "phone": "(562) 555-0123",
    "language": "es",
    "timezone": "America/Los_Angeles",
    "procedure": "vertebroplasty",
    "performed_at": f"{D0}T09:30",
    "baseline_pain": "8",
    "mrn": "A12345",
    "consent": "yes",
}
MARIO = {
    **MARIA,
    "name": "Mario Lopez",
    "phone": "562.555.0123",
    "language": "en",
    "timezone": "America/New_York",
    "performed_at": f"{D1}T14:15",
    "baseline_pain": "6",
    "mrn": "B777",
}


def counts(runtime) -> list[int]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return [
            session.scalar(select(func.count()).select_from(model))
            for model in (Patient, Enrollment, CheckIn, Message, AuditEvent)
        ]


def enrolled(runtime, name: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """The patient id and enrollment id of the patient with this name."""
    with runtime.sessions() as session:
        patient = session.scalars(select(Patient).where(Patient.name == name)).one()
        return patient.id, patient.enrollments[-1].id


def withdraw_follow_up(runtime, enrollment_id: int) -> None:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        withdraw(session, session.get(Enrollment, enrollment_id), actor="nurse", now=utc_now())


def test_enrolling_someone_else_on_a_phone_in_follow_up_links_to_that_follow_up(
    nurse_client, runtime
) -> None:
    assert post(nurse_client, "/patients/new", MARIA).status_code == 302
    maria_id, enrollment_id = enrolled(runtime, "María López")
    before = counts(runtime)
    response = post(nurse_client, "/patients/new", MARIO)
    assert response.status_code == 409
    page = text(response)
    link = f'href="/patients/{maria_id}#enrollment-{enrollment_id}"'
    assert link in page
    assert f"enrollment {enrollment_id} (M.L.)" in page
    assert "this phone already has an active follow-up" in page
    assert 'aria-invalid="true" aria-describedby="phone-error"' in page
    for field in ("name", "phone", "mrn", "baseline_pain"):
        assert f'value="{MARIO[field]}"' in page, field
    assert '<option value="America/New_York" selected>' in page
    assert counts(runtime) == before


def test_a_second_person_on_the_phone_keeps_the_first_one_as_she_was(nurse_client, runtime) -> None:
    post(nurse_client, "/patients/new", MARIA)
    maria_id, enrollment_id = enrolled(runtime, "María López")
    withdraw_follow_up(runtime, enrollment_id)
    assert post(nurse_client, "/patients/new", MARIO).status_code == 302
    mario_id, _ = enrolled(runtime, "Mario Lopez")
    assert mario_id != maria_id
    maria_page = text(nurse_client.get(f"/patients/{maria_id}"))
    assert "<h1>María López</h1>" in maria_page
    assert "A12345" in maria_page and "Spanish" in maria_page
    assert f'shared with <a href="/patients/{mario_id}">Mario Lopez</a>' in maria_page


def test_search_shows_each_person_on_a_shared_phone(nurse_client, runtime) -> None:
    post(nurse_client, "/patients/new", MARIA)
    withdraw_follow_up(runtime, enrolled(runtime, "María López")[1])
    post(nurse_client, "/patients/new", MARIO)
    names = r'<a href="/patients/\d+">([^<]+)</a>'
    by_phone = text(nurse_client.get("/patients", query_string={"q": "(562) 555-0123"}))
    assert sorted(re.findall(names, by_phone)) == ["Mario Lopez", "María López"]
    assert by_phone.count("shared phone: 2 patients") == 2
    for query, name in (
        ("maria", "María López"),
        ("A12345", "María López"),
        ("b777", "Mario Lopez"),
    ):
        page = text(nurse_client.get("/patients", query_string={"q": query}))
        assert re.findall(names, page) == [name], query


def test_a_withdrawn_follow_up_is_not_reinstated_while_another_is_active_on_the_phone(
    nurse_client, runtime
) -> None:
    recent = {**MARIA, "performed_at": (utc_now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}
    post(nurse_client, "/patients/new", {**recent, "timezone": "Africa/Abidjan"})
    maria_id, maria_enrollment = enrolled(runtime, "María López")
    withdraw_follow_up(runtime, maria_enrollment)
    post(nurse_client, "/patients/new", MARIO)
    _mario_id, mario_enrollment = enrolled(runtime, "Mario Lopez")
    response = post(
        nurse_client,
        f"/patients/{maria_id}/enrollments/{maria_enrollment}/reinstate",
        follow_redirects=True,
    )
    assert f"Nothing changed: enrollment {mario_enrollment} (M.L.) is active" in text(response)
    with runtime.sessions() as session:
        assert session.get(Enrollment, maria_enrollment).status.value == "withdrawn"


CSV = f"""name,phone,performed_at,consent,mrn
María López,(562) 555-0123,{D0}T09:30:00-08:00,yes,A12345
Mario Lopez,+1 562 555 0123,{D1}T10:00:00-08:00,yes,
Ann Lee,+14155552671,{D1}T10:00:00-08:00,yes,
"""


def test_the_import_page_shows_each_row_refused_for_a_shared_phone(nurse_client, runtime) -> None:
    upload = {"file": (io.BytesIO(CSV.encode()), "patients.csv")}
    response = post(nurse_client, "/patients/import", upload, content_type="multipart/form-data")
    page = text(response)
    assert "3 row(s) read: 2 enrolled, 0 already enrolled, 1 refused." in page
    assert "<td>3</td><td>this phone already has an active follow-up, enrollment 1 (M.L.)" in page
    with runtime.sessions() as session:
        stored = session.scalars(select(Patient.name).order_by(Patient.id)).all()
    assert stored == ["María López", "Ann Lee"]
