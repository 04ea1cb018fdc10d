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
