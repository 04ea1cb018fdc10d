"""APScheduler as the clock: it wakes the due-work pass; the database holds the work.

Four jobs exist, all in memory with fixed ids: the pass every few seconds, a one-off
wake-up at the next due time, the inbound catch-up (at start, then every 3 minutes), and
the folding of the tallies that ``/metrics`` reads (every 15 seconds); with
``RETENTION_DAYS`` set, a fifth purges expired patients (at start, then daily).
Nothing is pickled, so a restart or a code change loses nothing: the check-in and message
rows are the truth.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import func, select

from jobs.catch_up import catch_up_inbound
from recovery.db import VACUUM_AFTER, fold_tallies, vacuum_tallies
from recovery.logs import describe_failure
from recovery.models import CheckIn, Message
from recovery.patients.retention import purge_expired
from recovery.runtime import Runtime, utc_now
from recovery.sending.due_work import run_due_work
from recovery.states import CheckInStatus, MessageStatus

PASS_JOB = "due-work"
WAKE_JOB = "wake-up"
CATCH_UP_JOB = "inbound-catch-up"
CATCH_UP_INTERVAL = timedelta(minutes=3)
RETENTION_JOB = "retention"
RETENTION_INTERVAL = timedelta(days=1)
TALLIES_JOB = "tallies"
TALLIES_INTERVAL = timedelta(seconds=15)
INTERVAL = timedelta(seconds=5)
_logger = logging.getLogger(__name__)


def schedule_jobs(scheduler: BaseScheduler, runtime: Runtime) -> BaseScheduler:
    """Add the due-work pass to a scheduler (every few seconds, starting now)."""
    scheduler.configure(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    # Each job runs at start (the catch-up: whatever came while the service was down),
    # then at its interval.
    jobs = [
        (PASS_JOB, run_pass, INTERVAL, [runtime, scheduler]),
        (CATCH_UP_JOB, run_catch_up, CATCH_UP_INTERVAL, [runtime]),
        (TALLIES_JOB, run_folding, TALLIES_INTERVAL, [runtime]),
    ]
    if runtime.settings.retention_days is not None:
        jobs.append((RETENTION_JOB, run_retention, RETENTION_INTERVAL, [runtime]))
    for job_id, job, interval, args in jobs:
        scheduler.add_job(
            job,
            "interval",
            seconds=interval.total_seconds(),
            id=job_id,
            args=args,
            next_run_time=utc_now(),
            replace_existing=True,
        )
    return scheduler


def run_retention(runtime: Runtime) -> None:
    """Purge the patients kept past RETENTION_DAYS, as of now; log how many went."""
    days = runtime.settings.retention_days
    if days is None:
        return
    try:
        with runtime.transaction() as session:
            purge = purge_expired(session, days=days, now=utc_now(), actor="system")
    except Exception as failure:
        _logger.error(
            "the retention purge failed; trying again tomorrow: %s", describe_failure(failure)
        )
        return
    if purge.patient_ids:
        _logger.info("retention: %d patients purged", len(purge.patient_ids))


def run_folding(runtime: Runtime) -> None:
    """Fold the rows of the texts' and flags' tallies into one per label (and vacuum them
    after a big fold)."""
    try:
        with runtime.transaction() as session:
            folded = fold_tallies(session)
        if folded >= VACUUM_AFTER:
            vacuum_tallies(runtime.engine)
    except Exception as failure:
        _logger.error(
            "folding the tallies failed; trying again later: %s", describe_failure(failure)
        )


def run_catch_up(runtime: Runtime) -> None:
    """Fetch the texts Twilio received that the webhook did not take; log what was found."""
    try:
        counts = catch_up_inbound(runtime, now=utc_now())
    except Exception as failure:
        _logger.error(
            "fetching missed texts failed; trying again later: %s", describe_failure(failure)
        )
        return
    if counts["handled"]:
        _logger.info("inbound catch-up: %d texts handled after an outage", counts["handled"])


def run_pass(runtime: Runtime, scheduler: BaseScheduler | None = None) -> None:
    """One due-work pass as of now; log what it did; wake up again at the next due time."""
    now = utc_now()
    try:
        counts = run_due_work(runtime, now=now)
    except Exception as failure:
        _logger.error(
            "the due-work pass failed; the next one will try again: %s", describe_failure(failure)
        )
        return
    done = {name: number for name, number in sorted(counts.items()) if number}
    if done:
        _logger.info("due work: %s", ", ".join(f"{k}={v}" for k, v in done.items()))
    if scheduler is not None:
        _wake_at_next_due(runtime, scheduler, now)


def next_due_at(runtime: Runtime, now: datetime) -> datetime | None:
    """The next instant a check-in falls due or a queued text may be sent."""
    with runtime.sessions() as session:
        check_in = session.scalar(
            select(func.min(CheckIn.due_at)).where(
                CheckIn.status == CheckInStatus.SCHEDULED,
                CheckIn.queued_at.is_(None),
                CheckIn.due_at > now,
            )
        )
        text = session.scalar(
            select(func.min(Message.next_attempt_at)).where(
                Message.status == MessageStatus.PENDING, Message.next_attempt_at > now
            )
        )
    return min((t for t in (check_in, text) if t is not None), default=None)


def _wake_at_next_due(runtime: Runtime, scheduler: BaseScheduler, now: datetime) -> None:
    when = next_due_at(runtime, now)
    if when is None or when - now >= INTERVAL:
        return
    scheduler.add_job(
        run_pass, "date", run_date=when, id=WAKE_JOB, args=[runtime], replace_existing=True
    )
