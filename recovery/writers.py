"""SQLite's writers wait in line inside the process, not in SQLite's busy handler.

SQLite lets one transaction write at a time. Every transaction here begins with ``BEGIN
IMMEDIATE``, taking the write lock up front so that two writers never deadlock on an
upgrade. A writer that finds the lock taken sleeps in SQLite's busy handler, in steps that
grow to 100 ms, and others may take the lock meanwhile: under the morning wave's status
callbacks most of a web thread's time went there. So the threads of one process queue on a
lock of their own, per database file, and each begins the moment the one before it has
committed or rolled back. Another process (a ``flask tick`` beside ``flask serve``) is
still met by the busy handler, as before.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import OperationalError

WAIT_SECONDS = 30.0  # as long as SQLite's own busy timeout


class WriterLine:
    """The line of one process's writers to one SQLite file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: int | None = None  # id of the DBAPI connection in its transaction

    def begin(self, connection: Any) -> None:
        """SQLAlchemy's ``begin`` event: wait for our turn, then take SQLite's write lock."""
        raw = _raw(connection.connection)
        if not self._lock.acquire(timeout=WAIT_SECONDS):
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
