"""Engines and sessions for SQLite (embedded) and PostgreSQL (production), the line SQLite's
writers wait in, the schema's Alembic migrations in ``migrations/``, and the folding of the
tallies their triggers keep.

Texts and flags are counted by the database (migration 0006): on every insert, delete and
change of a label, triggers append rows of change to ``message_tallies`` and
``flag_tallies``, whatever wrote it, never updating a shared row, so concurrent writers do not
wait on each other; a label's count is the sum of its rows. ``fold_tallies`` folds the rows
into one per label and ``vacuum_tallies`` gives back the space of the folded ones, so that the
sums stay quick to read.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_SECONDS = 5
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The tally tables (migration 0006) and the labels each counts by.
TALLIES = {
    "message_tallies": ("direction", "status", "error_code"),
    "flag_tallies": ("kind", "severity", "status"),
}
# A fold of this many rows is followed by a VACUUM of the tallies on PostgreSQL.
VACUUM_AFTER = 1_000
# The advisory lock that the processes folding the tallies on PostgreSQL take turns with.
_TALLIES_LOCK = 0x7461_6C6C_6965_73  # "tallies"


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


# SQLite's writers wait in line inside the process, not in SQLite's busy handler.
#
# SQLite lets one transaction write at a time. Every transaction here begins with ``BEGIN
# IMMEDIATE``, taking the write lock up front so that two writers never deadlock on an
# upgrade. A writer that finds the lock taken sleeps in SQLite's busy handler, in steps that
# grow to 100 ms, and others may take the lock meanwhile: under the morning wave's status
# callbacks most of a web thread's time went there. So the threads of one process queue on a
# lock of their own, per database file, and each begins the moment the one before it has
# committed or rolled back. Another process (a ``flask tick`` beside ``flask serve``) is
# still met by the busy handler, as before.

WRITER_WAIT_SECONDS = 30.0  # as long as SQLite's own busy timeout


class WriterLine:
    """The line of one process's writers to one SQLite file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: int | None = None  # id of the DBAPI connection in its transaction

    def begin(self, connection: Any) -> None:
        """SQLAlchemy's ``begin`` event: wait for our turn, then take SQLite's write lock."""
        raw = _raw(connection.connection)
        if not self._lock.acquire(timeout=WRITER_WAIT_SECONDS):
            raise OperationalError("BEGIN IMMEDIATE", None, TimeoutError("database is locked"))
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        self._holder = raw

    def end(self, connection: Any) -> None:
        """The transaction on ``connection`` is over (or the connection is gone): next."""
        if self._holder is not None and self._holder == _raw(connection):
            self._holder = None
            self._lock.release()

    def ending(self, finish: Callable[[Any], None]) -> Callable[[Any], None]:
        """A dialect's ``do_commit`` or ``do_rollback`` that lets the next writer in after."""

        def finish_then_next(connection: Any) -> None:
            try:
                finish(connection)
            finally:
                self.end(connection)

        return finish_then_next


def _raw(connection: Any) -> int:
    """The identity of the DBAPI connection behind a pooled one (or of itself)."""
    return id(getattr(connection, "dbapi_connection", None) or connection)


_LINES: dict[str, WriterLine] = {}
_LINES_LOCK = threading.Lock()


def writer_line(database: str) -> WriterLine:
    """This process's line of writers to one database file (one per file, shared by engines)."""
    key = database if database == ":memory:" else os.path.abspath(database)
    with _LINES_LOCK:
        return _LINES.setdefault(key, WriterLine())


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


def fold_tallies(session: Session) -> int:
    """Fold each tally's rows into one per label, in the session's transaction; how many rows
    were folded (0 when each label has one row already, or when another process is folding).

    Safe with concurrent writers and folders. On PostgreSQL one statement deletes the rows and
    inserts their sums, so a row that a writer adds meanwhile is neither deleted nor summed
    (the next fold takes it), and an advisory lock lets one process fold while the others
    skip. On SQLite the transaction holds the database's only write lock from its start.
    """
    if session.get_bind().dialect.name != "postgresql":
        return sum(_fold_under_write_lock(session, *tally) for tally in TALLIES.items())
    if not session.scalar(text(f"SELECT pg_try_advisory_xact_lock({_TALLIES_LOCK})")):
        return 0
    folded = 0
    for table, labels in TALLIES.items():
        columns, is_unfolded = ", ".join(labels), _has_more_rows_than_labels(table, labels)
        folded += session.scalar(
            text(
                f"WITH gone AS (DELETE FROM {table} WHERE {is_unfolded} "
                f"RETURNING {columns}, delta), "
                f"sums AS (INSERT INTO {table} ({columns}, delta) "
                f"SELECT {columns}, sum(delta) FROM gone GROUP BY {columns} "
                "HAVING sum(delta) <> 0) "
                "SELECT count(*) FROM gone"
            )
        )
    return folded


def _has_more_rows_than_labels(table: str, labels: tuple[str, ...]) -> str:
    """SQL that is true when a fold would change the table (DISTINCT takes NULLs as equal)."""
    distinct = f"SELECT DISTINCT {', '.join(labels)} FROM {table}"
    return f"(SELECT count(*) FROM {table}) > (SELECT count(*) FROM ({distinct}) AS labels)"


def _fold_under_write_lock(session: Session, table: str, labels: tuple[str, ...]) -> int:
    """SQLite: sum the rows up to the newest into new rows, and delete them."""
    if not session.scalar(text(f"SELECT {_has_more_rows_than_labels(table, labels)}")):
        return 0
    newest = session.scalar(text(f"SELECT max(id) FROM {table}"))
    columns = ", ".join(labels)
    session.execute(
        text(
            f"INSERT INTO {table} ({columns}, delta) SELECT {columns}, sum(delta) FROM {table} "
            f"WHERE id <= :newest GROUP BY {columns} HAVING sum(delta) <> 0"
        ),
        {"newest": newest},
    )
    gone = session.execute(text(f"DELETE FROM {table} WHERE id <= :newest"), {"newest": newest})
    return int(gone.rowcount)  # type: ignore[attr-defined]


def vacuum_tallies(engine: Engine) -> None:
    """PostgreSQL: VACUUM the tallies now, so that a sum does not read the pages of folded
    rows even where autovacuum is slow or off (a process already vacuuming them is not
    waited for). Nothing on SQLite, which reuses the pages of deleted rows."""
    if is_sqlite(engine):
        return
    tables = ", ".join(TALLIES)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        # INDEX_CLEANUP ON: no dead line pointers are left behind to keep the emptied
        # pages, so that VACUUM can give them back.
        connection.exec_driver_sql(f"VACUUM (SKIP_LOCKED, INDEX_CLEANUP ON) {tables}")
