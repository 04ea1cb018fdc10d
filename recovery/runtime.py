"""What a running service holds: its settings, database engine and sessions, the clinic as
texts name it and who is on call. It sits below every capability, so each may take it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config.settings import Settings
from recovery.db import make_engine, make_session_factory


@dataclass(frozen=True)
class Clinic:
    """What texts say about the clinic, and the timezone used when none is given."""

    name: str
    phone: str
    default_timezone: str


@dataclass(frozen=True)
class OnCall:
    """Who is paged for urgent flags, and how a flag's page is linked."""

    phone: str
    flag_url: Callable[[int], str]


@dataclass
class Runtime:
    """The service's long-lived parts, built once per process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    extras: dict[str, object] = field(default_factory=dict)
    # The clock the staff pages read "now" from: the wall clock, or a test's fixed instant.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

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
