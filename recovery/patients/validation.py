"""Checking an enrollment request field by field (pure: no database)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import phonenumbers

from recovery.types import storable_text

PROCEDURE_KINDS = ("vertebroplasty", "kyphoplasty")
LANGUAGE_NAMES = {
    "en": "en",
    "english": "en",
    "es": "es",
    "spanish": "es",
    "espanol": "es",
    "español": "es",
}
YES = {"yes", "y", "true", "1", "si", "sí", "on"}
NO = {"no", "n", "false", "0", "off", ""}
# A procedure further ahead than this is a typo in the date (a year, a month), not a plan.
LONGEST_AHEAD = timedelta(days=30)


# Each request field's short name: the CSV column and the web form field that carry it.
SHORT_NAME_OF = {
    "patient.name": "name",
    "patient.phone": "phone",
    "patient.language": "language",
    "patient.timezone": "timezone",
    "patient.mrn": "mrn",
    "patient.sms_consent": "consent",
    "procedure.kind": "procedure",
    "procedure.performed_at": "performed_at",
    "procedure.baseline_pain": "baseline_pain",
    "procedure.levels": "levels",
}


class InvalidRequest(ValueError):
    """Bad input; ``fields`` maps each bad field to what is wrong with it."""

    def __init__(self, fields: dict[str, str], message: str = "invalid enrollment") -> None:
        super().__init__(f"{message}: " + "; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.message = message
        self.fields = fields


@dataclass(frozen=True)
class EnrollmentRequest:
    """An enrollment as it arrived, before checking (any source: API, CLI, form, CSV)."""

    name: Any = None
    phone: Any = None
    performed_at: Any = None
    sms_consent: Any = None
    language: Any = None
    timezone: Any = None
    mrn: Any = None
    procedure_kind: Any = None
    levels: Any = None
    baseline_pain: Any = None
    protocol: Any = None


@dataclass(frozen=True)
class CleanEnrollment:
    """An enrollment request whose every field is known to be good."""

    name: str
    phone: str
    performed_at: datetime
    language: str
    timezone: str
    mrn: str | None
    procedure_kind: str
    levels: str | None
    baseline_pain: int | None
    protocol: str

    @property
    def first_name(self) -> str:
        """The first word of the name, used to greet the patient."""
        return self.name.split()[0]


def check_request(request: EnrollmentRequest, *, default_timezone: str) -> CleanEnrollment:
    """Check every field; raise InvalidRequest listing all that are wrong."""
    errors: dict[str, str] = {}

    def field(key: str, parse: Any, value: Any) -> Any:
        try:
            return parse(value)
        except ValueError as error:
            errors[key] = str(error)
            return None

    clean = {
        "name": field("patient.name", parse_name, request.name),
        "phone": field("patient.phone", parse_phone, request.phone),
        "language": field("patient.language", parse_language, request.language),
        "timezone": field("patient.timezone", parse_timezone, request.timezone or default_timezone),
        "mrn": field("patient.mrn", _optional_text(64), request.mrn),
        "procedure_kind": field("procedure.kind", parse_procedure_kind, request.procedure_kind),
        "performed_at": field("procedure.performed_at", parse_instant, request.performed_at),
        "levels": field("procedure.levels", _optional_text(64), request.levels),
        "baseline_pain": field("procedure.baseline_pain", parse_baseline, request.baseline_pain),
        "protocol": field("protocol", parse_protocol_name, request.protocol),
    }
    consent = field("patient.sms_consent", parse_consent, request.sms_consent)
    if consent is False:
        errors["patient.sms_consent"] = "the patient must agree to receive texts before enrollment"
    if errors:
        raise InvalidRequest(errors)
    return CleanEnrollment(**clean)


def parse_name(value: Any) -> str:
    """A patient's name: 1-200 characters of text."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("is required")
    name = " ".join(storable_text(value).split())
    if len(name) > 200:
        raise ValueError("must be at most 200 characters")
    return name


def parse_phone(value: Any, region: str = "US") -> str:
    """A mobile number in any common format, as E.164."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("is required")
    try:
        number = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException:
        raise ValueError("not a valid phone number") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_language(value: Any) -> str:
    """``en`` or ``es`` (English when not given)."""
    if value is None or value == "":
        return "en"
    language = LANGUAGE_NAMES.get(str(value).strip().casefold())
    if language is None:
        raise ValueError("must be en or es")
    return language


# The areas of IANA Area/Location names; other names in the database (EST, US/Eastern,
# Etc/GMT+5) are legacy links or fixed offsets that do not follow daylight saving as the
# patient's clock does.
ZONE_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe"}
    | {"Indian", "Pacific"}
)
# The Area/Location name suggested for a legacy name that people still type.
LEGACY_ZONES = {
    legacy: zone
    for zone, names in {
        "America/New_York": ("est", "edt", "est5edt", "us/eastern"),
        "America/Chicago": ("cst", "cdt", "cst6cdt", "us/central"),
        "America/Denver": ("mst", "mdt", "mst7mdt", "us/mountain"),
        "America/Phoenix": ("us/arizona",),
        "America/Los_Angeles": ("pst", "pdt", "pst8pdt", "us/pacific"),
        "America/Anchorage": ("us/alaska",),
        "Pacific/Honolulu": ("hst", "us/hawaii"),
    }.items()
    for legacy in names
}


@cache
def timezone_names() -> frozenset[str]:
    """Every IANA Area/Location timezone name (America/New_York; not EST or US/Eastern)."""
    return frozenset(name for name in available_timezones() if name.partition("/")[0] in ZONE_AREAS)


def parse_timezone(value: Any) -> str:
    """An IANA Area/Location timezone name such as America/Los_Angeles."""
    name = str(value).strip() if isinstance(value, str) else ""
    if name in timezone_names():
        ZoneInfo(name)
        return name
    suggestion = LEGACY_ZONES.get(name.casefold(), "America/New_York")
    if name in available_timezones() or name.casefold() in LEGACY_ZONES or _is_offset(name):
        raise ValueError(
            f"{name!r} is a legacy zone name, not an IANA Area/Location name: "
            f"use an Area/Location name such as {suggestion}"
        )
    raise ValueError(
        "not an IANA timezone name: use an Area/Location name such as America/New_York"
    )


def _is_offset(name: str) -> bool:
    """A fixed offset such as GMT+5 or UTC-08:00, which no patient's clock keeps all year."""
    return re.fullmatch(r"(?i)(etc/)?(gmt|utc|z)?\s*[+-]\s*\d{1,2}(:?\d{2})?", name) is not None


def parse_procedure_kind(value: Any) -> str:
    """The procedure: vertebroplasty (the default) or kyphoplasty."""
    if value is None or value == "":
        return PROCEDURE_KINDS[0]
    kind = str(value).strip().casefold()
    if kind not in PROCEDURE_KINDS:
        raise ValueError(f"must be one of {', '.join(PROCEDURE_KINDS)}")
    return kind


def parse_instant(value: Any) -> datetime:
    """An ISO 8601 date and time that carries its UTC offset."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("is required (ISO 8601 with offset, e.g. 2026-11-23T09:30:00-08:00)")
    text = value.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("not an ISO 8601 date and time") from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("must include a UTC offset, e.g. -08:00")
    if not 2000 <= instant.year <= 2100:
        raise ValueError("is not a plausible procedure date")
    return instant


def check_procedure_time(
    performed_at: datetime,
    is_past_lateness: Sequence[bool],
    *,
    lateness_hours: float,
    now: datetime,
) -> None:
    """Refuse a procedure more than 30 days ahead, or so long ago that every step of the
    protocol (``is_past_lateness``, one per step) is past its latest lateness."""
    if performed_at - now > LONGEST_AHEAD:
        problem = "is more than 30 days ahead: check the date"
    elif is_past_lateness and all(is_past_lateness):
        problem = (
            "too late to follow up: every check-in of the protocol would be more than "
            f"{lateness_hours:g} h late"
        )
    else:
        return
    raise InvalidRequest({"procedure.performed_at": problem})


def parse_baseline(value: Any) -> int | None:
    """Pain before the procedure: a whole number 0-10, or nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("must be a whole number from 0 to 10")
    try:
        pain = int(str(value).strip()) if not isinstance(value, int | float) else int(value)
    except ValueError:
        raise ValueError("must be a whole number from 0 to 10") from None
    if not 0 <= pain <= 10:
        raise ValueError("must be a whole number from 0 to 10")
    return pain


def parse_consent(value: Any) -> bool:
    """Whether staff confirmed the patient agreed to texts (yes/no, true/false)."""
    if isinstance(value, bool):
        return value
    if value is None:
        raise ValueError("is required: did the patient agree to receive texts?")
    text = str(value).strip().casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError("must be yes or no")


def parse_protocol_name(value: Any) -> str:
    """A protocol's name (vertebroplasty when not given)."""
    if value is None or value == "":
        return "vertebroplasty"
    if not isinstance(value, str) or len(value) > 64:
        raise ValueError("must be the name of a protocol")
    return storable_text(value).strip()


def _optional_text(limit: int) -> Any:
    def parse(value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str | int):
            raise ValueError("must be text")
        text = storable_text(str(value).strip())
        if len(text) > limit:
            raise ValueError(f"must be at most {limit} characters")
        return text

    return parse
