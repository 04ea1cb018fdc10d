"""Engines and sessions for SQLite (embedded) and PostgreSQL (production), and the schema's
Alembic migrations in ``migrations/``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from recovery.writers import writer_line

SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_SECONDS = 5
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def normalize_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that don't name a driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **options: Any) -> Engine:
    """An engine set up for safe concurrent use of its database."""
    url = normalize_url(url)
    parsed = make_url(url)
    # Errors then never carry the statement's values (names, numbers, texts) into logs.
    options.setdefault("hide_parameters", True)
    if parsed.get_backend_name() != "sqlite":
        options.setdefault("pool_pre_ping", True)
        # A database that does not answer fails a request in seconds, not minutes.
        options.setdefault("connect_args", {"connect_timeout": PG_CONNECT_TIMEOUT_SECONDS})
        options.setdefault("pool_timeout", PG_CONNECT_TIMEOUT_SECONDS)
        options.setdefault("pool_size", 10)
        options.setdefault("max_overflow", 20)
        return create_engine(url, **options)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    options.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    options.setdefault("pool_size", 20)
    options.setdefault("max_overflow", 100)
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _configure_sqlite)
    writers = writer_line(parsed.database or ":memory:")
    event.listen(engine, "begin", writers.begin)
    event.listen(engine.pool, "invalidate", lambda connection, *_: writers.end(connection))
    dialect = engine.dialect
    dialect.do_commit = writers.ending(dialect.do_commit)  # type: ignore[method-assign,assignment]
    dialect.do_rollback = writers.ending(dialect.do_rollback)  # type: ignore[method-assign,assignment]
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: Engine) -> bool:
    """Whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration pointed at our migrations and this engine's database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Create the schema or bring it up to the newest migration (or to ``revision``); safe
    to run again."""
    config = alembic_config(engine)
    with (
        engine.connect() as connection,
        _foreign_keys_off_on_sqlite(connection),
        connection.begin(),
    ):
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        _check_foreign_keys(connection)


@contextmanager
def _foreign_keys_off_on_sqlite(connection: Connection) -> Iterator[None]:
    """SQLite's migrations run without foreign-key enforcement, as SQLite's own procedure
    for changing a table asks: a batch migration rebuilds a table (copy, drop, rename), and
    dropping one that other rows point at fails while foreign keys are enforced. The switch
    only works outside a transaction, so it is thrown on the driver's connection."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.dbapi_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    """Refuse to commit a SQLite migration that left a row pointing at nothing."""
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration broke {len(broken)} foreign key(s): {broken[:5]}")


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database is at the newest migration."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
