"""Schedule arithmetic: when a check-in is due, and the patient's delivery window."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from recovery.protocols.definitions import Step, Window


def local_wall_time(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The instant a wall clock in ``zone`` shows ``at`` on ``day``'s date."""
    wall = datetime.combine(day.date(), at, tzinfo=zone)
    # A wall time inside a spring-forward gap does not exist: move past the gap.
    round_trip = wall.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != wall.replace(tzinfo=None):
        wall = round_trip
    return wall.astimezone(UTC)


def is_in_window(instant: datetime, zone: ZoneInfo, window: Window) -> bool:
    """Whether the patient's local clock is inside the delivery window at ``instant``."""
    local = instant.astimezone(zone).time()
    return window.start <= local < window.end


def into_window(instant: datetime, zone: ZoneInfo, window: Window) -> datetime:
    """``instant`` if it is inside the window, else the next window opening (in UTC)."""
    if is_in_window(instant, zone, window):
        return instant.astimezone(UTC)
    local = instant.astimezone(zone)
    if local.time() >= window.end:
        local = local + timedelta(days=1)
    return local_wall_time(local, window.start, zone)


def plan_due_at(performed_at: datetime, step: Step, zone: ZoneInfo, window: Window) -> datetime:
    """When a step's check-in is due: elapsed hours after the procedure, moved into the window."""
    if performed_at.tzinfo is None:
        raise ValueError("performed_at must carry a timezone")
    return into_window(performed_at + timedelta(hours=step.offset_hours), zone, window)


def is_past_lateness(due_at: datetime, lateness_hours: float, now: datetime) -> bool:
    """Whether a check-in due at ``due_at`` is, at ``now``, too late to send at all."""
    return now - due_at > timedelta(hours=lateness_hours)


def welcome_at(performed_at: datetime, zone: ZoneInfo, window: Window, now: datetime) -> datetime:
    """When the welcome goes: at enrollment, or at the procedure time when that is still
    ahead (so that nobody is told about texts weeks before the procedure), within the window."""
    return into_window(max(performed_at, now), zone, window)
