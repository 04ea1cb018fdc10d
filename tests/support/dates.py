"""Calendar days near the real clock, for tests that go through the entry points.

The API, the CLI, the CSV import and the form read the wall clock, and a procedure more than
30 days ahead, or too long ago for any check-in, is refused (SPEC 4): so their dates are
counted from tomorrow in Los Angeles rather than written out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_TOMORROW = datetime.now(ZoneInfo("America/Los_Angeles")).date() + timedelta(days=1)


def day(n: int) -> str:
    """The ISO date ``n`` days after tomorrow in Los Angeles (``day(0)`` is tomorrow)."""
    return (_TOMORROW + timedelta(days=n)).isoformat()


D0, D1, D2, D3, D7, D8 = (day(n) for n in (0, 1, 2, 3, 7, 8))


# Area/Location zones all round the world (patients' zones are IANA Area/Location names).
ZONES_AROUND_THE_WORLD = (
    "Pacific/Pago_Pago",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Atlantic/South_Georgia",
    "Atlantic/Azores",
    "Africa/Abidjan",
    "Africa/Lagos",
    "Africa/Cairo",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Brisbane",
    "Pacific/Noumea",
    "Pacific/Auckland",
)


def zone_inside_the_window_now(now: datetime | None = None) -> str:
    """A timezone whose clock now reads between 10:00 and 18:00, so texts may go out."""
    now = now or datetime.now(UTC)
    for zone in ZONES_AROUND_THE_WORLD:
        if 10 <= now.astimezone(ZoneInfo(zone)).hour < 18:
            return zone
    raise AssertionError("no timezone is in the daytime")
