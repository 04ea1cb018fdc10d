"""What a running service holds: its settings, database engine and sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from recovery.db import make_engine, make_session_factory
from recovery.enrollment import Clinic
from recovery.flags import OnCall
from recovery.gateways import SmsGateway, make_gateway
from recovery.outbox import Outbox
from recovery.pacing import Pacer
from recovery.signing import public_url


@dataclass
class Runtime:
    """The service's long-lived parts, built once per process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    extras: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        """Build the engine and session factory for these settings."""
        engine = make_engine(settings.database_url)
        return cls(settings=settings, engine=engine, sessions=make_session_factory(engine))

    @property
    def clinic(self) -> Clinic:
        """The clinic as texts name it."""
        return Clinic(
            name=self.settings.clinic_name,
            phone=self.settings.clinic_phone,
            default_timezone=self.settings.default_timezone,
        )

    @property
    def gateway(self) -> SmsGateway:
        """The SMS gateway for SMS_BACKEND, built on first use."""
        if "gateway" not in self.extras:
            settings = self.settings
            self.extras["gateway"] = make_gateway(
                settings.sms_backend,
                account_sid=settings.twilio_account_sid,
                auth_token=settings.twilio_auth_token,
                api_url=settings.twilio_api_url,
                from_number=settings.twilio_from_number or None,
                messaging_service_sid=settings.twilio_messaging_service_sid or None,
            )
        gateway: SmsGateway = self.extras["gateway"]  # type: ignore[assignment]
        return gateway

    @property
    def outbox(self) -> Outbox:
        """The sender of queued texts (one per process, shared by its threads)."""
        if "outbox" not in self.extras:
            callback, rate = None, self.settings.sms_rate_per_second
            if self.settings.sms_backend == "twilio":
                callback = public_url(self.settings, "/webhooks/twilio/status")
            self.extras["outbox"] = Outbox(
                sessions=self.sessions,
                gateway=self.gateway,
                status_callback=callback,
                pacer=Pacer(rate if self.settings.sms_backend == "twilio" else 0),
            )
        outbox: Outbox = self.extras["outbox"]  # type: ignore[assignment]
        return outbox

    @property
    def on_call(self) -> OnCall | None:
        """Who is paged for urgent flags, when ON_CALL_PHONE is set."""
        if not self.settings.on_call_phone:
            return None
        base = self.settings.public_base_url
        return OnCall(phone=self.settings.on_call_phone, flag_url=lambda i: f"{base}/flags/{i}")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session


def utc_now() -> datetime:
    """The current instant, in UTC (only entry points read the clock)."""
    return datetime.now(UTC)
