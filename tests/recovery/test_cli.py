"""The command line: init-db, accounts, tokens, enroll and CSV import (SPEC 6.3)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recovery.models import ApiToken, Enrollment, Patient, StaffUser
from recovery.staff.tokens import find_token
from tests.support.dates import D0, D2, D3

ROOT = Path(__file__).resolve().parents[2]
ENROLL = [
    "enroll",
    "--name",
    "Ann Lee",
    "--phone",
    "415-555-2671",
    "--performed-at",
    f"{D0}T21:00:00-08:00",
    "--consent",
]


def count(runtime, model) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_init_db_is_safe_to_run_again(runner) -> None:
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "vertebroplasty v1" in result.output


def test_init_db_creates_a_fresh_sqlite_database_from_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/new/recovery.db"}
    env.pop("TWILIO_ACCOUNT_SID", None)
    command = [sys.executable, "-m", "flask", "--app", "recovery", "init-db"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "new" / "recovery.db").exists()


def test_enroll_prints_the_enrollment_and_check_ins_moved_to_nine_local(runner, runtime) -> None:
    result = runner.invoke(args=ENROLL)
    assert result.exit_code == 0, result.output
    assert "Enrollment 1" in result.output
    assert f"24h: due {D2}T09:00:00-08:00" in result.output
    assert f"48h: due {D3}T09:00:00-08:00" in result.output
    assert count(runtime, Enrollment) == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (["--phone", "12"], "--phone: not a valid phone number"),
        (["--performed-at", f"{D0}T21:00:00"], "--performed-at: must include a UTC offset"),
        (["--timezone", "Moon/Base"], "--timezone: not an IANA timezone"),
        (["--language", "de"], "--language: must be en or es"),
        (["--baseline-pain", "11"], "--baseline-pain: must be a whole number"),
        (["--protocol", "knee"], "--protocol: no protocol named 'knee'"),
    ],
)
def test_enroll_bad_argument_gets_one_line_and_non_zero_exit(runner, runtime, change, words):
    args = list(ENROLL)
    flag = change[0]
    if flag in args:
        args[args.index(flag) + 1] = change[1]
    else:
        args += change
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert words in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert count(runtime, Patient) == 0


def test_enroll_without_consent_is_refused(runner, runtime) -> None:
    result = runner.invoke(args=[a for a in ENROLL if a != "--consent"])
    assert result.exit_code != 0
    assert "--consent" in result.output
    assert count(runtime, Enrollment) == 0


def test_create_user_stores_a_hashed_password(runner, runtime) -> None:
    args = ["create-user", "Nurse@Example.org", "--role", "nurse", "--password", "pa55word!-long"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    with runtime.sessions() as session:
        user = session.scalars(select(StaffUser)).one()
    assert user.email == "nurse@example.org"
    assert "pa55word!-long" not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["not-an-email", "--role", "nurse", "--password", "long-enough-pw"], "not an email"),
        (["a@example.org", "--role", "nurse", "--password", "short"], "at least 12"),
        (["a@example.org", "--role", "doctor", "--password", "long-enough-pw"], "nurse"),
    ],
)
def test_create_user_refuses_bad_input(runner, runtime, args, words) -> None:
    result = runner.invoke(args=["create-user", *args])
    assert result.exit_code != 0
    assert words in result.output
    assert count(runtime, StaffUser) == 0


def test_create_user_refuses_a_taken_email(runner) -> None:
    args = ["create-user", "a@example.org", "--role", "admin", "--password", "long-enough-pw"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "already" in result.output


def test_create_user_prompts_for_the_password(runner, runtime) -> None:
    result = runner.invoke(
        args=["create-user", "b@example.org", "--role", "admin"],
        input="long-enough-pw\nlong-enough-pw\n",
    )
    assert result.exit_code == 0, result.output
    assert count(runtime, StaffUser) == 1


def test_api_token_is_printed_once_and_stored_hashed(runner, runtime) -> None:
    result = runner.invoke(args=["create-api-token", "EHR interface"])
    assert result.exit_code == 0
    token = result.output.strip()
    with runtime.sessions() as session:
        row = session.scalars(select(ApiToken)).one()
        assert token not in row.token_hash
        assert find_token(session, token) is not None


def test_created_token_opens_the_api(runner, client) -> None:
    token = runner.invoke(args=["create-api-token", "x"]).output.strip()
    assert (
        client.get("/api/v1/flags", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


CSV = f"""\
Phone,Name,performed_at,consent,language,baseline_pain,timezone
(562) 555-0123,Maria Lopez,{D0}T09:30:00-08:00,yes,es,8,
12345,Bad Phone,{D0}T09:30:00-08:00,yes,en,,
+14155552671,John Smith,{D0}T22:30:00-08:00,yes,,5,America/New_York

+14155552672,No Consent,{D0}T09:30:00-08:00,no,,,
+14155552673,Late Night,{D0}T09:30:00,yes,,,
"""


def test_import_enrolls_good_rows_and_reports_bad_ones_by_line(runner, runtime, tmp_path) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(CSV)
    result = runner.invoke(args=["import-enrollments", str(path)])
    assert result.exit_code == 1
    assert "line 3: phone: not a valid phone number" in result.output
    assert "line 6: consent: the patient must agree" in result.output
    assert "line 7: performed_at: must include a UTC offset" in result.output
    assert "Enrolled 2 of 5 rows; 3 failed" in result.output
    assert count(runtime, Enrollment) == 2


def test_import_of_good_rows_exits_zero(runner, runtime, tmp_path) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(
        f"name,phone,performed_at,consent\nAnn Lee,4155552671,{D0}T10:00:00-08:00,yes\n"
    )
    result = runner.invoke(args=["import-enrollments", str(path)])
    assert result.exit_code == 0, result.output
    assert "Enrolled 1 of 1 rows" in result.output


def test_import_without_a_required_column_says_which(runner, runtime, tmp_path) -> None:
    path = tmp_path / "patients.csv"
    path.write_text("name,phone\nAnn Lee,4155552671\n")
    result = runner.invoke(args=["import-enrollments", str(path)])
    assert result.exit_code != 0
    assert "performed_at, consent" in result.output
    assert count(runtime, Enrollment) == 0


def test_import_of_a_missing_file_fails_plainly(runner) -> None:
    result = runner.invoke(args=["import-enrollments", "/nonexistent.csv"])
    assert result.exit_code != 0
    assert "does not exist" in result.output


def test_import_reads_headings_in_any_case_spacing_and_order(runner, runtime, tmp_path) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(
        "Consent, Performed At ,MRN,NAME,Mobile,Phone\r\n"
        f'yes,{D0}T10:00:00-08:00,A1,"Lee, Ann",ignored,415-555-2671\r\n'
    )
    result = runner.invoke(args=["import-enrollments", str(path)])
    assert result.exit_code == 0, result.output
    with runtime.sessions() as session:
        patient = session.scalars(select(Patient)).one()
    assert (patient.name, patient.phone, patient.mrn) == ("Lee, Ann", "+14155552671", "A1")


def test_import_shows_its_progress(runner, runtime, tmp_path) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(CSV)
    result = runner.invoke(args=["import-enrollments", str(path)])
    assert "Importing 5 rows" in result.output
    assert "5/5 rows done" in result.output


def test_a_quoted_line_break_stays_inside_its_row(runner, runtime, tmp_path) -> None:
    path = tmp_path / "patients.csv"
    path.write_text(
        "name,phone,performed_at,consent,levels\n"
        f'Ann Lee,4155552671,{D0}T10:00:00-08:00,yes,"T12,\nL1"\n'
        f"Bob Roe,4155552672,{D0}T10:00:00-08:00,maybe,\n"
    )
    result = runner.invoke(args=["import-enrollments", str(path)])
    assert result.exit_code == 1
    assert "line 4: consent: must be yes or no" in result.output
    assert "Enrolled 1 of 2 rows; 1 failed" in result.output


def test_create_user_without_a_password_to_read_stores_nothing(runner, runtime) -> None:
    result = runner.invoke(args=["create-user", "c@example.org", "--role", "nurse"], input="")
    assert result.exit_code != 0
    assert count(runtime, StaffUser) == 0


def test_enroll_prints_the_stored_enrollment_id(runner, runtime) -> None:
    result = runner.invoke(args=ENROLL)
    with runtime.sessions() as session:
        enrollment = session.scalars(select(Enrollment)).one()
        enrollment_id, check_ins = enrollment.id, len(enrollment.check_ins)
    assert result.output.splitlines()[0].startswith(f"Enrollment {enrollment_id} ")
    assert len(result.output.splitlines()) == 1 + check_ins


def test_create_user_refuses_an_eleven_character_password_clearly(runner, runtime) -> None:
    args = ["create-user", "d@example.org", "--role", "nurse", "--password", "elevenchars"]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert "the password must be at least 12 characters" in result.output
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StaffUser)) == 0
