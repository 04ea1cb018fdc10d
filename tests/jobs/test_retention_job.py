"""The clock's retention job: scheduled daily only when RETENTION_DAYS is set, and it
purges the patients kept past it, as of now."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from jobs.clock import RETENTION_JOB, run_retention, schedule_jobs
from recovery.models import AuditEvent, Enrollment, Patient
from recovery.patients.follow_up import withdraw
from recovery.runtime import utc_now
from tests.conftest import with_settings
from tests.support.factories import enroll_patient


def retention_job(runtime):  # type: ignore[no-untyped-def]
    scheduler = schedule_jobs(BackgroundScheduler(), runtime)
    scheduler.start(paused=True)
    try:
        return scheduler.get_job(RETENTION_JOB)
    finally:
        scheduler.shutdown(wait=False)


def test_no_retention_job_without_retention_days(runtime) -> None:
    assert runtime.settings.retention_days is None
    assert retention_job(runtime) is None


def test_with_retention_days_the_job_runs_daily_and_purges_as_of_now(runtime) -> None:
    long_ago = utc_now() - timedelta(days=40)
    old = enroll_patient(runtime, "+14155550123", name="Ann Lee", performed_at=long_ago)
    recent = enroll_patient(runtime, "+14155550124", name="Bob Ray")
    with runtime.transaction() as session:
        withdraw(session, session.get(Enrollment, old), actor="nurse", now=long_ago)
        withdraw(session, session.get(Enrollment, recent), actor="nurse", now=utc_now())
    runtime.settings = with_settings(runtime.settings, retention_days=30)

    job = retention_job(runtime)
    run_retention(runtime)

    assert job.trigger.interval == timedelta(days=1)
    with runtime.sessions() as session:
        assert session.scalars(select(Patient.name)).all() == ["Bob Ray"]
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor, event.detail["patients"]) == ("retention.purge", "system", 1)
