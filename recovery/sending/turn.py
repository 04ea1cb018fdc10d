"""One sender at a time: Twilio allows an account about 100 requests in flight, and one
sender alone keeps that many going.

Within a process a lock decides (the scheduler's pass, its wake-up and the inbound
catch-up may all want to send at once); across processes on PostgreSQL, a session-level
advisory lock held for the pass. A pass that does not get its turn sends nothing: the
sender at work takes the texts it would have sent, as they are due.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, func, select

SENDING_LOCK = 0x5E4D_0001  # the advisory lock's key, the service's own
_IN_PROCESS = threading.Lock()


@contextmanager
def sending_turn(engine: Engine) -> Iterator[bool]:
    """True inside when this pass may send; False when another sender is at work."""
    if not _IN_PROCESS.acquire(blocking=False):
        yield False
        return
    try:
        if engine.dialect.name != "postgresql":
            yield True
            return
        with engine.connect() as connection:
            is_mine = bool(connection.scalar(select(func.pg_try_advisory_lock(SENDING_LOCK))))
            connection.commit()
            try:
                yield is_mine
            finally:
                if is_mine:
                    connection.scalar(select(func.pg_advisory_unlock(SENDING_LOCK)))
                    connection.commit()
    finally:
        _IN_PROCESS.release()
