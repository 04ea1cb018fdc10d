"""Building test data through the service's own functions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from recovery.patients.enrollment import enroll
from recovery.patients.validation import EnrollmentRequest
from recovery.runtime import Runtime

# Tomorrow at 18:00 UTC (10:00 or 11:00 in Los Angeles: inside the delivery window).
# Webhooks read the wall clock, so the schedule under test lies just ahead of it.
MORNING = datetime.combine(datetime.now(UTC).date() + timedelta(days=1), time(18), UTC)


def phone_number(index: int) -> str:
    """A distinct valid US mobile number for each index."""
    return f"+1415555{index:04d}"


def enroll_patient(
    runtime: Runtime,
    phone: str,
    *,
    performed_at: datetime = MORNING - timedelta(hours=24),
    name: str = "Ann Lee",
    language: str = "en",
    timezone: str = "America/Los_Angeles",
    baseline_pain: int | None = None,
    mrn: str | None = None,
    now: datetime | None = None,
) -> int:
    """Enroll one patient and return the enrollment id."""
    request = EnrollmentRequest(
        name=name,
        phone=phone,
        performed_at=performed_at.isoformat(),
        sms_consent=True,
        language=language,
        timezone=timezone,
        baseline_pain=baseline_pain,
        mrn=mrn,
    )
    with runtime.transaction() as session:
        result = enroll(
            session,
            request,
            clinic=runtime.clinic,
            actor="tests",
            source="tests",
            now=now or performed_at,
        )
        return result.enrollment.id
