"""Twilio signatures: accepted with or without the default port, refused otherwise."""

from __future__ import annotations

from config.settings import Settings
from recovery.sending.signing import is_signed, sign

URL = "https://checkin.example.org/webhooks/twilio/sms"
PARAMS = {"MessageSid": "SM" + "0" * 32, "Body": "7"}


def test_a_signature_over_the_url_with_or_without_its_port_is_accepted() -> None:
    settings = Settings(twilio_auth_token="secret-token")
    assert is_signed(settings, URL, PARAMS, sign(settings, URL, PARAMS))
    with_port = URL.replace(".org/", ".org:443/")
    assert is_signed(settings, URL, PARAMS, sign(settings, with_port, PARAMS))


def test_a_wrong_missing_or_odd_signature_is_refused() -> None:
    settings = Settings(twilio_auth_token="secret-token")
    good = sign(settings, URL, PARAMS)
    assert not is_signed(settings, URL, {**PARAMS, "Body": "8"}, good)
    assert not is_signed(settings, URL, PARAMS, "")
    assert not is_signed(settings, URL, PARAMS, good[:-2] + "é=")
    assert not is_signed(Settings(twilio_auth_token="other"), URL, PARAMS, good)
