"""The enrollment form: what the nurse typed, as an enrollment request, and its errors.

``Procedure time`` is a ``datetime-local`` (a wall time with no zone): it is read in the
chosen ``Time zone`` and handed to the enrollment service as ISO 8601 with that offset. A
wall time that a daylight-saving change skips does not exist and is refused; one that a
change repeats is read as the first (``fold=0``), and ``repeated_wall_time`` says which
offset that was, for the page to show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from recovery.patients.validation import (
    PROCEDURE_KINDS,
    SHORT_NAME_OF,
    EnrollmentRequest,
    InvalidRequest,
    timezone_names,
)

LABELS = {
    "name": "Name",
    "phone": "Mobile phone",
    "language": "Language",
    "timezone": "Time zone",
    "procedure": "Procedure",
    "performed_at": "Procedure time",
    "levels": "Vertebral levels",
    "baseline_pain": "Baseline pain",
    "mrn": "MRN",
    "consent": "Patient agreed to receive texts",
}
LANGUAGES = (("en", "English"), ("es", "Spanish"))
COMMON_TIMEZONES = (
    "America/Los_Angeles",
    "America/Denver",
    "America/Phoenix",
    "America/Chicago",
    "America/New_York",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
)
WALL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


@cache
def other_timezones() -> tuple[str, ...]:
    """Every IANA Area/Location zone name but the common ones, sorted."""
    return tuple(sorted(timezone_names() - set(COMMON_TIMEZONES)))


def procedure_choices() -> list[tuple[str, str]]:
    """The procedures the form offers, as (value, label)."""
    return [(kind, kind.capitalize()) for kind in PROCEDURE_KINDS]


@dataclass(frozen=True)
class EnrollmentForm:
    """The enrollment form as typed (every value kept as text, to show again)."""

    values: dict[str, str]

    @classmethod
    def blank(cls, default_timezone: str) -> EnrollmentForm:
        """An empty form with the clinic's defaults."""
        return cls(
            {"language": "en", "timezone": default_timezone, "procedure": PROCEDURE_KINDS[0]}
        )

    @classmethod
    def read(cls, form: Mapping[str, str]) -> EnrollmentForm:
        """The form as posted."""
        values = {key: str(form.get(key, "")).strip() for key in LABELS if key != "consent"}
        values["consent"] = "yes" if form.get("consent") else ""
        return cls(values)

    def performed_at(self) -> str:
        """The procedure time as ISO 8601 with the offset of the chosen time zone (as typed
        when it cannot be read so, or when the time does not exist in the zone)."""
        text = self.values.get("performed_at", "")
        wall = self._wall_time()
        if wall is None or _is_skipped(wall):
            return text
        return wall.isoformat()

    def repeated_wall_time(self) -> str | None:
        """For a wall time that happens twice (clocks going back), which one was read."""
        wall = self._wall_time()
        if wall is None or wall.utcoffset() == wall.replace(fold=1).utcoffset():
            return None
        return (
            f"{LABELS['performed_at']} {wall:%Y-%m-%d %H:%M} happens twice in {wall.tzinfo} "
            f"(the clocks go back): read as the first, at UTC{_offset(wall)}."
        )

    def _wall_time(self) -> datetime | None:
        text = self.values.get("performed_at", "")
        if not WALL_TIME.match(text):
            return None
        try:
            zone = ZoneInfo(self.values.get("timezone", ""))
            wall = datetime.fromisoformat(text)
        except (ValueError, KeyError):
            return None
        return wall.replace(tzinfo=zone, fold=0)

    def to_request(self) -> EnrollmentRequest:
        """The enrollment request the service checks."""
        values = self.values
        return EnrollmentRequest(
            name=values.get("name"),
            phone=values.get("phone"),
            performed_at=self.performed_at(),
            sms_consent=bool(values.get("consent")),
            language=values.get("language"),
            timezone=values.get("timezone"),
            mrn=values.get("mrn") or None,
            procedure_kind=values.get("procedure"),
            levels=values.get("levels") or None,
            baseline_pain=values.get("baseline_pain") or None,
        )

    def errors(self, invalid: InvalidRequest) -> dict[str, str]:
        """The service's errors by form field, in sentences naming the field."""
        errors = {}
        for key, why in invalid.fields.items():
            field = SHORT_NAME_OF.get(key, "form")
            errors[field] = sentence(LABELS.get(field, "This enrollment"), why)
        if "performed_at" in errors:
            errors["performed_at"] = self._time_error(invalid.fields["procedure.performed_at"])
        return errors

    def _time_error(self, why: str) -> str:
        text = self.values.get("performed_at", "")
        label = LABELS["performed_at"]
        if not text:
            return f"{label} is required"
        if not WALL_TIME.match(text):
            return f"{label} must be a date and time"
        wall = self._wall_time()
        if wall is None:
            return f"{label} is read in the Time zone: choose a time zone"
        if _is_skipped(wall):
            return (
                f"{label} {wall:%Y-%m-%d %H:%M} does not exist in {wall.tzinfo}: the clocks "
                "go forward then (daylight saving time); check the time"
            )
        return sentence(label, why)


def sentence(label: str, why: str) -> str:
    """A field's error as a sentence: "Name is required", "Mobile phone: not a valid ..."."""
    if why.startswith(("is ", "must ")):
        return f"{label} {why}"
    return f"{label}: {why}"


def _is_skipped(wall: datetime) -> bool:
    """Whether a wall time falls in a gap that a daylight-saving change skips."""
    round_trip = wall.astimezone(UTC).astimezone(wall.tzinfo)
    return round_trip.replace(tzinfo=None) != wall.replace(tzinfo=None)


def _offset(instant: datetime) -> str:
    """The UTC offset in force at ``instant``, as -07:00."""
    return instant.isoformat()[-6:]
