"""Re-planning active enrollments when an administrator saves a new protocol version."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from sqlalchemy import select

from recovery.models import AuditEvent, CheckIn, Enrollment, Patient, Protocol
from recovery.patients.enrollment import enroll
from recovery.patients.follow_up import withdraw
from recovery.patients.validation import EnrollmentRequest
from recovery.protocols.definitions import latest_version, save_version
from recovery.protocols.replanning import PROTOCOL_CHANGED, replan
from recovery.runtime import Runtime
from recovery.states import CheckInStatus, EnrollmentStatus

PERFORMED = datetime.fromisoformat("2026-11-23T10:00:00-08:00")
ENROLLED = PERFORMED + timedelta(hours=2)


def _enroll(runtime: Runtime, phone: str = "+15625550123") -> int:
    request = EnrollmentRequest(
        name="Maria Lopez", phone=phone, performed_at=PERFORMED.isoformat(), sms_consent=True
    )
    with runtime.transaction() as session:
        result = enroll(
            session, request, clinic=runtime.clinic, actor="tests", source="tests", now=ENROLLED
        )
        return result.enrollment.id


def _new_version(runtime: Runtime, steps: list[tuple[str, float]]) -> int:
    with runtime.transaction() as session:
        current = latest_version(session, "vertebroplasty")
        assert current is not None
        definition = copy.deepcopy(current.definition)
        definition["steps"] = [{"label": label, "offset_hours": hours} for label, hours in steps]
        return save_version(session, definition, actor="admin", now=ENROLLED).id


def _replan(runtime: Runtime, version_id: int, now: datetime) -> int:
    with runtime.transaction() as session:
        version = session.get(Protocol, version_id)
        assert version is not None
        return replan(session, version, actor="user:1:admin@example.org", now=now)


def _check_ins(runtime: Runtime, enrollment_id: int) -> list[tuple[str, str, datetime, str | None]]:
    with runtime.sessions() as session:
        rows = session.scalars(
            select(CheckIn).where(CheckIn.enrollment_id == enrollment_id).order_by(CheckIn.id)
        )
        return [(c.label, c.status.value, c.due_at, c.reason) for c in rows]


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_unsent_check_ins_are_cancelled_and_planned_again_from_the_new_steps(runtime) -> None:
    enrollment_id = _enroll(runtime)
    version_id = _new_version(runtime, [("24h", 30), ("48h", 48)])
    assert _replan(runtime, version_id, ENROLLED) == 1
    assert _check_ins(runtime, enrollment_id) == [
        ("24h", "cancelled", _local("2026-11-24T10:00:00-08:00"), PROTOCOL_CHANGED),
        ("48h", "cancelled", _local("2026-11-25T10:00:00-08:00"), PROTOCOL_CHANGED),
        ("24h", "scheduled", _local("2026-11-24T16:00:00-08:00"), None),
        ("48h", "scheduled", _local("2026-11-25T10:00:00-08:00"), None),
    ]
    with runtime.sessions() as session:
        assert session.get(Enrollment, enrollment_id).protocol_id == version_id


def test_a_sent_check_in_keeps_its_history_and_is_not_asked_again(runtime) -> None:
    enrollment_id = _enroll(runtime)
    with runtime.transaction() as session:
        first = session.scalars(select(CheckIn).where(CheckIn.label == "24h")).one()
        first.status, first.sent_at, first.queued_at = CheckInStatus.SENT, ENROLLED, ENROLLED
    version_id = _new_version(runtime, [("24h", 20), ("48h", 72)])
    _replan(runtime, version_id, ENROLLED + timedelta(hours=24))
    assert _check_ins(runtime, enrollment_id) == [
        ("24h", "sent", _local("2026-11-24T10:00:00-08:00"), None),
        ("48h", "cancelled", _local("2026-11-25T10:00:00-08:00"), PROTOCOL_CHANGED),
        ("48h", "scheduled", _local("2026-11-26T10:00:00-08:00"), None),
    ]


def test_a_queued_check_in_counts_as_sent(runtime) -> None:
    enrollment_id = _enroll(runtime)
    with runtime.transaction() as session:
        first = session.scalars(select(CheckIn).where(CheckIn.label == "24h")).one()
        first.queued_at = ENROLLED
    _replan(runtime, _new_version(runtime, [("24h", 25), ("48h", 48)]), ENROLLED)
    labels = [(label, status) for label, status, _, _ in _check_ins(runtime, enrollment_id)]
    assert labels == [
        ("24h", "scheduled"),
        ("48h", "cancelled"),
        ("48h", "scheduled"),
    ]


def test_a_new_later_step_is_added(runtime) -> None:
    enrollment_id = _enroll(runtime)
    _replan(runtime, _new_version(runtime, [("24h", 24), ("48h", 48), ("7d", 168)]), ENROLLED)
    scheduled = [row for row in _check_ins(runtime, enrollment_id) if row[1] == "scheduled"]
    assert [(label, due) for label, _, due, _ in scheduled] == [
        ("24h", _local("2026-11-24T10:00:00-08:00")),
        ("48h", _local("2026-11-25T10:00:00-08:00")),
        ("7d", _local("2026-11-30T10:00:00-08:00")),
    ]


def test_a_step_already_past_is_due_at_once_within_the_lateness_and_skipped_beyond(
    runtime,
) -> None:
    enrollment_id = _enroll(runtime)
    now = _local("2026-11-24T15:00:00-08:00")  # 29 h after the procedure
    # "early" was due 28 h ago (beyond the 12 h lateness); "24h" moved to 20 h, that is
    # 06:00, moved into the window at 09:00: 6 h ago.
    version_id = _new_version(runtime, [("early", 1), ("24h", 20), ("48h", 48)])
    _replan(runtime, version_id, now)
    scheduled = [row for row in _check_ins(runtime, enrollment_id) if row[1] == "scheduled"]
    assert [(label, due) for label, _, due, _ in scheduled] == [
        ("24h", now),
        ("48h", _local("2026-11-25T10:00:00-08:00")),
    ]
    with runtime.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "enrollment.replan"))
        detail = event.one().detail
    assert detail["skipped"] == {"early": "too late"}
    assert detail["from_version"] == 1 and detail["to_version"] == 2


def test_a_past_step_waits_for_the_delivery_window(runtime) -> None:
    enrollment_id = _enroll(runtime)
    night = _local("2026-11-24T22:00:00-08:00")  # 36 h after; window opens at 09:00
    _replan(runtime, _new_version(runtime, [("24h", 30), ("48h", 48)]), night)
    scheduled = [row for row in _check_ins(runtime, enrollment_id) if row[1] == "scheduled"]
    # 30 h was 16:00; the next window opening (09:00) is 17 h later: beyond the lateness.
    assert [label for label, *_ in scheduled] == ["48h"]


def test_withdrawn_enrollments_and_repeat_calls_are_left_alone(runtime) -> None:
    withdrawn_id = _enroll(runtime, phone="+15625550124")
    with runtime.transaction() as session:
        withdraw(session, session.get(Enrollment, withdrawn_id), actor="tests", now=ENROLLED)
    active_id = _enroll(runtime)
    version_id = _new_version(runtime, [("24h", 30), ("48h", 48)])
    assert _replan(runtime, version_id, ENROLLED) == 1
    assert _replan(runtime, version_id, ENROLLED) == 0
    with runtime.sessions() as session:
        assert session.get(Enrollment, withdrawn_id).protocol.version == 1
        assert session.get(Enrollment, withdrawn_id).status == EnrollmentStatus.WITHDRAWN
    assert len(_check_ins(runtime, active_id)) == 4


def test_an_opted_out_patient_gets_check_ins_an_opt_in_can_restore(runtime) -> None:
    enrollment_id = _enroll(runtime)
    with runtime.transaction() as session:
        from recovery.patients.consent import opt_out

        opt_out(session, session.scalars(select(Patient)).one(), how="STOP", now=ENROLLED)
    _replan(runtime, _new_version(runtime, [("24h", 30), ("48h", 48)]), ENROLLED)
    rows = _check_ins(runtime, enrollment_id)
    assert [(label, status, reason) for label, status, _, reason in rows] == [
        ("24h", "cancelled", PROTOCOL_CHANGED),
        ("48h", "cancelled", PROTOCOL_CHANGED),
        ("24h", "cancelled", "patient opted out"),
        ("48h", "cancelled", "patient opted out"),
    ]
