"""Calendar days near the real clock, for tests that go through the entry points.

The API, the CLI, the CSV import and the form read the wall clock, and a procedure more than
30 days ahead, or too long ago for any check-in, is refused (SPEC 4): so their dates are
counted from tomorrow in Los Angeles rather than written out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

_TOMORROW = datetime.now(ZoneInfo("America/Los_Angeles")).date() + timedelta(days=1)


def day(n: int) -> str:
    """The ISO date ``n`` days after tomorrow in Los Angeles (``day(0)`` is tomorrow)."""
    return (_TOMORROW + timedelta(days=n)).isoformat()


D0, D1, D2, D3, D7, D8 = (day(n) for n in (0, 1, 2, 3, 7, 8))
