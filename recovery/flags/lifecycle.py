"""Flags over the database: raising with deduplication, and the nurse's lifecycle.

At most one flag per enrollment and kind is not resolved (``uq_flags_one_open_per_kind``).
Raising a kind that already has one adds the new evidence to it, takes the newest reason
and raises its severity if the new evidence is worse; severity is never lowered, and
evidence less severe than the flag keeps the reason that explains the flag's severity.
An acknowledged flag that gets new evidence (another text, another check-in) or a higher
severity goes back to ``open`` (and loses its acknowledgement), its reason saying what is
new since it was acknowledged, so that it returns to the worklist's Open tab; an urgent one
pages the on-call nurse again. Evaluating the same evidence again changes nothing. A
resolved flag stays resolved: the same kind raised again makes a new flag, though
evaluating the same answers again never revives a flag that a nurse resolved over those
very check-ins. An urgent open flag pages the on-call nurse
(``paging``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from recovery.flags.paging import page
from recovery.flags.rules import DEFAULT_SEVERITY, Answer, evaluate
from recovery.models import Enrollment, Flag
from recovery.protocols.definitions import spec_of
from recovery.runtime import OnCall
from recovery.staff.audit import record_event
from recovery.states import (
    SEVERITY_RANK,
    FlagKind,
    FlagStatus,
    Severity,
)
from recovery.types import storable_text

SYSTEM = "system"
NOTE_MAX_CHARS = 2000
RAISE_ATTEMPTS = 3


class FlagTransitionError(ValueError):
    """A lifecycle step that the flag's status does not allow."""


class InvalidNote(ValueError):
    """A resolution or acknowledgement note that cannot be stored."""


def raise_flag(
    session: Session,
    enrollment: Enrollment,
    kind: FlagKind,
    *,
    reason: str,
    now: datetime,
    severity: Severity | None = None,
    check_in_ids: Iterable[int] = (),
    message_ids: Iterable[int] = (),
    on_call: OnCall | None = None,
) -> Flag:
    """Open a flag of this kind, or add the evidence to the one not yet resolved."""
    severity = severity or DEFAULT_SEVERITY[kind]
    evidence = {"check_in_ids": _unique(check_in_ids), "message_ids": _unique(message_ids)}
    for attempt in range(RAISE_ATTEMPTS):
        flag = _unresolved(session, enrollment.id, kind)
        if flag is not None:
            _update(session, flag, severity=severity, reason=reason, evidence=evidence, now=now)
            break
        try:
            flag = _create(session, enrollment, kind, severity, reason, evidence, now)
            break
        except IntegrityError:
            # Another process opened the same flag first: add to theirs on the next pass.
            if attempt == RAISE_ATTEMPTS - 1:
                raise
    assert flag is not None
    is_unpaged_urgent = (
        flag.severity == Severity.URGENT and flag.status == FlagStatus.OPEN and not flag.escalations
    )
    if on_call is not None and on_call.phone and is_unpaged_urgent:
        page(session, flag, on_call, now=now)
    return flag


def _unresolved(session: Session, enrollment_id: int, kind: FlagKind) -> Flag | None:
    query = (
        select(Flag)
        .where(
            Flag.enrollment_id == enrollment_id,
            Flag.kind == kind,
            Flag.status != FlagStatus.RESOLVED,
        )
        .with_for_update()
    )
    return session.scalars(query).first()


def _create(
    session: Session,
    enrollment: Enrollment,
    kind: FlagKind,
    severity: Severity,
    reason: str,
    evidence: dict[str, list[int]],
    now: datetime,
) -> Flag:
    flag = Flag(
        enrollment_id=enrollment.id,
        kind=kind,
        severity=severity,
        severity_rank=SEVERITY_RANK[severity],
        status=FlagStatus.OPEN,
        reason=reason,
        evidence=evidence,
        created_at=now,
        updated_at=now,
        escalations=0,
    )
    with session.begin_nested():
        session.add(flag)
    _audit(session, flag, "flag.raise", SYSTEM, now, severity=severity.value, **evidence)
    return flag


def _update(
    session: Session,
    flag: Flag,
    *,
    severity: Severity,
    reason: str,
    evidence: dict[str, list[int]],
    now: datetime,
) -> None:
    merged = {key: _unique([*flag.evidence.get(key, []), *evidence[key]]) for key in evidence}
    is_worse = SEVERITY_RANK[severity] > flag.severity_rank
    is_less_severe = SEVERITY_RANK[severity] < flag.severity_rank
    new_reason = flag.reason if is_less_severe else reason
    is_new = merged != {key: flag.evidence.get(key, []) for key in merged}
    if not is_new and new_reason == flag.reason and not is_worse:
        return
    detail: dict[str, Any] = {"severity": severity.value}
    flag.evidence = merged
    flag.reason = new_reason
    flag.updated_at = now
    if is_worse:
        detail["severity_from"] = flag.severity.value
        flag.severity, flag.severity_rank = severity, SEVERITY_RANK[severity]
    if flag.status == FlagStatus.ACKNOWLEDGED and (is_new or is_worse):
        _reopen(flag, detail, now)
    _audit(session, flag, "flag.update", SYSTEM, now, **detail, **evidence)


def _reopen(flag: Flag, detail: dict[str, Any], now: datetime) -> None:
    """New evidence on an acknowledged flag: back to ``open``, saying what is new since the
    acknowledgement; an urgent one is paged again as if new."""
    detail["reopened_from_acknowledged_by"] = flag.acknowledged_by
    when = flag.acknowledged_at.strftime("%Y-%m-%d %H:%M UTC") if flag.acknowledged_at else ""
    flag.reason = f"New since {flag.acknowledged_by} acknowledged it ({when}): {flag.reason}"
    flag.status = FlagStatus.OPEN
    flag.acknowledged_at = flag.acknowledged_by = None
    flag.escalations, flag.escalated_at = 0, None


def evaluate_enrollment(
    session: Session, enrollment: Enrollment, *, now: datetime, on_call: OnCall | None = None
) -> list[Flag]:
    """Run the rules on the enrollment's answers and raise what they find."""
    answered = sorted(
        (c for c in enrollment.check_ins if c.pain is not None or c.activity is not None),
        key=lambda check_in: (check_in.offset_hours, check_in.id),
    )
    history = [Answer(c.label, c.offset_hours, c.pain, c.activity) for c in answered]
    ids = {check_in.label: check_in.id for check_in in answered}
    thresholds = spec_of(enrollment.protocol).thresholds
    flags = []
    for finding in evaluate(history, enrollment.baseline_pain, thresholds):
        check_in_ids = [ids[label] for label in finding.check_in_labels]
        if _was_resolved(session, enrollment.id, finding.kind, check_in_ids):
            continue
        flag = raise_flag(
            session,
            enrollment,
            finding.kind,
            reason=finding.reason,
            severity=finding.severity,
            check_in_ids=check_in_ids,
            now=now,
            on_call=on_call,
        )
        flags.append(flag)
    return flags


def _was_resolved(
    session: Session, enrollment_id: int, kind: FlagKind, check_in_ids: list[int]
) -> bool:
    """Whether a nurse already resolved a flag of this kind over these very check-ins."""
    resolved = session.scalars(
        select(Flag).where(
            Flag.enrollment_id == enrollment_id,
            Flag.kind == kind,
            Flag.status == FlagStatus.RESOLVED,
        )
    )
    wanted = set(check_in_ids)
    return bool(wanted) and any(
        wanted <= set(flag.evidence.get("check_in_ids", [])) for flag in resolved
    )


def acknowledge(
    session: Session, flag: Flag, *, actor: str, now: datetime, note: str | None = None
) -> Flag:
    """A nurse has seen an open flag: open -> acknowledged."""
    note = check_note(note)
    if flag.status != FlagStatus.OPEN:
        raise FlagTransitionError(
            f"flag {flag.id} is {flag.status.value}: only an open flag can be acknowledged"
        )
    flag.status = FlagStatus.ACKNOWLEDGED
    flag.acknowledged_at, flag.acknowledged_by = now, actor
    flag.updated_at = now
    detail = {"note": note} if note else {}
    _audit(session, flag, "flag.acknowledge", actor, now, **detail)
    return flag


def resolve(session: Session, flag: Flag, *, actor: str, note: str, now: datetime) -> Flag:
    """A nurse has dealt with a flag: open or acknowledged -> resolved, with a note."""
    note = check_note(note)
    if not note:
        raise InvalidNote("is required to resolve a flag")
    if flag.status == FlagStatus.RESOLVED:
        raise FlagTransitionError(f"flag {flag.id} is already resolved")
    flag.status = FlagStatus.RESOLVED
    flag.resolved_at, flag.resolved_by, flag.resolution_note = now, actor, note
    flag.updated_at = now
    _audit(session, flag, "flag.resolve", actor, now, note=note)
    return flag


def resolve_when_gone(
    session: Session, enrollment: Enrollment, kind: FlagKind, *, why: str, now: datetime
) -> Flag | None:
    """The system resolves the enrollment's unresolved flag of this kind, whose reason no
    longer holds, with a note saying why (``no_response`` after a late answer, ``opted_out``
    after the patient opts back in)."""
    flag = _unresolved(session, enrollment.id, kind)
    if flag is None:
        return None
    return resolve(session, flag, actor=SYSTEM, note=why, now=now)


def check_note(note: object) -> str:
    """A note trimmed; InvalidNote when not text a database keeps, or over NOTE_MAX_CHARS."""
    if note is None:
        return ""
    if not isinstance(note, str):
        raise InvalidNote("must be text")
    try:
        note = storable_text(note).strip()
    except ValueError as problem:
        raise InvalidNote(str(problem)) from None
    if len(note) > NOTE_MAX_CHARS:
        raise InvalidNote(f"must be at most {NOTE_MAX_CHARS} characters")
    return note


def _unique(values: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(values))


def _audit(
    session: Session, flag: Flag, action: str, actor: str, now: datetime, **detail: Any
) -> None:
    detail = {"kind": flag.kind.value, **detail}
    record_event(
        session,
        actor=actor,
        action=action,
        record_type="flag",
        record_id=flag.id,
        now=now,
        detail=detail,
    )
