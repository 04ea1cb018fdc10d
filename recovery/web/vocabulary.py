"""How the staff pages say things: flag kinds in words, ages, times with their zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from recovery.states import FlagKind

KIND_WORDS = {
    FlagKind.RED_FLAG_SYMPTOMS: "Warning signs",
    FlagKind.SEVERE_PAIN: "Severe pain",
    FlagKind.WORSENING_PAIN: "Worsening pain",
    FlagKind.PERSISTENT_PAIN: "Persistent pain",
    FlagKind.NOT_IMPROVING: "Not improving",
    FlagKind.LIMITED_MOBILITY: "Limited mobility",
    FlagKind.NO_RESPONSE: "No response",
    FlagKind.DELIVERY_FAILURE: "Delivery failure",
    FlagKind.OPTED_OUT: "Opted out",
    FlagKind.NEEDS_REVIEW: "Needs review",
    FlagKind.PATIENT_COMMENT: "Patient comment",
}
ACTIVITY_WORDS = {
    1: "In bed most of the day",
    2: "Up, only inside home",
    3: "Walking outside home",
    4: "Usual activities",
}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def kind_words(kind: FlagKind | str) -> str:
    """A flag kind as nurses say it ("Severe pain")."""
    return KIND_WORDS.get(FlagKind(kind), str(kind))


def age_words(minutes: int) -> str:
    """A short age: "12 min", "3 h", "2 d"."""
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def elapsed_words(minutes: int) -> str:
    """An age in words for sentences: "12 minutes", "3 hours", "2 days"."""
    if minutes < 120:
        count, unit = minutes, "minute"
    elif minutes < 48 * 60:
        count, unit = minutes // 60, "hour"
    else:
        count, unit = minutes // (24 * 60), "day"
    return f"{count} {unit}{'' if count == 1 else 's'}"


def local_time(instant: datetime | None, zone_name: str) -> str:
    """An instant on the wall clock of a zone, with its abbreviation: "Tue Nov 24, 9:30 AM PST"."""
    if instant is None:
        return ""
    local = instant.astimezone(ZoneInfo(zone_name))
    hour = local.hour % 12 or 12
    meridiem = "AM" if local.hour < 12 else "PM"
    day = f"{DAYS[local.weekday()]} {MONTHS[local.month - 1]} {local.day}, {local.year}"
    return f"{day}, {hour}:{local.minute:02d} {meridiem} {local.tzname()}"


def clock_time(instant: datetime, zone_name: str) -> str:
    """The time of day in a zone: "9:30 AM PST"."""
    local = instant.astimezone(ZoneInfo(zone_name))
    hour = local.hour % 12 or 12
    meridiem = "AM" if local.hour < 12 else "PM"
    return f"{hour}:{local.minute:02d} {meridiem} {local.tzname()}"


def staff_name(actor: str | None) -> str:
    """An audit actor as people read it: "user:3:ann@example.org" -> "ann@example.org"."""
    if not actor:
        return ""
    kind, _, rest = actor.partition(":")
    if kind == "user" and ":" in rest:
        return rest.split(":", 1)[1]
    return actor


EVENT_WORDS = {
    "flag.raise": "Raised",
    "flag.update": "New evidence",
    "flag.acknowledge": "Acknowledged",
    "flag.resolve": "Resolved",
    "flag.escalate": "On-call nurse paged",
}


def event_words(action: str) -> str:
    """A flag's audit action in words ("Acknowledged")."""
    return EVENT_WORDS.get(action, action)
