"""The flag service over a real database: deduplication, lifecycle, escalation, audit."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from recovery.flags.lifecycle import (
    FlagTransitionError,
    InvalidNote,
    acknowledge,
    evaluate_enrollment,
    raise_flag,
    resolve,
)
from recovery.flags.paging import escalate_unacknowledged, initials
from recovery.models import AuditEvent, Enrollment, Flag, Message
from recovery.patients.enrollment import enroll
from recovery.patients.validation import EnrollmentRequest
from recovery.runtime import OnCall, Runtime
from recovery.states import (
    CheckInStatus,
    Direction,
    FlagKind,
    FlagStatus,
    MessageKind,
    MessageStatus,
    Severity,
)

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
REQUEST = EnrollmentRequest(
    name="Maria Lopez",
    phone="+15625550123",
    performed_at="2026-11-23T09:30:00-08:00",
    sms_consent=True,
    baseline_pain=8,
    procedure_kind="vertebroplasty",
    protocol="vertebroplasty",
)
ON_CALL = OnCall(phone="+15625550199", flag_url=lambda i: f"https://checkin.example.org/flags/{i}")
PAIN = FlagKind.PERSISTENT_PAIN
RED = FlagKind.RED_FLAG_SYMPTOMS


def enrolled(session: Session, runtime: Runtime, **changes: object) -> Enrollment:
    request = replace(REQUEST, **changes)  # type: ignore[arg-type]
    return enroll(
        session, request, clinic=runtime.clinic, actor="tests", source="api", now=NOW
    ).enrollment


def answer(enrollment: Enrollment, label: str, pain: int | None, activity: int | None) -> int:
    check_in = next(c for c in enrollment.check_ins if c.label == label)
    check_in.pain, check_in.activity = pain, activity
    check_in.status = CheckInStatus.ANSWERED
    return check_in.id


def flags_of(session: Session, enrollment: Enrollment) -> list[Flag]:
    session.flush()
    query = select(Flag).where(Flag.enrollment_id == enrollment.id).order_by(Flag.id)
    return list(session.scalars(query))


def audit_of(session: Session, flag: Flag) -> list[tuple[str, str]]:
    session.flush()
    query = select(AuditEvent).where(
        AuditEvent.record_type == "flag", AuditEvent.record_id == flag.id
    )
    return [(event.action, event.actor) for event in session.scalars(query.order_by(AuditEvent.id))]


def pages(session: Session) -> list[Message]:
    session.flush()
    return list(session.scalars(select(Message).where(Message.kind == MessageKind.ON_CALL)))


def test_same_kind_twice_is_one_flag_with_the_evidence_merged(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        enrollment = enrolled(session, runtime)
        first = raise_flag(session, enrollment, PAIN, reason="first", now=NOW, check_in_ids=[1])
        second = raise_flag(
            session,
            enrollment,
            PAIN,
            reason="second",
            now=LATER,
            check_in_ids=[1, 2],
            message_ids=[7],
        )
        assert second.id == first.id
        assert flags_of(session, enrollment) == [first]
        assert first.evidence == {"check_in_ids": [1, 2], "message_ids": [7]}
        assert (first.reason, first.created_at, first.updated_at) == ("second", NOW, LATER)
        assert audit_of(session, first) == [("flag.raise", "system"), ("flag.update", "system")]


def test_raising_the_same_evidence_again_changes_nothing(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        enrollment = enrolled(session, runtime)
        flag = raise_flag(session, enrollment, PAIN, reason="same", now=NOW, check_in_ids=[1])
        raise_flag(session, enrollment, PAIN, reason="same", now=LATER, check_in_ids=[1])
        assert flag.updated_at == NOW
        assert audit_of(session, flag) == [("flag.raise", "system")]


def test_each_kind_and_each_enrollment_has_its_own_flag(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        one = enrolled(session, runtime)
        other = enrolled(session, runtime, phone="+15625550124", name="Ana Ruiz")
        raise_flag(session, one, PAIN, reason="a", now=NOW)
        raise_flag(session, one, FlagKind.SEVERE_PAIN, reason="b", now=NOW)
        raise_flag(session, other, PAIN, reason="c", now=NOW)
        assert len(flags_of(session, one)) == 2
        assert len(flags_of(session, other)) == 1


@pytest.mark.parametrize(
    ("kind", "severity"),
    [
        (FlagKind.RED_FLAG_SYMPTOMS, Severity.URGENT),
        (FlagKind.SEVERE_PAIN, Severity.HIGH),
        (FlagKind.PERSISTENT_PAIN, Severity.HIGH),
        (FlagKind.NOT_IMPROVING, Severity.NORMAL),
        (FlagKind.NO_RESPONSE, Severity.NORMAL),
    ],
)
def test_a_new_flag_is_open_at_its_kinds_default_severity(
    runtime: Runtime, kind: FlagKind, severity: Severity
) -> None:
    with runtime.transaction() as session:
        flag = raise_flag(session, enrolled(session, runtime), kind, reason="r", now=NOW)
        assert (flag.status, flag.severity) == (FlagStatus.OPEN, severity)
        assert flag.severity_rank == {"urgent": 3, "high": 2, "normal": 1}[severity.value]


def test_severity_is_raised_by_worse_evidence_and_never_lowered(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        enrollment = enrolled(session, runtime)
        flag = raise_flag(
            session, enrollment, RED, reason="no fever", severity=Severity.HIGH, now=NOW
        )
        raise_flag(session, enrollment, RED, reason="leg numbness", now=LATER, message_ids=[2])
        assert (flag.severity, flag.severity_rank, flag.reason) == (
            Severity.URGENT,
            3,
            "leg numbness",
        )
        raise_flag(session, enrollment, RED, reason="no chills", severity=Severity.HIGH, now=LATER)
        assert (flag.severity, flag.severity_rank) == (Severity.URGENT, 3)
        assert flag.reason == "leg numbness", "the reason keeps explaining the urgency"


def test_acknowledged_flag_goes_back_to_open_when_it_gets_worse(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        enrollment = enrolled(session, runtime)
        flag = raise_flag(
            session, enrollment, RED, reason="no fever", severity=Severity.HIGH, now=NOW
        )
        acknowledge(session, flag, actor="nurse@example.org", now=NOW)
        raise_flag(session, enrollment, RED, reason="chest pain", now=LATER)
        assert (flag.status, flag.severity) == (FlagStatus.OPEN, Severity.URGENT)
        assert (flag.acknowledged_at, flag.acknowledged_by) == (None, None)
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "flag.update")).one()
        assert event.detail["reopened_from_acknowledged_by"] == "nurse@example.org"


def test_acknowledged_flag_goes_back_to_open_with_new_evidence_that_is_not_worse(
    runtime: Runtime,
) -> None:
    with runtime.transaction() as session:
        enrollment = enrolled(session, runtime)
        flag = raise_flag(session, enrollment, PAIN, reason="8 at 24h", now=NOW, check_in_ids=[1])
        acknowledge(session, flag, actor="nurse@example.org", now=NOW)
        raise_flag(session, enrollment, PAIN, reason="8 at 24h", now=LATER, check_in_ids=[1])
        assert flag.status == FlagStatus.ACKNOWLEDGED, "the same evidence again is nothing new"
        raise_flag(session, enrollment, PAIN, reason="9 at 48h", now=LATER, check_in_ids=[2])
        assert flag.status == FlagStatus.OPEN
        assert flag.acknowledged_by is None
        assert flag.reason.startswith("New since nurse@example.org acknowledged it")
        assert flag.reason.endswith("9 at 48h")
        assert flag.evidence["check_in_ids"] == [1, 2]


def test_a_resolved_flag_that_comes_back_is_a_new_flag(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        enrollment = enrolled(session, runtime)
        old = raise_flag(session, enrollment, PAIN, reason="first", now=NOW)
        resolve(session, old, actor="nurse@example.org", note="Called, fine", now=NOW)
        new = raise_flag(session, enrollment, PAIN, reason="again", now=LATER)
        assert new.id != old.id
        assert [(f.status, f.reason) for f in flags_of(session, enrollment)] == [
            (FlagStatus.RESOLVED, "first"),
            (FlagStatus.OPEN, "again"),
        ]


def test_lifecycle_records_who_and_when_and_audits_each_step(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        flag = raise_flag(session, enrolled(session, runtime), PAIN, reason="r", now=NOW)
        acknowledge(session, flag, actor="ann@example.org", now=LATER)
        assert (flag.status, flag.acknowledged_by, flag.acknowledged_at) == (
            FlagStatus.ACKNOWLEDGED,
            "ann@example.org",
            LATER,
        )
        resolve(session, flag, actor="bob@example.org", note="  Called her, better.  ", now=LATER)
        assert (flag.status, flag.resolved_by, flag.resolved_at, flag.resolution_note) == (
            FlagStatus.RESOLVED,
            "bob@example.org",
            LATER,
            "Called her, better.",
        )
        assert audit_of(session, flag) == [
            ("flag.raise", "system"),
            ("flag.acknowledge", "ann@example.org"),
            ("flag.resolve", "bob@example.org"),
        ]


def test_an_open_flag_can_be_resolved_without_acknowledging_it(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        flag = raise_flag(session, enrolled(session, runtime), PAIN, reason="r", now=NOW)
        resolve(session, flag, actor="ann@example.org", note="Seen in clinic", now=LATER)
        assert flag.status == FlagStatus.RESOLVED


@pytest.mark.parametrize(
    ("steps", "refused", "message"),
    [
        (["acknowledge"], "acknowledge", "only an open flag can be acknowledged"),
        (["resolve"], "acknowledge", "only an open flag can be acknowledged"),
        (["resolve"], "resolve", "already resolved"),
        (["acknowledge", "resolve"], "resolve", "already resolved"),
    ],
)
def test_transitions_the_status_does_not_allow_are_refused(
    runtime: Runtime, steps: list[str], refused: str, message: str
) -> None:
    def step(session: Session, flag: Flag, name: str) -> None:
        if name == "acknowledge":
            acknowledge(session, flag, actor="ann@example.org", now=LATER)
        else:
            resolve(session, flag, actor="ann@example.org", note="done", now=LATER)

    with runtime.transaction() as session:
        flag = raise_flag(session, enrolled(session, runtime), PAIN, reason="r", now=NOW)
        for name in steps:
            step(session, flag, name)
        before = (flag.status, flag.updated_at, len(audit_of(session, flag)))
        with pytest.raises(FlagTransitionError, match=message):
            step(session, flag, refused)
        assert (flag.status, flag.updated_at, len(audit_of(session, flag))) == before


@pytest.mark.parametrize("note", ["", "   ", "x" * 2001])
def test_resolving_needs_a_note_of_reasonable_length(runtime: Runtime, note: str) -> None:
    with runtime.transaction() as session:
        flag = raise_flag(session, enrolled(session, runtime), PAIN, reason="r", now=NOW)
        with pytest.raises(InvalidNote):
            resolve(session, flag, actor="ann@example.org", note=note, now=LATER)
        assert flag.status == FlagStatus.OPEN


def test_urgent_flag_pages_on_call_once_with_initials_and_a_link(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        enrollment = enrolled(session, runtime)
        reason = "Mentioned leg numbness and chest pain"
        flag = raise_flag(session, enrollment, RED, reason=reason, now=NOW, on_call=ON_CALL)
        raise_flag(session, enrollment, RED, reason="fever", now=LATER, on_call=ON_CALL)
        [page] = pages(session)
        assert page.body == (
            f"Recovery Check-in: urgent flag for patient M.L. - "
            f"open https://checkin.example.org/flags/{flag.id}"
        )
        for word in ("Maria", "Lopez", "numbness", "chest", "fever", "pain"):
            assert word.lower() not in page.body.lower()
        assert (page.direction, page.status, page.to_number) == (
            Direction.OUTBOUND,
            MessageStatus.PENDING,
            "+15625550199",
        )
        assert (page.flag_id, page.enrollment_id, page.patient_id) == (flag.id, enrollment.id, None)
        assert (page.next_attempt_at, page.created_at) == (NOW, NOW)
        assert (flag.escalated_at, flag.escalations) == (NOW, 1)
        assert ("flag.escalate", "system") in audit_of(session, flag)


def test_flag_raised_to_urgent_pages_on_call(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        enrollment = enrolled(session, runtime)
        raise_flag(
            session, enrollment, RED, reason="a", severity=Severity.HIGH, now=NOW, on_call=ON_CALL
        )
        assert pages(session) == []
        flag = raise_flag(session, enrollment, RED, reason="b", now=LATER, on_call=ON_CALL)
        assert len(pages(session)) == 1
        assert (flag.escalated_at, flag.escalations) == (LATER, 1)


@pytest.mark.parametrize(
    "on_call", [None, OnCall(phone="", flag_url=lambda i: f"/flags/{i}")], ids=["none", "blank"]
)
def test_no_page_without_an_on_call_phone(runtime: Runtime, on_call: OnCall | None) -> None:
    with runtime.transaction() as session:
        flag = raise_flag(
            session, enrolled(session, runtime), RED, reason="a", now=NOW, on_call=on_call
        )
        assert pages(session) == []
        assert flag.escalations == 0


def test_unacknowledged_urgent_flag_is_paged_again_once_after_30_minutes(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        flag = raise_flag(
            session, enrolled(session, runtime), RED, reason="a", now=NOW, on_call=ON_CALL
        )
    with runtime.transaction() as session:
        assert (
            escalate_unacknowledged(session, now=NOW + timedelta(minutes=29), on_call=ON_CALL) == 0
        )
    with runtime.transaction() as session:
        assert (
            escalate_unacknowledged(session, now=NOW + timedelta(minutes=30), on_call=ON_CALL) == 1
        )
    with runtime.transaction() as session:
        assert escalate_unacknowledged(session, now=NOW + timedelta(hours=2), on_call=ON_CALL) == 0
        assert len(pages(session)) == 2
        assert session.get(Flag, flag.id).escalations == 2  # type: ignore[union-attr]


def test_acknowledged_urgent_flag_is_not_paged_again(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        flag = raise_flag(
            session, enrolled(session, runtime), RED, reason="a", now=NOW, on_call=ON_CALL
        )
        acknowledge(session, flag, actor="ann@example.org", now=LATER)
    with runtime.transaction() as session:
        assert escalate_unacknowledged(session, now=NOW + timedelta(hours=1), on_call=ON_CALL) == 0
        assert len(pages(session)) == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Maria Lopez", "M.L."), ("maría josé de la cruz", "M.C."), ("Cher", "C."), ("", "")],
)
def test_initials_are_first_and_last_name_letters(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_evaluating_answers_raises_flags_with_their_check_ins_as_evidence(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        enrollment = enrolled(session, runtime, baseline_pain=8)
        day1 = answer(enrollment, "24h", 8, 2)
        assert evaluate_enrollment(session, enrollment, now=NOW) == []
        day2 = answer(enrollment, "48h", 9, 1)
        flags = evaluate_enrollment(session, enrollment, now=LATER)
        found = {flag.kind: flag.evidence["check_in_ids"] for flag in flags}
        assert found == {
            FlagKind.PERSISTENT_PAIN: [day1, day2],
            FlagKind.NOT_IMPROVING: [day2],
            FlagKind.LIMITED_MOBILITY: [day2],
        }
        reasons = {flag.reason for flag in flags}
        assert "Pain 8/10 at 24h and 9/10 at 48h (7 or more twice in a row)" in reasons


def test_evaluating_again_neither_duplicates_nor_revives_a_resolved_flag(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        enrollment = enrolled(session, runtime, baseline_pain=None)
        answer(enrollment, "24h", 10, 2)
        [flag] = evaluate_enrollment(session, enrollment, now=NOW)
        evaluate_enrollment(session, enrollment, now=LATER)
        assert flags_of(session, enrollment) == [flag]
        resolve(session, flag, actor="ann@example.org", note="Called", now=LATER)
        assert evaluate_enrollment(session, enrollment, now=LATER) == []
        answer(enrollment, "48h", 10, 3)
        kinds = [f.kind for f in evaluate_enrollment(session, enrollment, now=LATER)]
        assert kinds == [FlagKind.SEVERE_PAIN, FlagKind.PERSISTENT_PAIN]
        assert [f.status for f in flags_of(session, enrollment)] == [
            FlagStatus.RESOLVED,
            FlagStatus.OPEN,
            FlagStatus.OPEN,
        ]


def test_two_processes_raising_the_same_flag_at_once_make_one_flag(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        enrollment_id = enrolled(session, runtime).id
    errors: list[BaseException] = []

    def second_process() -> None:
        try:
            with runtime.transaction() as other:
                enrollment = other.get(Enrollment, enrollment_id)
                assert enrollment is not None
                raise_flag(other, enrollment, PAIN, reason="second", now=LATER, check_in_ids=[2])
        except BaseException as error:  # reported by the test thread
            errors.append(error)

    with runtime.sessions() as first, first.begin():
        enrollment = first.get(Enrollment, enrollment_id)
        assert enrollment is not None
        raise_flag(first, enrollment, PAIN, reason="first", now=NOW, check_in_ids=[1])
        first.flush()
        thread = threading.Thread(target=second_process)
        thread.start()
        thread.join(timeout=1)
        assert thread.is_alive(), "the second raise waits for the first transaction"
    thread.join(timeout=30)
    assert errors == []
    with runtime.sessions() as session:
        [flag] = session.scalars(select(Flag)).all()
        assert (flag.reason, flag.evidence["check_in_ids"]) == ("second", [1, 2])
