"""Implausible procedure times and late enrollment (SPEC 4, "Procedure time"), through the
service with ``now`` as a parameter, the API, the CLI and the CSV import."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from recovery.models import CheckIn, Enrollment, Flag, Message, Patient
from recovery.patients.enrollment import enroll
from recovery.patients.validation import EnrollmentRequest, InvalidRequest
from recovery.runtime import utc_now
from recovery.sending.due_work import do_due_work
from recovery.states import MessageKind

# 10:00 in Los Angeles, inside the delivery window: check-ins fall due at 10:00 local.
PERFORMED = datetime.fromisoformat("2026-11-23T10:00:00-08:00")


def request(performed_at: datetime, **changes: object) -> EnrollmentRequest:
    fields: dict[str, object] = {
        "name": "Ann Lee",
        "phone": "+14155550123",
        "performed_at": performed_at.isoformat(),
        "sms_consent": True,
        "timezone": "America/Los_Angeles",
        **changes,
    }
    return EnrollmentRequest(**fields)


def enroll_at(runtime, performed_at: datetime, now: datetime, **changes: object) -> int:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        result = enroll(
            session,
            request(performed_at, **changes),
            clinic=runtime.clinic,
            actor="tests",
            source="tests",
            now=now,
        )
        return result.enrollment.id


def count(runtime, model) -> int:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def check_ins(runtime) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        rows = session.scalars(select(CheckIn).order_by(CheckIn.due_at))
        return [(c.label, c.status.value, c.reason) for c in rows]


def welcome(runtime) -> Message:  # type: ignore[no-untyped-def]
    with runtime.sessions() as session:
        return session.scalars(select(Message).where(Message.kind == MessageKind.WELCOME)).one()


def test_a_step_past_its_lateness_is_missed_as_enrolled_late_without_a_flag(runtime) -> None:
    now = PERFORMED + timedelta(hours=37)  # 24 h step 13 h late, 48 h step still ahead
    enroll_at(runtime, PERFORMED, now)
    assert check_ins(runtime) == [
        ("24h", "missed", "enrolled_late"),
        ("48h", "scheduled", None),
    ]
    assert count(runtime, Flag) == 0
    do_due_work(runtime, now=now)
    assert count(runtime, Flag) == 0
    assert (
        welcome(runtime).body.startswith(
            "Hi Ann, this is Valley Spine Clinic. We will text you 1 time over the next day "
        )
        or "We will text you 1 time over the next day" in welcome(runtime).body
    )


def test_a_step_still_within_its_lateness_is_sent_as_usual(runtime) -> None:
    now = PERFORMED + timedelta(hours=30)  # 24 h step 6 h late: still worth asking
    enroll_at(runtime, PERFORMED, now)
    assert check_ins(runtime) == [("24h", "scheduled", None), ("48h", "scheduled", None)]
    do_due_work(runtime, now=now)
    with runtime.sessions() as session:
        kinds = session.scalars(select(Message.kind).order_by(Message.id)).all()
    assert MessageKind.CHECK_IN in kinds
    # The 24 h step goes now, the 48 h one 18 h later: both within a day.
    assert "We will text you 2 times over the next day" in welcome(runtime).body


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "We will text you 1 time over the next day to ask how you are"),
        ("es", "Le enviaremos 1 mensaje en las próximas 24 horas para saber cómo está"),
    ],
)
def test_the_welcome_counts_only_the_texts_still_to_come(runtime, language, words) -> None:
    enroll_at(runtime, PERFORMED, PERFORMED + timedelta(hours=37), language=language)
    assert words in welcome(runtime).body


def test_a_procedure_ahead_gets_its_welcome_at_the_procedure_time_in_the_window(
    runtime,
) -> None:
    performed = datetime.fromisoformat("2026-11-26T07:00:00-08:00")  # before the window opens
    enroll_at(runtime, performed, now=PERFORMED)
    sent_at = welcome(runtime).next_attempt_at.astimezone(UTC)  # type: ignore[union-attr]
    assert sent_at == datetime.fromisoformat("2026-11-26T09:00:00-08:00")
    assert "We will text you 2 times over the next 2 days" in welcome(runtime).body


def test_a_procedure_already_done_gets_its_welcome_at_once(runtime) -> None:
    now = PERFORMED + timedelta(hours=2)
    enroll_at(runtime, PERFORMED, now)
    assert welcome(runtime).next_attempt_at.astimezone(UTC) == now  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("performed_at", "words"),
    [
        (PERFORMED + timedelta(days=30, minutes=1), "is more than 30 days ahead: check the date"),
        (
            PERFORMED - timedelta(hours=72),
            "too late to follow up: every check-in of the protocol would be more than 12 h late",
        ),
    ],
)
def test_an_implausible_procedure_time_is_refused_and_nothing_is_stored(
    runtime, performed_at, words
) -> None:
    with pytest.raises(InvalidRequest) as refused:
        enroll_at(runtime, performed_at, now=PERFORMED)
    assert refused.value.fields == {"procedure.performed_at": words}
    assert count(runtime, Patient) == count(runtime, Enrollment) == count(runtime, Message) == 0


def test_a_repeated_request_days_later_answers_with_its_enrollment(runtime) -> None:
    first = enroll_at(runtime, PERFORMED, now=PERFORMED + timedelta(hours=1))
    assert enroll_at(runtime, PERFORMED, now=PERFORMED + timedelta(days=5)) == first
    assert count(runtime, Enrollment) == 1


def test_a_procedure_thirty_days_ahead_is_still_taken(runtime) -> None:
    enroll_at(runtime, PERFORMED + timedelta(days=30), now=PERFORMED)
    assert count(runtime, Enrollment) == 1


# Through the entry points, which read the wall clock.


def test_the_api_refuses_a_procedure_too_long_ago(client, auth, runtime) -> None:
    long_ago = (utc_now() - timedelta(days=4)).isoformat()
    body = {
        "patient": {"name": "Ann Lee", "phone": "+14155550123", "sms_consent": True},
        "procedure": {"performed_at": long_ago},
    }
    response = client.post("/api/v1/enrollments", json=body, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["fields"] == {
        "procedure.performed_at": "too late to follow up: every check-in of the protocol "
        "would be more than 12 h late"
    }
    assert count(runtime, Patient) == 0


def test_the_api_refuses_a_procedure_months_ahead(client, auth, runtime) -> None:
    ahead = (utc_now() + timedelta(days=45)).isoformat()
    body = {
        "patient": {"name": "Ann Lee", "phone": "+14155550123", "sms_consent": True},
        "procedure": {"performed_at": ahead},
    }
    response = client.post("/api/v1/enrollments", json=body, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["fields"] == {
        "procedure.performed_at": "is more than 30 days ahead: check the date"
    }


def test_the_api_marks_a_late_step_missed_without_a_flag(client, auth, runtime) -> None:
    # The 24 h step 31 h ago (at most 13 h later in the window), the 48 h one 7 h ago.
    performed = (utc_now() - timedelta(hours=55)).isoformat()
    body = {
        "patient": {"name": "Ann Lee", "phone": "+14155550123", "sms_consent": True},
        "procedure": {"performed_at": performed},
    }
    response = client.post("/api/v1/enrollments", json=body, headers=auth)
    assert response.status_code == 201, response.get_json()
    statuses = [(c["label"], c["status"]) for c in response.get_json()["check_ins"]]
    assert statuses[0] == ("24h", "missed")
    assert response.get_json()["flags"] == []


@pytest.mark.parametrize("zone", ["EST", "PST", "US/Eastern", "GMT+5", "Etc/GMT+5"])
def test_the_api_refuses_legacy_zone_names(client, auth, runtime, zone) -> None:
    body = {
        "patient": {
            "name": "Ann Lee",
            "phone": "+14155550123",
            "sms_consent": True,
            "timezone": zone,
        },
        "procedure": {"performed_at": utc_now().isoformat()},
    }
    response = client.post("/api/v1/enrollments", json=body, headers=auth)
    assert response.status_code == 400
    assert (
        "use an Area/Location name such as America/"
        in (response.get_json()["fields"]["patient.timezone"])
    )


def test_the_cli_refuses_a_procedure_too_long_ago(runner, runtime) -> None:
    long_ago = (utc_now() - timedelta(days=4)).isoformat()
    args = ["enroll", "--name", "Ann Lee", "--phone", "4155550123", "--consent"]
    result = runner.invoke(args=[*args, "--performed-at", long_ago])
    assert result.exit_code != 0
    assert "--performed-at: too late to follow up" in result.output
    assert count(runtime, Enrollment) == 0


def test_the_cli_refuses_a_legacy_zone_name_with_a_suggestion(runner, runtime) -> None:
    args = ["enroll", "--name", "Ann Lee", "--phone", "4155550123", "--consent"]
    now = utc_now().isoformat()
    result = runner.invoke(args=[*args, "--performed-at", now, "--timezone", "EST"])
    assert result.exit_code != 0
    assert "use an Area/Location name such as America/New_York" in result.output


def test_the_csv_import_reports_implausible_times_by_line(runner, runtime, tmp_path) -> None:
    path = tmp_path / "patients.csv"
    recent = (utc_now() - timedelta(hours=2)).isoformat()
    ahead = (utc_now() + timedelta(days=40)).isoformat()
    long_ago = (utc_now() - timedelta(days=5)).isoformat()
    path.write_text(
        "name,phone,performed_at,consent,timezone\n"
        f"Ann Lee,4155550001,{recent},yes,\n"
        f"Bo Diaz,4155550002,{ahead},yes,\n"
        f"Cy Ito,4155550003,{long_ago},yes,\n"
        f"Di Hoy,4155550004,{recent},yes,PST\n"
    )
    result = runner.invoke(args=["import-enrollments", str(path)])
    assert result.exit_code == 1
    assert "line 3: performed_at: is more than 30 days ahead" in result.output
    assert "line 4: performed_at: too late to follow up" in result.output
    assert "line 5: timezone: 'PST' is a legacy zone name" in result.output
    assert count(runtime, Enrollment) == 1
