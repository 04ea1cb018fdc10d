"""The enrollment form: what the nurse typed, as an enrollment request, and its errors.

``Procedure time`` is a ``datetime-local`` (a wall time with no zone): it is read in the
chosen ``Time zone`` and handed to the enrollment service as ISO 8601 with that offset. A
wall time that a daylight-saving change skips or repeats takes the offset in force before
the change (``fold=0``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from recovery.patients.validation import (
    PROCEDURE_KINDS,
    SHORT_NAME_OF,
    EnrollmentRequest,
    InvalidRequest,
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
    """Every IANA zone name but the common ones, sorted."""
    names = available_timezones() - set(COMMON_TIMEZONES)
    return tuple(sorted(name for name in names if "/" in name and not name.startswith("Etc/")))


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
        """The procedure time as ISO 8601 with the offset of the chosen time zone."""
        text = self.values.get("performed_at", "")
        if not WALL_TIME.match(text):
            return text
        try:
            zone = ZoneInfo(self.values.get("timezone", ""))
            wall = datetime.fromisoformat(text)
        except (ValueError, KeyError):
            return text
        return wall.replace(tzinfo=zone, fold=0).isoformat()

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
            errors["performed_at"] = self._time_error()
        return errors

    def _time_error(self) -> str:
        text = self.values.get("performed_at", "")
        label = LABELS["performed_at"]
        if not text:
            return f"{label} is required"
        if not WALL_TIME.match(text):
            return f"{label} must be a date and time"
        if self.performed_at() == text:
            return f"{label} is read in the Time zone: choose a time zone"
        return f"{label} is not a plausible procedure date"


def sentence(label: str, why: str) -> str:
    """A field's error as a sentence: "Name is required", "Mobile phone: not a valid ..."."""
    if why.startswith(("is ", "must ")):
        return f"{label} {why}"
    return f"{label}: {why}"
