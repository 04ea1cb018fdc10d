"""Settings, read from the environment once into a frozen object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROTOCOLS_DIR = Path(__file__).resolve().parent / "protocols"
DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'recovery.db'}"
LOG_FORMATS = ("text", "json")
SMS_BACKENDS = ("twilio", "console")


class SettingsError(ValueError):
    """The environment does not describe a service that can start."""


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment (SPEC 6.2)."""

    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = DEV_SECRET_KEY
    env: str = "development"
    sms_backend: str = "console"
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_from_number: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_api_url: str = "https://api.twilio.com"
    public_base_url: str = "http://127.0.0.1:5000"
    sms_rate_per_second: float = 1.0
    clinic_name: str = "Valley Spine Clinic"
    clinic_phone: str = "+15625550100"
    default_timezone: str = "America/Los_Angeles"
    on_call_phone: str = ""
    log_format: str = "text"
    metrics_token: str = field(default="", repr=False)
    fhir_mrn_system: str = ""
    # Days a patient is kept after their last follow-up ended; None keeps everything.
    retention_days: int | None = None

    @property
    def is_production(self) -> bool:
        """Whether this is a production deployment."""
        return self.env == "production"

    @property
    def has_twilio_credentials(self) -> bool:
        """Whether an account SID and auth token are set."""
        return bool(self.twilio_account_sid and self.twilio_auth_token)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the environment, refusing what cannot run."""
    env = os.environ if environ is None else environ

    def value(name: str, default: str = "") -> str:
        return env.get(name, "").strip() or default

    has_credentials = bool(value("TWILIO_ACCOUNT_SID") and value("TWILIO_AUTH_TOKEN"))
    settings = Settings(
        database_url=value("DATABASE_URL", DEFAULT_DATABASE_URL),
        secret_key=value("SECRET_KEY", DEV_SECRET_KEY),
        env=value("RECOVERY_ENV", "development").lower(),
        sms_backend=value("SMS_BACKEND", "twilio" if has_credentials else "console").lower(),
        twilio_account_sid=value("TWILIO_ACCOUNT_SID"),
        twilio_auth_token=value("TWILIO_AUTH_TOKEN"),
        twilio_from_number=value("TWILIO_FROM_NUMBER"),
        twilio_messaging_service_sid=value("TWILIO_MESSAGING_SERVICE_SID"),
        twilio_api_url=value("TWILIO_API_URL", "https://api.twilio.com").rstrip("/"),
        public_base_url=value("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        sms_rate_per_second=_read_rate(value("SMS_RATE_PER_SECOND", "1")),
        clinic_name=value("CLINIC_NAME", Settings.clinic_name),
        clinic_phone=value("CLINIC_PHONE", Settings.clinic_phone),
        default_timezone=value("DEFAULT_TIMEZONE", Settings.default_timezone),
        on_call_phone=_read_phone("ON_CALL_PHONE", value("ON_CALL_PHONE")),
        log_format=_read_log_format(value("LOG_FORMAT", "text")),
        metrics_token=value("METRICS_TOKEN"),
        fhir_mrn_system=value("FHIR_MRN_SYSTEM"),
        retention_days=_read_days("RETENTION_DAYS", value("RETENTION_DAYS")),
    )
    check_settings(settings, explicit_secret="SECRET_KEY" in env and bool(value("SECRET_KEY")))
    return settings


def _read_log_format(text: str) -> str:
    chosen = text.strip().lower()
    if chosen not in LOG_FORMATS:
        raise SettingsError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {text!r}")
    return chosen


def _read_rate(text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        raise SettingsError(f"SMS_RATE_PER_SECOND must be a number, not {text!r}") from None
    if rate < 0:
        raise SettingsError("SMS_RATE_PER_SECOND must be 0 (no cap) or more")
    return rate


def _read_days(name: str, text: str) -> int | None:
    """A number of days, 1 or more (empty: None)."""
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise SettingsError(f"{name} must be a whole number of days, 1 or more, not {text!r}")
    return int(text)


def _read_phone(name: str, text: str) -> str:
    """A phone number setting as E.164 (empty stays empty)."""
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise SettingsError(f"{name} {text!r} is not a valid phone number (e.g. +15625550100)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _url_problems(settings: Settings) -> list[str]:
    problems = []
    try:
        make_url(settings.database_url)
    except ArgumentError:
        problems.append(
            "DATABASE_URL must be a database URL, e.g. sqlite:///instance/recovery.db "
            "or postgresql+psycopg://user@host/recovery"
        )
    for name, url in (
        ("PUBLIC_BASE_URL", settings.public_base_url),
        ("TWILIO_API_URL", settings.twilio_api_url),
    ):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"{name} must be an http:// or https:// URL, not {url!r}")
    return problems


def check_settings(settings: Settings, *, explicit_secret: bool = True) -> None:
    """Raise SettingsError naming every setting that is wrong or missing."""
    problems = _url_problems(settings)
    if settings.env not in ("development", "production", "test"):
        problems.append("RECOVERY_ENV must be development, test or production")
    if settings.sms_backend not in SMS_BACKENDS:
        problems.append(f"SMS_BACKEND must be one of {', '.join(SMS_BACKENDS)}")
    if settings.sms_backend == "twilio":
        problems += _twilio_problems(settings)
    try:
        ZoneInfo(settings.default_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"DEFAULT_TIMEZONE {settings.default_timezone!r} is not an IANA timezone")
    if settings.is_production:
        problems += _production_problems(settings, explicit_secret)
    if problems:
        raise SettingsError("; ".join(problems))


def _twilio_problems(settings: Settings) -> list[str]:
    problems = []
    if not settings.has_twilio_credentials:
        problems.append("SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
    if not (settings.twilio_from_number or settings.twilio_messaging_service_sid):
        problems.append(
            "SMS_BACKEND=twilio needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
        )
    return problems


def _production_problems(settings: Settings, explicit_secret: bool) -> list[str]:
    problems = []
    if (
        not explicit_secret
        or settings.secret_key == DEV_SECRET_KEY
        or len(settings.secret_key) < 16
    ):
        problems.append("RECOVERY_ENV=production needs SECRET_KEY (a random string of 16+ chars)")
    if settings.public_base_url.startswith(("http://127.", "http://localhost")):
        problems.append("RECOVERY_ENV=production needs PUBLIC_BASE_URL (the URL Twilio calls)")
    if settings.sms_backend != "twilio":
        problems.append(
            "RECOVERY_ENV=production needs a real SMS backend, not the console: "
            "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER "
            "or TWILIO_MESSAGING_SERVICE_SID"
        )
    return problems
