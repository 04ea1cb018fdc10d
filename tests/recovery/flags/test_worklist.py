"""The worklist query: most severe then oldest first, resolved newest first, a page at a time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from recovery.flags.worklist import worklist
from recovery.models import Flag
from recovery.runtime import Runtime, utc_now
from recovery.states import FlagKind, FlagStatus
from tests.support.staff_fixtures import add_flag, answer, enroll_patient

KINDS = (FlagKind.NO_RESPONSE, FlagKind.PERSISTENT_PAIN, FlagKind.RED_FLAG_SYMPTOMS)


def _flags(runtime: Runtime) -> dict[tuple[int, FlagKind], int]:
    """Three patients with a normal, a high and an urgent flag each, of mixed ages."""
    flags = {}
    for number in range(3):
        _, enrollment = enroll_patient(runtime, name=f"Pat {number}", phone=f"+1562555010{number}")
        answer(runtime, enrollment, "24h", 5 + number, 2)
        for index, kind in enumerate(KINDS):
            age = timedelta(minutes=(number * 7 + index * 5) % 11 + 1)
            flags[number, kind] = add_flag(runtime, enrollment, kind, age=age)
    return flags


def _ids(runtime: Runtime, status: FlagStatus, **page: int) -> list[int]:
    with runtime.sessions() as session:
        return [row.flag.id for row in worklist(session, status, **page)]


def test_open_flags_come_most_severe_then_oldest_first(runtime: Runtime) -> None:
    _flags(runtime)
    with runtime.sessions() as session:
        rows = worklist(session)
        keys = [(-row.flag.severity_rank, row.flag.created_at, row.flag.id) for row in rows]
        assert len(rows) == 9 and keys == sorted(keys)
        assert {row.patient_name for row in rows} == {"Pat 0", "Pat 1", "Pat 2"}
        assert {row.patient_name: row.latest_pain for row in rows} == {
            "Pat 0": 5,
            "Pat 1": 6,
            "Pat 2": 7,
        }


def test_pages_of_the_worklist_follow_on_without_gaps_or_repeats(runtime: Runtime) -> None:
    _flags(runtime)
    everything = _ids(runtime, FlagStatus.OPEN)
    pages = [_ids(runtime, FlagStatus.OPEN, limit=4, offset=start) for start in (0, 4, 8, 12)]
    assert [len(page) for page in pages] == [4, 4, 1, 0]
    assert [flag for page in pages for flag in page] == everything


def test_resolved_flags_come_newest_resolved_first(runtime: Runtime) -> None:
    flags = _flags(runtime)
    now = utc_now()
    resolved = [flags[0, KINDS[0]], flags[1, KINDS[2]], flags[2, KINDS[1]]]
    with runtime.transaction() as session:
        for minutes, flag in enumerate(resolved):
            session.execute(
                update(Flag)
                .where(Flag.id == flag)
                .values(status=FlagStatus.RESOLVED, resolved_at=now - timedelta(minutes=minutes))
            )
    assert _ids(runtime, FlagStatus.RESOLVED) == resolved
    assert _ids(runtime, FlagStatus.RESOLVED, limit=2, offset=1) == resolved[1:]
    assert set(_ids(runtime, FlagStatus.OPEN)).isdisjoint(resolved)
