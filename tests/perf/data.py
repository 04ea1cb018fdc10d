"""Bulk benchmark data, written with SQLAlchemy Core ``insert()`` in chunks of 10,000 rows.

The service's own functions would take hours for a million rows; these build the same rows
directly, with explicit ids (every table starts empty), then move PostgreSQL's sequences
past them and refresh its planner statistics, as autovacuum would in a live database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, insert, select, text

from recovery.models import Base, CheckIn, Enrollment, Message, Patient, Protocol

CHUNK = 10_000
ZONE = "America/Los_Angeles"
SERVICE_NUMBER = "+15005550006"
FIRST_NAMES = ("Ann", "Maria", "José", "Li", "Sam", "Grace", "Omar", "Rosa", "Tom", "Ines")
LAST_NAMES = ("Lee", "Lopez", "Garcia", "Chen", "Smith", "Nguyen", "Brown", "Diaz", "Kim")
CHECK_IN_TEXT = (
    "Hi {name}, this is Valley Spine Clinic checking on you after your back procedure. "
    "Over the last 24 hours, how bad was your back pain on average? Reply with ONE number "
    "from 0 (no pain) to 10 (worst pain imaginable)."
)
Row = dict[str, Any]


def phone(index: int) -> str:
    """A distinct E.164 mobile-style number for each index below ten million."""
    return f"+1415{index:07d}"


def name(index: int) -> str:
    """A patient name, varied."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    return f"{first} {LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]}"


def chunks(count: int) -> Iterator[range]:
    """Ids 1..count in ranges of CHUNK."""
    for start in range(1, count + 1, CHUNK):
        yield range(start, min(start + CHUNK, count + 1))


def insert_rows(connection: Connection, model: type[Base], rows: Iterable[Row]) -> int:
    """Insert rows with executemany, CHUNK at a time; return how many."""
    table: Table = model.__table__  # type: ignore[assignment]
    batch: list[Row] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            connection.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        connection.execute(insert(table), batch)
        count += len(batch)
    return count


def finish(connection: Connection) -> None:
    """On PostgreSQL: sequences past the explicit ids, and fresh planner statistics."""
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )
    connection.execute(text("ANALYZE"))


def protocol_id(connection: Connection) -> int:
    """The id of the default protocol's newest version."""
    query = select(Protocol.id).where(Protocol.name == "vertebroplasty")
    return int(connection.execute(query.order_by(Protocol.version.desc()).limit(1)).scalar_one())


def patient(index: int, at: datetime, zone: str = ZONE) -> Row:
    """A consenting patient."""
    return {
        "id": index,
        "name": name(index),
        "phone": phone(index),
        "language": "en",
        "timezone": zone,
        "mrn": f"MRN{index:07d}",
        "consent_at": at,
        "consent_method": "confirmed by staff (benchmark)",
        "opted_out_at": None,
        "created_at": at,
    }


def enrollment(index: int, protocol: int, performed_at: datetime, status: str = "active") -> Row:
    """One patient's follow-up (patient and enrollment share the index)."""
    return {
        "id": index,
        "patient_id": index,
        "protocol_id": protocol,
        "procedure_kind": "vertebroplasty",
        "performed_at": performed_at,
        "levels": "T12, L1",
        "baseline_pain": 5 + index % 5,
        "status": status,
        "paused_at": None,
        "ended_at": None if status == "active" else performed_at + timedelta(hours=56),
        "created_at": performed_at,
    }


def check_in(
    identifier: int, enrollment_id: int, hours: int, due_at: datetime, **state: Any
) -> Row:
    """A check-in; scheduled unless ``state`` says otherwise."""
    row: Row = {
        "id": identifier,
        "enrollment_id": enrollment_id,
        "label": f"{hours}h",
        "offset_hours": float(hours),
        "due_at": due_at,
        "status": "scheduled",
        "reason": None,
        "queued_at": None,
        "sent_at": None,
        "reminded_at": None,
        "reminders_sent": 0,
        "answered_at": None,
        "ended_at": None,
        "pain": None,
        "activity": None,
        "pain_reprompted": False,
        "activity_reprompted": False,
    }
    row.update(state)
    return row


def message(identifier: int, index: int, at: datetime, kind: str, **fields: Any) -> Row:
    """A text of enrollment ``index``: outbound and delivered unless ``fields`` says otherwise."""
    row: Row = {
        "id": identifier,
        "direction": "outbound",
        "kind": kind,
        "patient_id": index,
        "enrollment_id": index,
        "check_in_id": None,
        "flag_id": None,
        "in_reply_to_id": None,
        "to_number": phone(index),
        "from_number": SERVICE_NUMBER,
        "body": CHECK_IN_TEXT.format(name=name(index).split()[0]),
        "sid": f"SM{identifier:032x}",
        "status": "delivered",
        "error_code": None,
        "attempts": 1,
        "next_attempt_at": at,
        "lease_until": None,
        "claimed_by": None,
        "raw": None,
        "processed_at": None,
        "created_at": at,
        "sent_at": at,
        "status_at": at,
    }
    row.update(fields)
    return row


def _each(count: int, make: Callable[[int], Iterable[Row]]) -> Iterator[Row]:
    for ids in chunks(count):
        for index in ids:
            yield from make(index)


def add_patients(
    engine: Engine,
    count: int,
    performed_at: Callable[[int], datetime],
    status: Callable[[int], str] = lambda _index: "active",
    zone: str = ZONE,
) -> None:
    """``count`` patients, each with one enrollment (active unless ``status`` says not)."""
    with engine.begin() as connection:
        protocol = protocol_id(connection)
        rows = _each(count, lambda i: [patient(i, performed_at(i), zone)])
        insert_rows(connection, Patient, rows)
        insert_rows(
            connection,
            Enrollment,
            _each(count, lambda i: [enrollment(i, protocol, performed_at(i), status(i))]),
        )


def add_wave(engine: Engine, count: int, *, due_at: datetime, zone: str = ZONE) -> list[str]:
    """``count`` patients whose 24 h check-in falls due at ``due_at``; return their phones."""
    performed = due_at - timedelta(hours=24)
    add_patients(engine, count, lambda _i: performed, zone=zone)
    with engine.begin() as connection:
        insert_rows(
            connection,
            CheckIn,
            _each(
                count,
                lambda i: [
                    check_in(2 * i - 1, i, 24, due_at),
                    check_in(2 * i, i, 48, due_at + timedelta(hours=24)),
                ],
            ),
        )
        finish(connection)
    return [phone(i) for i in range(1, count + 1)]


def add_waiting(engine: Engine, count: int, *, sent_at: datetime) -> list[str]:
    """``count`` patients whose 24 h check-in was texted at ``sent_at`` and awaits answers."""
    performed = sent_at - timedelta(hours=24)
    add_patients(engine, count, lambda _i: performed)
    sent = {"status": "sent", "queued_at": sent_at, "sent_at": sent_at}
    with engine.begin() as connection:
        insert_rows(
            connection,
            CheckIn,
            _each(
                count,
                lambda i: [
                    check_in(2 * i - 1, i, 24, sent_at, **sent),
                    check_in(2 * i, i, 48, sent_at + timedelta(hours=24)),
                ],
            ),
        )
        insert_rows(
            connection,
            Message,
            _each(count, lambda i: [message(i, i, sent_at, "check_in", check_in_id=2 * i - 1)]),
        )
        finish(connection)
    return [phone(i) for i in range(1, count + 1)]


def add_future_check_ins(engine: Engine, count: int, *, now: datetime) -> None:
    """``count`` check-ins due in the coming month (two per enrollment), none due yet."""
    enrollments = count // 2

    def performed(index: int) -> datetime:
        return now + timedelta(hours=1 + index % (30 * 24))

    add_patients(engine, enrollments, performed)
    with engine.begin() as connection:
        insert_rows(
            connection,
            CheckIn,
            _each(
                enrollments,
                lambda i: [
                    check_in(2 * i - 1, i, 24, performed(i) + timedelta(hours=24)),
                    check_in(2 * i, i, 48, performed(i) + timedelta(hours=48)),
                ],
            ),
        )
        finish(connection)
