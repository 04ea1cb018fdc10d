"""When check-ins fall due: elapsed hours after the procedure, moved into the window."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from recovery.protocols.definitions import Step, Window
from recovery.protocols.schedule import into_window, is_in_window, local_wall_time, plan_due_at

WINDOW = Window(time(9), time(20))
LA = ZoneInfo("America/Los_Angeles")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("performed_at", "hours", "zone", "due_utc"),
    [
        # Inside the window: exactly 24 h and 48 h later.
        ("2026-11-23T09:30:00-08:00", 24, "America/Los_Angeles", "2026-11-24T17:30:00+00:00"),
        ("2026-11-23T09:30:00-08:00", 48, "America/Los_Angeles", "2026-11-25T17:30:00+00:00"),
        # At night: moved to 09:00 local the next morning.
        ("2026-11-23T22:15:00-08:00", 24, "America/Los_Angeles", "2026-11-25T17:00:00+00:00"),
        # Early morning: moved to 09:00 local the same day.
        ("2026-11-23T06:00:00-08:00", 24, "America/Los_Angeles", "2026-11-24T17:00:00+00:00"),
        # 20:00 is already outside; 09:00 is inside.
        ("2026-11-23T20:00:00-08:00", 24, "America/Los_Angeles", "2026-11-25T17:00:00+00:00"),
        ("2026-11-23T09:00:00-08:00", 24, "America/Los_Angeles", "2026-11-24T17:00:00+00:00"),
        ("2026-11-23T19:59:00-08:00", 24, "America/Los_Angeles", "2026-11-25T03:59:00+00:00"),
        # Spring forward (2026-03-08): 24 elapsed hours read 11:00 on the new clock.
        ("2026-03-07T10:00:00-08:00", 24, "America/Los_Angeles", "2026-03-08T18:00:00+00:00"),
        # ... and a night-time due moves to 09:00 PDT, which is 16:00 UTC.
        ("2026-03-06T23:30:00-08:00", 24, "America/Los_Angeles", "2026-03-08T16:00:00+00:00"),
        ("2026-03-07T22:00:00-08:00", 24, "America/Los_Angeles", "2026-03-09T16:00:00+00:00"),
        # Fall back (2026-11-01): 09:00 PST is 17:00 UTC.
        ("2026-10-31T03:00:00-07:00", 24, "America/Los_Angeles", "2026-11-01T17:00:00+00:00"),
        ("2026-10-31T06:00:00-07:00", 48, "America/Los_Angeles", "2026-11-02T17:00:00+00:00"),
        ("2026-10-31T10:00:00-07:00", 24, "America/Los_Angeles", "2026-11-01T17:00:00+00:00"),
        # The patient's own timezone, not the clinic's: 20:00 in New York is too late.
        ("2026-11-23T17:00:00-08:00", 24, "America/New_York", "2026-11-25T14:00:00+00:00"),
        ("2026-11-23T05:30:00-08:00", 24, "America/New_York", "2026-11-24T14:00:00+00:00"),
        # Madrid (UTC+1 in November): 10:30 clinic time is 19:30 there, still inside.
        ("2026-11-23T10:30:00-08:00", 24, "Europe/Madrid", "2026-11-24T18:30:00+00:00"),
        ("2026-11-23T11:30:00-08:00", 24, "Europe/Madrid", "2026-11-25T08:00:00+00:00"),
    ],
)
def test_check_in_due_at_is_elapsed_hours_moved_into_the_local_window(
    performed_at: str, hours: int, zone: str, due_utc: str
) -> None:
    due = plan_due_at(at(performed_at), Step("x", hours), ZoneInfo(zone), WINDOW)
    assert due == at(due_utc)
    assert due.tzinfo == UTC
    assert is_in_window(due, ZoneInfo(zone), WINDOW)


def test_naive_procedure_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        plan_due_at(datetime(2026, 11, 23, 9, 30), Step("24h", 24), LA, WINDOW)


@pytest.mark.parametrize(
    ("local", "inside"),
    [("08:59", False), ("09:00", True), ("13:00", True), ("19:59", True), ("20:00", False)],
)
def test_window_includes_its_start_and_excludes_its_end(local: str, inside: bool) -> None:
    instant = datetime.combine(datetime(2026, 11, 23).date(), time.fromisoformat(local), LA)
    assert is_in_window(instant, LA, WINDOW) is inside


def test_window_opening_inside_a_spring_forward_gap_moves_past_the_gap() -> None:
    opening = local_wall_time(datetime(2026, 3, 8), time(2, 30), LA)
    assert opening == at("2026-03-08T10:30:00+00:00")
    assert opening.astimezone(LA).hour == 3


def test_instant_inside_the_window_is_kept() -> None:
    instant = at("2026-11-24T18:00:00+00:00")
    assert into_window(instant, LA, WINDOW) == instant
