"""A process's sending parts, built from its runtime's settings on first use and kept."""

from __future__ import annotations

from typing import Any

from recovery.runtime import Runtime
from recovery.sending.gateways import ConsoleGateway, SmsGateway
from recovery.sending.outbox import Outbox
from recovery.sending.pacing import Pacer
from recovery.sending.signing import public_url
from recovery.sending.twilio_gateway import TwilioGateway


def make_gateway(backend: str, **twilio_settings: Any) -> SmsGateway:
    """The gateway for SMS_BACKEND: 'console', or 'twilio' built from the Twilio settings."""
    if backend == "console":
        return ConsoleGateway()
    if backend == "twilio":
        return TwilioGateway(**twilio_settings)
    raise ValueError(f"unknown SMS backend {backend!r}: use 'twilio' or 'console'")


def gateway_of(runtime: Runtime) -> SmsGateway:
    """The SMS gateway for SMS_BACKEND, built on first use."""
    if "gateway" not in runtime.extras:
        settings = runtime.settings
        runtime.extras["gateway"] = make_gateway(
            settings.sms_backend,
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            api_url=settings.twilio_api_url,
            from_number=settings.twilio_from_number or None,
            messaging_service_sid=settings.twilio_messaging_service_sid or None,
        )
    gateway: SmsGateway = runtime.extras["gateway"]  # type: ignore[assignment]
    return gateway


def outbox_of(runtime: Runtime) -> Outbox:
    """The sender of queued texts (one per process, shared by its threads)."""
    if "outbox" not in runtime.extras:
        settings = runtime.settings
        callback, rate = None, settings.sms_rate_per_second
        if settings.sms_backend == "twilio":
            callback = public_url(settings, "/webhooks/twilio/status")
        runtime.extras["outbox"] = Outbox(
            sessions=runtime.sessions,
            gateway=gateway_of(runtime),
            status_callback=callback,
            pacer=Pacer(rate if settings.sms_backend == "twilio" else 0),
        )
    outbox: Outbox = runtime.extras["outbox"]  # type: ignore[assignment]
    return outbox
