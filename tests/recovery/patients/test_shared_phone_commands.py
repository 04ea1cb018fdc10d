"""Enrolling on a shared phone from the command line and from CSV files: a second active
follow-up on a phone is refused with a line naming the first, and nothing is stored.
(The staff import page's table of refused rows: tests/recovery/web/test_shared_phone_pages.py.)"""

from __future__ import annotations

from sqlalchemy import func, select

from recovery.models import AuditEvent, Enrollment, Message, Patient
from tests.support.dates import D0, D1, D7

MARIA = [
    "enroll",
    "--name",
    "María López",
    "--phone",
    "(562) 555-0123",
    "--performed-at",
    f"{D0}T09:30:00-08:00",
    "--mrn",
    "A12345",
    "--language",
    "es",
    "--consent",
]
MARIO = [
    "enroll",
    "--name",
    "Mario Lopez",
    "--phone",
    "562-555-0123",
    "--performed-at",
    f"{D1}T10:00:00-08:00",
    "--consent",
]
CSV = f"""name,phone,performed_at,consent,mrn,language
María López,(562) 555-0123,{D0}T09:30:00-08:00,yes,A12345,es
Mario Lopez,+1 562 555 0123,{D1}T10:00:00-08:00,yes,,en
María López,5625550123,{D0}T09:30:00-08:00,yes,A12345,es
María López,5625550123,{D7}T09:30:00-08:00,yes,A12345,es
Ann Lee,+14155552671,{D1}T10:00:00-08:00,yes,,
"""


def counts(runtime) -> list[int]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return [
            session.scalar(select(func.count()).select_from(model))
            for model in (Patient, Enrollment, Message, AuditEvent)
        ]


def names(runtime) -> list[tuple[str, str | None, str]]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        patients = session.scalars(select(Patient).order_by(Patient.id))
        return [(p.name, p.mrn, p.language) for p in patients]


def test_the_enroll_command_refuses_a_second_person_on_a_phone_in_follow_up(
    runner, runtime
) -> None:
    first = runner.invoke(args=MARIA)
    assert first.exit_code == 0, first.output
    before = counts(runtime)
    refused = runner.invoke(args=MARIO)
    assert refused.exit_code != 0
    assert len(refused.output.strip().splitlines()) == 1
    assert "this phone already has an active follow-up, enrollment 1 (M.L.)" in refused.output
    assert "nothing was stored" in refused.output
    assert counts(runtime) == before
    assert names(runtime) == [("María López", "A12345", "es")]


def test_the_import_refuses_each_row_in_the_way_of_an_active_follow_up_by_line(
    runner, runtime, tmp_path
) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(CSV)
    result = runner.invoke(args=["import-enrollments", str(path)])
    assert result.exit_code == 1
    conflict = "this phone already has an active follow-up, enrollment 1 (M.L.)"
    assert f"line 3: {conflict}" in result.output
    assert f"line 5: {conflict}" in result.output
    assert "Enrolled 2 of 5 rows; 1 already enrolled; 2 failed" in result.output
    assert names(runtime) == [("María López", "A12345", "es"), ("Ann Lee", None, "en")]
