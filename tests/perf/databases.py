"""Fresh databases for one benchmark: a SQLite file, or a PostgreSQL database made and dropped."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from recovery.db import make_engine, make_session_factory, normalize_url, upgrade_database
from recovery.models import Base
from recovery.protocols.definitions import load_defaults
from recovery.runtime import utc_now

POSTGRES_SERVER_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
).strip()


def prepare(url: str) -> None:
    """Migrate a database and load the default protocols (what ``flask init-db`` does)."""
    engine = make_engine(url)
    try:
        upgrade_database(engine)
        with make_session_factory(engine).begin() as session:
            load_defaults(session, now=utc_now())
    finally:
        engine.dispose()


@contextmanager
def fresh_sqlite(
    directory: Path, name: str = "bench.db", *, is_prepared: bool = True
) -> Iterator[str]:
    """A new SQLite file in ``directory`` (removed afterwards, with its -wal and -shm)."""
    path = directory / name
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    for file in files:
        file.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    try:
        if is_prepared:
            prepare(url)
        yield url
    finally:
        for file in files:
            file.unlink(missing_ok=True)


@contextmanager
def fresh_postgres(server_url: str = POSTGRES_SERVER_URL) -> Iterator[str]:
    """A new PostgreSQL database ``recovery_bench_<random>``, migrated, dropped afterwards."""
    server = make_url(normalize_url(server_url))
    name = f"recovery_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
        try:
            prepare(url)
            yield url
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def empty_postgres(url: str) -> None:
    """Remove every row but the protocols, and restart the ids (between runs)."""
    engine = create_engine(normalize_url(url))
    tables = [table.name for table in Base.metadata.sorted_tables if table.name != "protocols"]
    try:
        with engine.begin() as connection:
            names = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@contextmanager
def fresh_database(kind: str, directory: Path) -> Iterator[str]:
    """A fresh, migrated database of either kind: "sqlite" or "postgresql"."""
    if kind == "sqlite":
        with fresh_sqlite(directory) as url:
            yield url
    else:
        with fresh_postgres() as url:
            yield url


DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
