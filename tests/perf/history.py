"""A clinic's history in bulk, for the big worklist: ended follow-ups, their texts and flags."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import Engine

from recovery.models import AuditEvent, CheckIn, Flag, Message
from tests.perf.data import (
    SERVICE_NUMBER,
    Row,
    add_patients,
    check_in,
    chunks,
    finish,
    insert_rows,
    message,
    phone,
)

ACTIVE_EVERY = 50  # one enrollment in this many is still under way (its 48 h check-in ahead)
FLAG_KINDS = (
    ("persistent_pain", "high", 2),
    ("no_response", "normal", 1),
    ("red_flag_symptoms", "urgent", 3),
    ("worsening_pain", "high", 2),
    ("needs_review", "normal", 1),
    ("not_improving", "normal", 1),
)
# The texts of one follow-up, in order: (kind, is_inbound, body); repeated when there are more.
CONVERSATION = (
    ("welcome", False, "Hi, this is Valley Spine Clinic. We will text you 2 times."),
    ("check_in", False, None),
    ("reply", True, "6"),
    ("response", False, "Thank you. Which best fits your day? Reply 1-4."),
    ("reply", True, "2"),
    ("response", False, "Thank you, your care team will review your answers."),
    ("check_in", False, None),
    ("reply", True, "pain is about 4 today"),
    ("response", False, "Thank you. Which best fits your day? Reply 1-4."),
    ("reply", True, "3"),
)


def performed_at(index: int, now: datetime) -> datetime:
    """When enrollment ``index``'s procedure was: the last 4 months, or 30 h ago if active."""
    if index % ACTIVE_EVERY == 0:
        return now - timedelta(hours=30)
    return now - timedelta(days=2 + index % 120, hours=index % 9)


def _check_ins(index: int, now: datetime) -> list[Row]:
    start = performed_at(index, now)
    first, second = start + timedelta(hours=24), start + timedelta(hours=48)
    answered = {
        "status": "answered",
        "queued_at": first,
        "sent_at": first,
        "answered_at": first + timedelta(hours=1),
        "ended_at": first + timedelta(hours=1),
        "pain": 3 + index % 8,
        "activity": 1 + index % 4,
    }
    rows = [check_in(2 * index - 1, index, 24, first, **answered)]
    if index % ACTIVE_EVERY == 0:
        rows.append(check_in(2 * index, index, 48, second))  # due in 18 h: nothing due now
    elif index % 7 == 0:
        ended = second + timedelta(hours=8)
        missed = {"status": "missed", "reason": "no answer", "sent_at": second, "ended_at": ended}
        rows.append(check_in(2 * index, index, 48, second, queued_at=second, **missed))
    else:
        later = {**answered, "queued_at": second, "sent_at": second, "pain": 2 + index % 6}
        later.update(answered_at=second + timedelta(hours=2), ended_at=second + timedelta(hours=2))
        rows.append(check_in(2 * index, index, 48, second, **later))
    return rows


def _messages(count: int, enrollments: int, now: datetime) -> Iterator[Row]:
    """``count`` texts spread evenly over the enrollments, each follow-up's in order."""
    identifier = 0
    for ids in chunks(enrollments):
        for index in ids:
            share = count // enrollments + (1 if index <= count % enrollments else 0)
            start = performed_at(index, now)
            for turn in range(share):
                kind, is_inbound, body = CONVERSATION[turn % len(CONVERSATION)]
                identifier += 1
                at = start + timedelta(hours=24 + turn // 6 * 24, minutes=5 * (turn % 6))
                fields: dict[str, object] = {"check_in_id": 2 * index - 1 + min(turn // 6, 1)}
                if body is not None:
                    fields["body"] = body
                if is_inbound:
                    fields.update(
                        direction="inbound",
                        to_number=SERVICE_NUMBER,
                        from_number=phone(index),
                        status="received",
                        processed_at=at,
                        next_attempt_at=None,
                        sent_at=None,
                    )
                yield message(identifier, index, at, kind, **fields)


def _flags(enrollments: int, open_flags: int, now: datetime) -> Iterator[Row]:
    """``open_flags`` open flags and as many resolved ones, on distinct enrollments."""
    step = max(1, enrollments // max(open_flags, 1))
    for number in range(2 * open_flags):
        is_open = number < open_flags
        index = (number % open_flags) * step + (1 if is_open else 2)
        index = min(index, enrollments)
        kind, severity, rank = FLAG_KINDS[number % len(FLAG_KINDS)]
        raised = performed_at(index, now) + timedelta(hours=25, minutes=number % 60)
        resolved = None if is_open else raised + timedelta(hours=3)
        yield {
            "id": number + 1,
            "enrollment_id": index,
            "kind": kind,
            "severity": severity,
            "severity_rank": rank,
            "status": "open" if is_open else "resolved",
            "reason": f"Benchmark flag: {kind.replace('_', ' ')} at the 24h check-in.",
            "evidence": {"check_in_ids": [2 * index - 1], "message_ids": []},
            "created_at": raised,
            "updated_at": resolved or raised,
            "acknowledged_at": None,
            "acknowledged_by": None,
            "resolved_at": resolved,
            "resolved_by": None if is_open else "nurse@example.org",
            "resolution_note": None if is_open else "Called the patient; all is well.",
            "escalated_at": None,
            "escalations": 0,
        }


def _audit(flags: int, now: datetime) -> Iterator[Row]:
    """A flag.raise event for every flag (ids as ``_flags`` gives them)."""
    for identifier in range(1, flags + 1):
        yield {
            "id": identifier,
            "at": now - timedelta(minutes=identifier % 100_000),
            "actor": "system",
            "action": "flag.raise",
            "record_type": "flag",
            "record_id": identifier,
            "detail": {"kind": "benchmark"},
        }


def add_history(
    engine: Engine, *, enrollments: int, messages: int, open_flags: int, now: datetime
) -> None:
    """Enrollments (one patient each) with check-ins, ``messages`` texts and flags."""
    add_patients(
        engine,
        enrollments,
        lambda index: performed_at(index, now),
        status=lambda index: "active" if index % ACTIVE_EVERY == 0 else "completed",
    )
    with engine.begin() as connection:
        insert_rows(
            connection,
            CheckIn,
            (row for ids in chunks(enrollments) for i in ids for row in _check_ins(i, now)),
        )
        insert_rows(connection, Message, _messages(messages, enrollments, now))
        flags = insert_rows(connection, Flag, _flags(enrollments, open_flags, now))
        insert_rows(connection, AuditEvent, _audit(flags, now))
        finish(connection)
