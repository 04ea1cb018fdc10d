"""Pacing sends across threads: never more than a set number in any one second."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# A little under the cap, so that thread-scheduling jitter never puts one send too many
# into a one-second window.
SAFETY = 0.985


class Pacer:
    """Hands out evenly spaced send slots; a rate of 0 means no cap."""

    def __init__(
        self,
        rate_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._interval = 1.0 / (rate_per_second * SAFETY) if rate_per_second > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot = 0.0

    def wait(self) -> None:
        """Block until this caller's slot comes."""
        if not self._interval:
            return
        with self._lock:
            slot = max(self._clock(), self._next_slot)
            self._next_slot = slot + self._interval
        delay = slot - self._clock()
        if delay > 0:
            self._sleep(delay)
