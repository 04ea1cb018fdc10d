"""Twilio request signatures: the key, the public URL they cover, and the check."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from urllib.parse import urlparse

from twilio.request_validator import RequestValidator, add_port, remove_port

from config.settings import Settings


def signing_key(settings: Settings) -> str:
    """Twilio's auth token; with the console backend, a key derived from SECRET_KEY."""
    if settings.twilio_auth_token:
        return settings.twilio_auth_token
    return hmac.new(settings.secret_key.encode(), b"console-webhooks", hashlib.sha256).hexdigest()


def public_url(settings: Settings, path_and_query: str) -> str:
    """The URL Twilio calls for a path (what signatures are computed over)."""
    return settings.public_base_url + path_and_query


def sign(settings: Settings, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send for this URL and these form parameters."""
    return str(RequestValidator(signing_key(settings)).compute_signature(url, params))


def is_signed(settings: Settings, url: str, params: Mapping[str, str], signature: str) -> bool:
    """Whether the signature is Twilio's for this URL and these parameters."""
    if not signature or not signature.isascii():
        return False
    # Twilio signs the URL it was given, which may or may not name the default port.
    parsed = urlparse(url)
    given = signature.encode("ascii")
    return any(
        hmac.compare_digest(sign(settings, variant, params).encode("ascii"), given)
        for variant in (add_port(parsed), remove_port(parsed))
    )
