"""Refusing webhook requests that Twilio did not sign."""

from __future__ import annotations

from flask import Request

from config.settings import Settings
from recovery.sending.signing import is_signed, public_url


def is_from_twilio(settings: Settings, request: Request) -> bool:
    """Whether X-Twilio-Signature matches PUBLIC_BASE_URL + path + query and the form."""
    query = request.query_string.decode("latin-1")
    url = public_url(settings, request.path + (f"?{query}" if query else ""))
    signature = request.headers.get("X-Twilio-Signature", "")
    return is_signed(settings, url, request.form, signature)
