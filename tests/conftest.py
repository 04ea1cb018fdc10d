"""Shared fixtures: a real database (SQLite file, and PostgreSQL when TEST_DATABASE_URL is
set), the app built for it, and clients to drive it."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from config.settings import Settings
from recovery import create_app, runtime_of
from recovery.db import make_engine, normalize_url, upgrade_database
from recovery.models import Base
from recovery.protocols.definitions import load_defaults
from recovery.runtime import Runtime, utc_now
from recovery.sending.wiring import gateway_of
from recovery.staff.tokens import create_token
from tests.support.twilio_server import TwilioServer

SERVICE_NUMBER = "+15005550006"

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
DATABASES = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


def pytest_report_header() -> list[str]:
    """Say which databases the run covers, and whether the browser tests can run."""
    if TEST_DATABASE_URL:
        databases = "databases: sqlite and postgresql (TEST_DATABASE_URL)"
    else:
        databases = "databases: sqlite only (set TEST_DATABASE_URL to also run on PostgreSQL)"
    if Path("/usr/bin/chromium").exists():
        browser = "browser tests: Chromium at /usr/bin/chromium"
    else:
        browser = "browser tests: SKIPPED, no /usr/bin/chromium (apt-get install chromium)"
    return [databases, browser]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In the PostgreSQL run (CI), a skipped test is a failure: everything must run."""
    if not (TEST_DATABASE_URL or os.environ.get("REQUIRE_BROWSER")):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == 0:
        reporter.write_line(f"{len(skipped)} test(s) skipped, and this run must skip none")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _prepare(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade_database(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    _prepare(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, migrated once and dropped at the end."""
    if not TEST_DATABASE_URL:
        pytest.fail("PostgreSQL tests need TEST_DATABASE_URL")
    server = make_url(normalize_url(TEST_DATABASE_URL))
    name = f"recovery_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # A test database need not survive a crash: commits don't wait for the disk.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    url = server.set(database=name).render_as_string(hide_password=False)
    _prepare(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each kind the run covers."""
    if request.param == "sqlite":
        path = tmp_path / "recovery.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings for a test service: console SMS, a known clinic."""
    return Settings(
        database_url=database_url,
        env="test",
        sms_backend="console",
        public_base_url="http://testserver",
        clinic_name="Valley Spine Clinic",
        clinic_phone="+15625550100",
        default_timezone="America/Los_Angeles",
        sms_rate_per_second=0,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator:
    """The web app over the test database, with the default protocols loaded."""
    application = create_app(settings)
    application.config["TESTING"] = True
    runtime = runtime_of(application)
    with runtime.transaction() as session:
        load_defaults(session, now=utc_now())
    yield application
    runtime.engine.dispose()


@pytest.fixture
def runtime(app) -> Runtime:  # type: ignore[no-untyped-def]
    """The app's runtime: settings, engine, sessions."""
    return runtime_of(app)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """An HTTP client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):  # type: ignore[no-untyped-def]
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def api_token(runtime: Runtime) -> str:
    """A live API token."""
    with runtime.transaction() as session:
        _row, token = create_token(session, "tests", actor="tests", now=utc_now())
    return token


@pytest.fixture
def auth(api_token: str) -> dict[str, str]:
    """Headers that carry the API token."""
    return {"Authorization": f"Bearer {api_token}"}


def with_settings(settings: Settings, **changes: object) -> Settings:
    """A copy of the settings with some values changed."""
    return replace(settings, **changes)  # type: ignore[arg-type]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def twilio() -> Iterator[TwilioServer]:
    """A Twilio-compatible API on loopback."""
    with TwilioServer() as server:
        yield server


@pytest.fixture
def live_port() -> int:
    """The port the live app will listen on (known before the app is built)."""
    return free_port()


@pytest.fixture
def twilio_settings(settings: Settings, twilio: TwilioServer, live_port: int) -> Settings:
    """Settings for a service that texts through the test Twilio and is called back live."""
    return with_settings(
        settings,
        sms_backend="twilio",
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_api_url=twilio.base_url,
        twilio_from_number=SERVICE_NUMBER,
        public_base_url=f"http://127.0.0.1:{live_port}",
    )


@pytest.fixture
def live_app(twilio_settings: Settings, live_port: int) -> Iterator[Flask]:
    """The app built on Twilio settings and served over real HTTP on loopback."""
    application = create_app(twilio_settings)
    runtime = runtime_of(application)
    with runtime.transaction() as session:
        load_defaults(session, now=utc_now())
    server = make_server("127.0.0.1", live_port, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield application
    server.shutdown()
    thread.join()
    gateway_of(runtime).close()  # type: ignore[attr-defined]
    runtime.engine.dispose()
