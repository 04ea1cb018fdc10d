"""Re-planning active enrollments when an administrator saves a new protocol version: check-ins
follow their step by its stable key; only unsent ones whose step changed are touched, and no
step is ever asked twice."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from sqlalchemy import func, select

from recovery.models import AuditEvent, CheckIn, Enrollment, Message, Patient, Protocol
from recovery.patients.consent import opt_in, opt_out
from recovery.patients.follow_up import withdraw
from recovery.protocols.definitions import latest_version, save_version
from recovery.protocols.replanning import PROTOCOL_CHANGED, replan
from recovery.runtime import Runtime
from recovery.sending.due_work import do_due_work
from recovery.states import CheckInStatus, EnrollmentStatus, MessageKind
from tests.support.factories import enroll_patient

PERFORMED = datetime.fromisoformat("2026-11-23T10:00:00-08:00")
ENROLLED = PERFORMED + timedelta(hours=2)
DAY_1 = datetime.fromisoformat("2026-11-24T10:00:00-08:00")  # the 24h check-in is due
DAY_2 = datetime.fromisoformat("2026-11-25T10:00:00-08:00")  # the 48h check-in is due

Row = tuple[int, str | None, str, str, datetime, str | None]


def _enroll(runtime: Runtime, phone: str = "+15625550123") -> int:
    return enroll_patient(runtime, phone, performed_at=PERFORMED, now=ENROLLED)


def _new_version(runtime: Runtime, steps: list[tuple[str, str, float]]) -> int:
    """Save a version with these (key, label, offset) steps; its id."""
    with runtime.transaction() as session:
        current = latest_version(session, "vertebroplasty")
        assert current is not None
        definition = copy.deepcopy(current.definition)
        definition["steps"] = [
            {"key": key, "label": label, "offset_hours": hours} for key, label, hours in steps
        ]
        return save_version(session, definition, actor="admin", now=ENROLLED).id


def _replan(runtime: Runtime, version_id: int, now: datetime) -> int:
    with runtime.transaction() as session:
        version = session.get(Protocol, version_id)
        assert version is not None
        return replan(session, version, actor="user:1:admin@example.org", now=now)


def _check_ins(runtime: Runtime, enrollment_id: int) -> list[Row]:
    """(id, step key, label, status, due, reason) of each check-in, oldest row first."""
    with runtime.sessions() as session:
        rows = session.scalars(
            select(CheckIn).where(CheckIn.enrollment_id == enrollment_id).order_by(CheckIn.id)
        )
        return [(c.id, c.step_key, c.label, c.status.value, c.due_at, c.reason) for c in rows]


def _as_they_were(rows: list[Row]) -> list[tuple[object, ...]]:
    """The rows but for their step key (re-planning writes the key of a row that had none)."""
    return [(row[0], *row[2:]) for row in rows]


def _audit_detail(runtime: Runtime) -> dict:  # type: ignore[type-arg]
    with runtime.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.action == "enrollment.replan")
        return session.scalars(query.order_by(AuditEvent.id.desc())).first().detail


def _check_in_texts(runtime: Runtime) -> int:
    with runtime.sessions() as session:
        query = select(func.count()).where(Message.kind == MessageKind.CHECK_IN)
        return session.scalar(query.select_from(Message))


def test_moving_an_offset_moves_only_that_check_in_in_place(runtime) -> None:
    enrollment_id = _enroll(runtime)
    (first, *_), (second, *_) = _check_ins(runtime, enrollment_id)
    version_id = _new_version(runtime, [("24h", "24h", 30), ("48h", "48h", 48)])
    assert _replan(runtime, version_id, ENROLLED) == 1
    assert _check_ins(runtime, enrollment_id) == [
        (first, "24h", "24h", "scheduled", DAY_1 + timedelta(hours=6), None),
        (second, "48h", "48h", "scheduled", DAY_2, None),
    ]
    detail = _audit_detail(runtime)
    assert (detail["moved_check_ins"], detail["cancelled_check_ins"]) == ([first], [])
    assert detail["created"] == [] and detail["from_version"] == 1 and detail["to_version"] == 2
    with runtime.sessions() as session:
        assert session.get(Enrollment, enrollment_id).protocol_id == version_id


def test_renaming_a_step_and_moving_it_after_it_was_sent_never_asks_again(runtime) -> None:
    enrollment_id = _enroll(runtime)
    do_due_work(runtime, now=DAY_1)  # the 24h check-in goes out
    assert _check_in_texts(runtime) == 1
    before = _check_ins(runtime, enrollment_id)
    version_id = _new_version(runtime, [("24h", "Day 1", 30), ("48h", "48h", 48)])
    _replan(runtime, version_id, DAY_1 + timedelta(hours=1))
    after = _check_ins(runtime, enrollment_id)
    assert _as_they_were(after) == _as_they_were(before)
    assert [row[1] for row in after] == ["24h", "48h"]
    assert _audit_detail(runtime)["skipped"] == {"Day 1": "already sent"}
    do_due_work(runtime, now=DAY_1 + timedelta(hours=6))
    assert _check_in_texts(runtime) == 1


def test_renaming_an_unsent_step_renames_its_check_in(runtime) -> None:
    enrollment_id = _enroll(runtime)
    before = _check_ins(runtime, enrollment_id)
    version_id = _new_version(runtime, [("24h", "Day 1", 24), ("48h", "Day 2", 48)])
    _replan(runtime, version_id, ENROLLED)
    after = _check_ins(runtime, enrollment_id)
    assert [(row[0], row[1], row[2], row[4]) for row in after] == [
        (before[0][0], "24h", "Day 1", DAY_1),
        (before[1][0], "48h", "Day 2", DAY_2),
    ]


def test_unchanged_check_ins_keep_their_rows_and_a_new_step_is_added(runtime) -> None:
    enrollment_id = _enroll(runtime)
    before = _check_ins(runtime, enrollment_id)
    steps = [("24h", "24h", 24), ("48h", "48h", 48), ("7d", "7d", 168)]
    _replan(runtime, _new_version(runtime, steps), ENROLLED)
    after = _check_ins(runtime, enrollment_id)
    assert _as_they_were(after[:2]) == _as_they_were(before)
    assert after[2][1:] == (
        "7d",
        "7d",
        "scheduled",
        datetime.fromisoformat("2026-11-30T10:00:00-08:00"),
        None,
    )
    detail = _audit_detail(runtime)
    assert (detail["created"], detail["moved_check_ins"], detail["cancelled_check_ins"]) == (
        ["7d"],
        [],
        [],
    )


def test_a_removed_step_cancels_its_unsent_check_in(runtime) -> None:
    enrollment_id = _enroll(runtime)
    first, second = _check_ins(runtime, enrollment_id)
    _replan(runtime, _new_version(runtime, [("24h", "24h", 24)]), ENROLLED)
    assert _as_they_were(_check_ins(runtime, enrollment_id)) == [
        _as_they_were([first])[0],
        (second[0], "48h", "cancelled", DAY_2, PROTOCOL_CHANGED),
    ]


def test_a_queued_check_in_counts_as_sent(runtime) -> None:
    enrollment_id = _enroll(runtime)
    with runtime.transaction() as session:
        first = session.scalars(select(CheckIn).where(CheckIn.label == "24h")).one()
        first.queued_at = ENROLLED
    before = _check_ins(runtime, enrollment_id)
    _replan(runtime, _new_version(runtime, [("24h", "24h", 25), ("48h", "48h", 48)]), ENROLLED)
    assert _as_they_were(_check_ins(runtime, enrollment_id)) == _as_they_were(before)


def test_a_missed_step_is_not_planned_again_under_a_new_name(runtime) -> None:
    enrollment_id = _enroll(runtime)
    do_due_work(runtime, now=DAY_1 + timedelta(hours=13))  # past the lateness: stale
    before = _check_ins(runtime, enrollment_id)
    assert before[0][3] == "missed"
    version_id = _new_version(runtime, [("24h", "Day 1", 36), ("48h", "48h", 48)])
    _replan(runtime, version_id, DAY_1 + timedelta(hours=13))
    assert _as_they_were(_check_ins(runtime, enrollment_id)) == _as_they_were(before)


def test_a_step_already_past_is_due_at_once_within_the_lateness_and_skipped_beyond(
    runtime,
) -> None:
    enrollment_id = _enroll(runtime)
    now = datetime.fromisoformat("2026-11-24T08:00:00-08:00")  # 22 h after the procedure
    # "early" was due 21 h ago (beyond the 12 h lateness); "24h" moved to 20 h, that is
    # 06:00, moved into the window at 09:00: one hour ahead.
    steps = [("early", "early", 1), ("24h", "24h", 20), ("48h", "48h", 48)]
    _replan(runtime, _new_version(runtime, steps), now)
    rows = _check_ins(runtime, enrollment_id)
    assert [(label, due) for _, _, label, _, due, _ in rows] == [
        ("24h", datetime.fromisoformat("2026-11-24T09:00:00-08:00")),
        ("48h", DAY_2),
    ]
    assert _audit_detail(runtime)["skipped"] == {"early": "too late"}


def test_a_moved_step_too_late_to_ask_is_cancelled(runtime) -> None:
    enrollment_id = _enroll(runtime)
    night = datetime.fromisoformat("2026-11-24T22:00:00-08:00")  # 36 h after; window opens 09:00
    _replan(runtime, _new_version(runtime, [("24h", "24h", 30), ("48h", "48h", 48)]), night)
    # 30 h was 16:00; the next window opening (09:00) is 17 h later: beyond the lateness.
    rows = _check_ins(runtime, enrollment_id)
    assert [(label, status, reason) for _, _, label, status, _, reason in rows] == [
        ("24h", "cancelled", PROTOCOL_CHANGED),
        ("48h", "scheduled", None),
    ]
    assert _audit_detail(runtime)["skipped"] == {"24h": "too late"}


def test_withdrawn_enrollments_and_repeat_calls_are_left_alone(runtime) -> None:
    withdrawn_id = _enroll(runtime, phone="+15625550124")
    with runtime.transaction() as session:
        withdraw(session, session.get(Enrollment, withdrawn_id), actor="tests", now=ENROLLED)
    active_id = _enroll(runtime)
    version_id = _new_version(runtime, [("24h", "24h", 30), ("48h", "48h", 48)])
    assert _replan(runtime, version_id, ENROLLED) == 1
    after = _check_ins(runtime, active_id)
    assert _replan(runtime, version_id, ENROLLED) == 0
    with runtime.sessions() as session:
        assert session.get(Enrollment, withdrawn_id).protocol.version == 1
        assert session.get(Enrollment, withdrawn_id).status == EnrollmentStatus.WITHDRAWN
    assert _check_ins(runtime, active_id) == after and len(after) == 2


def test_an_opted_out_patient_keeps_check_ins_an_opt_in_restores_as_edited(runtime) -> None:
    enrollment_id = _enroll(runtime)
    with runtime.transaction() as session:
        opt_out(session, session.scalars(select(Patient)).one(), how="STOP", now=ENROLLED)
    steps = [("24h", "Day 1", 30), ("7d", "7d", 168)]
    _replan(runtime, _new_version(runtime, steps), ENROLLED)
    rows = _check_ins(runtime, enrollment_id)
    assert [(label, status, reason) for _, _, label, status, _, reason in rows] == [
        ("Day 1", "cancelled", "patient opted out"),
        ("48h", "cancelled", PROTOCOL_CHANGED),
        ("7d", "cancelled", "patient opted out"),
    ]
    with runtime.transaction() as session:
        opt_in(session, session.scalars(select(Patient)).one(), how="START", now=ENROLLED)
    rows = _check_ins(runtime, enrollment_id)
    assert [(label, status, due) for _, _, label, status, due, _ in rows] == [
        ("Day 1", "scheduled", DAY_1 + timedelta(hours=6)),
        ("48h", "cancelled", DAY_2),
        ("7d", "scheduled", datetime.fromisoformat("2026-11-30T10:00:00-08:00")),
    ]


def test_a_check_in_without_a_key_is_matched_by_its_label_in_its_version(runtime) -> None:
    # Version 2 renames the steps and keeps their keys; an enrollment planned on it whose rows
    # carry no key yet (as rows did before keys) is still matched step by step at version 3.
    _replan(runtime, _new_version(runtime, [("24h", "Day 1", 24), ("48h", "Day 2", 48)]), ENROLLED)
    enrollment_id = _enroll(runtime, phone="+15625550125")
    with runtime.transaction() as session:
        for check_in in session.scalars(select(CheckIn)):
            check_in.step_key = None
    first, second = _check_ins(runtime, enrollment_id)
    version_id = _new_version(runtime, [("24h", "First day", 26), ("48h", "Day 2", 48)])
    _replan(runtime, version_id, ENROLLED)
    assert _check_ins(runtime, enrollment_id) == [
        (first[0], "24h", "First day", "scheduled", DAY_1 + timedelta(hours=2), None),
        (second[0], "48h", "Day 2", "scheduled", DAY_2, None),
    ]


def test_a_second_unsent_check_in_of_one_step_is_cancelled(runtime) -> None:
    enrollment_id = _enroll(runtime)
    with runtime.transaction() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        enrollment.check_ins.append(
            CheckIn(
                label="24h",
                step_key="24h",
                offset_hours=24,
                due_at=DAY_1,
                status=CheckInStatus.SCHEDULED,
            )
        )
    _replan(runtime, _new_version(runtime, [("24h", "24h", 24), ("48h", "48h", 50)]), ENROLLED)
    statuses = [(label, status) for _, _, label, status, _, _ in _check_ins(runtime, enrollment_id)]
    assert statuses == [("24h", "scheduled"), ("48h", "scheduled"), ("24h", "cancelled")]


def test_check_ins_planned_at_enrollment_carry_their_step_key(runtime) -> None:
    _new_version(runtime, [("24h", "Day 1", 24), ("48h", "Day 2", 48)])
    enrollment_id = _enroll(runtime)
    assert [(key, label) for _, key, label, *_ in _check_ins(runtime, enrollment_id)] == [
        ("24h", "Day 1"),
        ("48h", "Day 2"),
    ]
