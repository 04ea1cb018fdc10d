"""Pausing, resuming, withdrawing and reinstating an enrollment's follow-up."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from recovery.models import AuditEvent, CheckIn, Enrollment, Message, Patient
from recovery.patients.consent import opt_out
from recovery.patients.follow_up import FollowUpError, pause, reinstate, resume, withdraw
from recovery.runtime import Runtime, utc_now
from recovery.states import CheckInStatus, EnrollmentStatus, MessageStatus
from tests.support.staff_fixtures import answer, enroll_patient, enrollment_of

ACTOR = "user:1:nurse@example.org"


def _change(runtime: Runtime, enrollment_id: int, service, now: datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        service(session, enrollment, actor=ACTOR, now=now or utc_now())


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


def _check_ins(runtime: Runtime, enrollment_id: int) -> dict[str, tuple[CheckInStatus, str | None]]:
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        return {c.label: (c.status, c.reason) for c in enrollment.check_ins}


def _last_detail(runtime: Runtime) -> dict:  # type: ignore[type-arg]
    with runtime.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.actor == ACTOR).order_by(AuditEvent.id.desc())
        return dict(session.scalars(query).first().detail)


def test_reinstating_schedules_again_what_the_withdrawal_cancelled(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime, performed_at=utc_now() - timedelta(hours=30))
    answer(runtime, enrollment_id, "24h", 6, 2)
    _change(runtime, enrollment_id, withdraw)
    _change(runtime, enrollment_id, reinstate)
    with runtime.sessions() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment.status == EnrollmentStatus.ACTIVE
        assert enrollment.ended_at is None and enrollment.paused_at is None
        later = next(c for c in enrollment.check_ins if c.label == "48h")
        assert (later.queued_at, later.ended_at) == (None, None)
        welcome = session.scalars(select(Message)).one()
    assert _check_ins(runtime, enrollment_id) == {
        "24h": (CheckInStatus.ANSWERED, None),
        "48h": (CheckInStatus.SCHEDULED, None),
    }
    assert welcome.status == MessageStatus.CANCELLED  # texts the withdrawal cancelled stay so
    assert _actions(runtime) == ["enrollment.withdraw", "enrollment.reinstate"]
    assert _last_detail(runtime)["restored_check_ins"] == [later.id]


def _lateness_ends(runtime: Runtime, enrollment_id: int) -> dict[str, datetime]:
    """When each check-in becomes too late to send (its due time plus 12 h of lateness)."""
    enrollment = enrollment_of(runtime, enrollment_id)
    return {c.label: c.due_at + timedelta(hours=12) for c in enrollment.check_ins}


def test_a_check_in_too_late_to_send_stays_cancelled_when_reinstated(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime, performed_at=utc_now() - timedelta(hours=30))
    too_late_at = _lateness_ends(runtime, enrollment_id)["24h"]
    _change(runtime, enrollment_id, withdraw)
    _change(runtime, enrollment_id, reinstate, too_late_at)
    assert _check_ins(runtime, enrollment_id) == {
        "24h": (CheckInStatus.CANCELLED, "withdrawn"),
        "48h": (CheckInStatus.SCHEDULED, None),
    }
    with runtime.sessions() as session:
        too_late = session.scalars(select(CheckIn.id).where(CheckIn.label == "24h")).one()
    assert _last_detail(runtime)["too_late_check_ins"] == [too_late]


def test_a_check_in_due_but_still_on_time_is_scheduled_again(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime, performed_at=utc_now() - timedelta(hours=30))
    too_late_at = _lateness_ends(runtime, enrollment_id)["24h"]
    _change(runtime, enrollment_id, withdraw)
    _change(runtime, enrollment_id, reinstate, too_late_at - timedelta(minutes=1))
    assert _check_ins(runtime, enrollment_id)["24h"] == (CheckInStatus.SCHEDULED, None)


def test_reinstating_when_every_check_in_is_too_late_is_refused(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime, performed_at=utc_now() - timedelta(hours=30))
    too_late_at = _lateness_ends(runtime, enrollment_id)["48h"]
    _change(runtime, enrollment_id, withdraw)
    with pytest.raises(FollowUpError, match="the withdrawal cancelled is now too late to send"):
        _change(runtime, enrollment_id, reinstate, too_late_at)
    with runtime.sessions() as session:
        assert session.get(Enrollment, enrollment_id).status == EnrollmentStatus.WITHDRAWN


def test_a_check_in_still_awaiting_its_answer_is_enough_to_reinstate(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime, performed_at=utc_now() - timedelta(hours=30))
    too_late_at = _lateness_ends(runtime, enrollment_id)["48h"]
    with runtime.transaction() as session:
        sent = session.scalars(select(CheckIn).where(CheckIn.label == "24h")).one()
        sent.status, sent.sent_at = CheckInStatus.SENT, utc_now()
    _change(runtime, enrollment_id, withdraw)
    _change(runtime, enrollment_id, reinstate, too_late_at)
    assert _check_ins(runtime, enrollment_id) == {
        "24h": (CheckInStatus.SENT, None),
        "48h": (CheckInStatus.CANCELLED, "withdrawn"),
    }


def test_reinstating_for_a_patient_who_opted_out_is_refused(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime)
    _change(runtime, enrollment_id, withdraw)
    with runtime.transaction() as session:
        opt_out(session, session.scalars(select(Patient)).one(), how="STOP", now=utc_now())
    with pytest.raises(FollowUpError, match="opted out of texts, so the check-ins stay cancelled"):
        _change(runtime, enrollment_id, reinstate)
    with runtime.sessions() as session:
        assert session.get(Enrollment, enrollment_id).status == EnrollmentStatus.WITHDRAWN
    assert set(_check_ins(runtime, enrollment_id).values()) == {
        (CheckInStatus.CANCELLED, "withdrawn")
    }


def test_only_a_withdrawn_enrollment_can_be_reinstated(runtime) -> None:
    _, enrollment_id = enroll_patient(runtime)
    with pytest.raises(FollowUpError, match="is active: only a withdrawn one can be reinstated"):
        _change(runtime, enrollment_id, reinstate)
    _change(runtime, enrollment_id, withdraw)
    _change(runtime, enrollment_id, reinstate)
    with pytest.raises(FollowUpError, match="only a withdrawn one"):
        _change(runtime, enrollment_id, reinstate)
    assert _actions(runtime) == ["enrollment.withdraw", "enrollment.reinstate"]


def test_reinstating_a_procedure_enrolled_again_since_is_refused(runtime) -> None:
    performed_at = utc_now() - timedelta(hours=20)
    _, enrollment_id = enroll_patient(runtime, performed_at=performed_at)
    _change(runtime, enrollment_id, withdraw)
    _, again_id = enroll_patient(runtime, performed_at=performed_at)
    assert again_id != enrollment_id
    with pytest.raises(FollowUpError, match="already enrolled again for this procedure"):
        _change(runtime, enrollment_id, reinstate)
