"""Retention (SPEC 6.6): purge-expired deletes the patients whose every follow-up ended more
than RETENTION_DAYS ago, with everything held about them, and leaves one audit event with
the counts; a dry run changes nothing; unset, everything is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from recovery import create_app, runtime_of
from recovery.models import AuditEvent, Enrollment, Patient
from recovery.patients.follow_up import withdraw
from recovery.protocols.definitions import load_defaults
from recovery.sending.due_work import run_due_work
from tests.conftest import with_settings
from tests.support.database_scan import all_rows, places_holding
from tests.support.factories import MORNING, enroll_patient
from tests.support.sms_client import post_sms

PHONE = "+14155550123"
ENDED = MORNING + timedelta(hours=2)


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    """The usual test settings, keeping patients 30 days after their follow-up ended."""
    return with_settings(settings, retention_days=30)


def ended_and_active(runtime, client, settings) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Ann's follow-up (with her answers) withdrawn at ENDED; Bob's, on another phone, active."""
    ann = enroll_patient(runtime, PHONE, name="Ann Lee", mrn="A12345")
    bob = enroll_patient(runtime, "+14155550777", name="Bob Ray")
    run_due_work(runtime, now=MORNING)
    for text in ("7", "2", "my back hurts when I sit"):
        assert post_sms(client, settings, text, PHONE).status_code == 200
    with runtime.transaction() as session:
        withdraw(session, session.get(Enrollment, ann), actor="nurse", now=ENDED)
    return ann, bob


def purge(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["purge-expired", *args])


def test_nothing_is_purged_before_the_retention_period_is_over(
    runner, runtime, client, settings
) -> None:
    ended_and_active(runtime, client, settings)
    before = all_rows(runtime)

    result = purge(runner, "--at", (ENDED + timedelta(days=29)).isoformat())

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Deleted 0 patients, 0 enrollments")
    after = all_rows(runtime)
    assert {t: r for t, r in after.items() if t != "audit_events"} == {
        t: r for t, r in before.items() if t != "audit_events"
    }


def test_a_dry_run_says_what_would_go_and_changes_nothing(
    runner, runtime, client, settings
) -> None:
    ended_and_active(runtime, client, settings)
    before = all_rows(runtime)

    result = purge(runner, "--dry-run", "--at", (ENDED + timedelta(days=31)).isoformat())

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Would delete 1 patients, 1 enrollments, 2 check-ins")
    assert all_rows(runtime) == before


def test_an_expired_patient_goes_with_everything_held_and_one_audit_event_counts_it(
    runner, runtime, client, settings
) -> None:
    ann, bob = ended_and_active(runtime, client, settings)
    with runtime.sessions() as session:
        ann_id = session.get(Enrollment, ann).patient_id
        events_before = len(session.scalars(select(AuditEvent)).all())

    result = purge(runner, "--at", (ENDED + timedelta(days=31)).isoformat())

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Deleted 1 patients, 1 enrollments, 2 check-ins")
    for needle in ("Ann Lee", PHONE, "A12345", "my back hurts when I sit"):
        assert places_holding(runtime, needle) == [], needle
    with runtime.sessions() as session:
        assert session.scalars(select(Enrollment.id)).all() == [bob]
        assert session.scalars(select(Patient.name)).all() == ["Bob Ray"]
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert len(events) == events_before + 1
    purged = events[-1]
    assert purged.action == "retention.purge"
    assert purged.detail["patients"] == 1
    assert purged.detail["enrollments"] == 1
    assert purged.detail["messages"] >= 5
    assert purged.detail["patient_ids"] == [ann_id]
    assert purged.detail["retention_days"] == 30


def test_a_bad_at_gets_one_line(runner, runtime) -> None:
    result = purge(runner, "--at", "yesterday")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: --at: not an ISO 8601 date and time"


def test_with_retention_days_unset_purge_says_so_and_keeps_everything(settings) -> None:
    app = create_app(with_settings(settings, retention_days=None))
    runtime = runtime_of(app)
    try:
        with runtime.transaction() as session:
            load_defaults(session, now=MORNING)
        ann = enroll_patient(runtime, PHONE, name="Ann Lee")
        with runtime.transaction() as session:
            withdraw(session, session.get(Enrollment, ann), actor="nurse", now=ENDED)
        before = all_rows(runtime)
        result = app.test_cli_runner().invoke(
            args=["purge-expired", "--at", (ENDED + timedelta(days=3650)).isoformat()]
        )
        assert result.exit_code == 0, result.output
        assert "RETENTION_DAYS is not set" in result.output
        assert all_rows(runtime) == before
    finally:
        runtime.engine.dispose()
