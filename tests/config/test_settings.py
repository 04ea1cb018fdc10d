"""Settings come from the environment once, and production refuses to start half set up."""

import pytest

from config.settings import DEV_SECRET_KEY, SettingsError, load_settings

TWILIO = {
    "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
    "TWILIO_AUTH_TOKEN": "secret-token",
    "TWILIO_FROM_NUMBER": "+15005550006",
}


def test_empty_environment_gives_working_development_defaults() -> None:
    settings = load_settings({})
    assert settings.env == "development"
    assert settings.sms_backend == "console"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("instance/recovery.db")
    assert settings.public_base_url == "http://127.0.0.1:5000"
    assert settings.sms_rate_per_second == 1
    assert settings.default_timezone == "America/Los_Angeles"
    assert settings.secret_key == DEV_SECRET_KEY


def test_twilio_credentials_make_twilio_the_default_backend() -> None:
    assert load_settings(TWILIO).sms_backend == "twilio"


def test_settings_cannot_be_changed_after_loading() -> None:
    settings = load_settings({})
    with pytest.raises(AttributeError):
        settings.env = "production"  # type: ignore[misc]


def test_production_without_anything_names_everything_missing() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"RECOVERY_ENV": "production"})
    message = str(caught.value)
    assert "SECRET_KEY" in message
    assert "PUBLIC_BASE_URL" in message
    assert "SMS backend" in message


def test_production_with_everything_starts() -> None:
    settings = load_settings(
        {
            "RECOVERY_ENV": "production",
            "SECRET_KEY": "s3cr3t-and-long-enough-for-prod",
            "PUBLIC_BASE_URL": "https://checkin.example.org/",
            **TWILIO,
        }
    )
    assert settings.is_production
    assert settings.public_base_url == "https://checkin.example.org"


def test_production_refuses_the_development_secret_key() -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings(
            {
                "RECOVERY_ENV": "production",
                "SECRET_KEY": DEV_SECRET_KEY,
                "PUBLIC_BASE_URL": "https://checkin.example.org",
                **TWILIO,
            }
        )


@pytest.mark.parametrize(
    ("environ", "words"),
    [
        ({"SMS_RATE_PER_SECOND": "fast"}, "SMS_RATE_PER_SECOND"),
        ({"SMS_RATE_PER_SECOND": "-1"}, "SMS_RATE_PER_SECOND"),
        ({"SMS_BACKEND": "carrier-pigeon"}, "SMS_BACKEND"),
        ({"SMS_BACKEND": "twilio"}, "TWILIO_ACCOUNT_SID"),
        ({"DEFAULT_TIMEZONE": "Nowhere/Land"}, "DEFAULT_TIMEZONE"),
        ({**TWILIO, "TWILIO_FROM_NUMBER": ""}, "TWILIO_MESSAGING_SERVICE_SID"),
    ],
)
def test_bad_values_are_refused_by_name(environ: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        load_settings(environ)


def test_rate_zero_means_no_cap() -> None:
    assert load_settings({"SMS_RATE_PER_SECOND": "0"}).sms_rate_per_second == 0


def test_every_variable_of_the_environment_is_read() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql+psycopg://app@db.example.org/recovery",
            "SECRET_KEY": "another-secret-key",
            "SMS_BACKEND": "console",
            "TWILIO_ACCOUNT_SID": TWILIO["TWILIO_ACCOUNT_SID"],
            "TWILIO_AUTH_TOKEN": TWILIO["TWILIO_AUTH_TOKEN"],
            "TWILIO_MESSAGING_SERVICE_SID": "MG" + "2" * 32,
            "TWILIO_API_URL": "http://127.0.0.1:8099/",
            "PUBLIC_BASE_URL": "https://checkin.example.org",
            "SMS_RATE_PER_SECOND": "50",
            "CLINIC_NAME": "Harbor Spine Center",
            "CLINIC_PHONE": "+13105550100",
            "DEFAULT_TIMEZONE": "America/New_York",
            "ON_CALL_PHONE": "(310) 555-0199",
            "RETENTION_DAYS": "365",
        }
    )
    assert settings.database_url == "postgresql+psycopg://app@db.example.org/recovery"
    assert settings.secret_key == "another-secret-key"
    assert settings.sms_backend == "console"
    assert settings.twilio_messaging_service_sid == "MG" + "2" * 32
    assert settings.twilio_api_url == "http://127.0.0.1:8099"
    assert settings.sms_rate_per_second == 50
    assert (settings.clinic_name, settings.clinic_phone) == ("Harbor Spine Center", "+13105550100")
    assert settings.default_timezone == "America/New_York"
    assert settings.on_call_phone == "+13105550199"
    assert settings.retention_days == 365


def test_defaults_of_the_twilio_url_clinic_and_on_call() -> None:
    settings = load_settings({})
    assert settings.twilio_api_url == "https://api.twilio.com"
    assert settings.clinic_name and settings.clinic_phone
    assert settings.on_call_phone == ""
    assert settings.retention_days is None  # keep everything


@pytest.mark.parametrize(
    ("environ", "words"),
    [
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"PUBLIC_BASE_URL": "checkin.example.org"}, "PUBLIC_BASE_URL"),
        ({"TWILIO_API_URL": "ftp://api.example.org"}, "TWILIO_API_URL"),
        ({"ON_CALL_PHONE": "12345"}, "ON_CALL_PHONE"),
        ({"RECOVERY_ENV": "staging"}, "RECOVERY_ENV"),
        ({"RETENTION_DAYS": "a year"}, "RETENTION_DAYS"),
        ({"RETENTION_DAYS": "0"}, "RETENTION_DAYS"),
        ({"RETENTION_DAYS": "-5"}, "RETENTION_DAYS"),
    ],
)
def test_unusable_values_are_refused_by_name(environ: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        load_settings(environ)


def test_production_refuses_the_console_backend_even_with_credentials() -> None:
    environ = {
        "RECOVERY_ENV": "production",
        "SECRET_KEY": "s3cr3t-and-long-enough-for-prod",
        "PUBLIC_BASE_URL": "https://checkin.example.org",
        "SMS_BACKEND": "console",
        **TWILIO,
    }
    with pytest.raises(SettingsError, match="SMS backend"):
        load_settings(environ)


def test_production_names_the_missing_sender() -> None:
    environ = {
        "RECOVERY_ENV": "production",
        "SECRET_KEY": "s3cr3t-and-long-enough-for-prod",
        "PUBLIC_BASE_URL": "https://checkin.example.org",
        **TWILIO,
        "TWILIO_FROM_NUMBER": "",
    }
    with pytest.raises(SettingsError, match="TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"):
        load_settings(environ)
