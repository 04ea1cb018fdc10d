"""Pausing, resuming and withdrawing an enrollment's follow-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from recovery.follow_up import FollowUpError, pause, resume, withdraw
from recovery.models import AuditEvent, CheckIn, Enrollment, Message
from recovery.runtime import Runtime, utc_now
from recovery.states import CheckInStatus, EnrollmentStatus, MessageStatus
from tests.staff_fixtures import answer, enroll_patient

ACTOR = "user:1:nurse@example.org"


def _change(runtime: Runtime, enrollment_id: int, service) -> None:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        service(session, session.get(Enrollment, enrollment_id), actor=ACTOR, now=utc_now())


def _actions(runtime: Runtime) -> list[str]:
    with runtime.sessions() as session:
        query = select(AuditEvent.action).where(AuditEvent.actor == ACTOR).order_by(AuditEvent.id)
        return list(session.scalars(query))


def test_pause_then_resume_sets_and_clears_paused_at(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime)
    _change(runtime, enrollment_id, pause)
    with runtime.sessions() as session:
        assert session.get(Enrollment, enrollment_id).paused_at is not None
    _change(runtime, enrollment_id, resume)
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.paused_at is None
        assert [c.status for c in enrollment.check_ins] == [CheckInStatus.SCHEDULED] * 2
    assert _actions(runtime) == ["enrollment.pause", "enrollment.resume"]


def test_pausing_twice_or_resuming_what_runs_is_refused(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime)
    with pytest.raises(FollowUpError, match="not paused"):
        _change(runtime, enrollment_id, resume)
    _change(runtime, enrollment_id, pause)
    with pytest.raises(FollowUpError, match="already paused"):
        _change(runtime, enrollment_id, pause)


def test_withdraw_cancels_what_was_not_sent_and_keeps_what_was(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime, performed_at=utc_now() - timedelta(hours=30))
    answer(runtime, enrollment_id, "24h", 6, 2)
    _change(runtime, enrollment_id, pause)
    _change(runtime, enrollment_id, withdraw)
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.status == EnrollmentStatus.WITHDRAWN
        assert enrollment.ended_at is not None and enrollment.paused_at is None
        statuses = {c.label: (c.status, c.reason) for c in enrollment.check_ins}
        welcome = session.scalars(select(Message)).one()
    assert statuses == {
        "24h": (CheckInStatus.ANSWERED, None),
        "48h": (CheckInStatus.CANCELLED, "withdrawn"),
    }
    assert welcome.status == MessageStatus.CANCELLED
    assert _actions(runtime)[-1] == "enrollment.withdraw"


def test_a_withdrawn_enrollment_cannot_be_paused_or_withdrawn_again(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime)
    _change(runtime, enrollment_id, withdraw)
    for service in (pause, resume, withdraw):
        with pytest.raises(FollowUpError, match="withdrawn"):
            _change(runtime, enrollment_id, service)
    with runtime.sessions() as session:
        cancelled = session.scalars(select(CheckIn.reason)).all()
    assert cancelled == ["withdrawn", "withdrawn"]
