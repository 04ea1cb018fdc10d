"""Pacing sends across threads: never more than a set number in any one second.

A send may go when the send ``cap`` places before it went more than a window ago (a sliding
window over the real moments of the sends), and no sooner than its place in an even spacing.
A caller that wakes late takes its slot late and is recorded late, so it can never put one
send too many into a window; the next caller may catch up, as long as the window allows it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

# Added to the window: a send's request reaches Twilio a little after its slot, by a varying
# amount (thread switches, building the request), and the cap holds where Twilio counts.
MARGIN = 0.03


class Pacer:
    """Hands out send slots, at most ``rate`` in any one second; a rate of 0 means no cap."""

    def __init__(
        self,
        rate_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        margin: float = MARGIN,
    ) -> None:
        # Below one a second, the window grows: one send in every 1 / rate seconds.
        self._cap = max(1, math.floor(rate_per_second)) if rate_per_second > 0 else 0
        window = max(1.0, 1.0 / rate_per_second) if rate_per_second > 0 else 0.0
        self._window = window + margin
        self._spacing = self._window / self._cap if self._cap else 0.0
        self._clock = clock
        self._sleep = sleep
        self._turn = threading.Lock()  # one caller at a time waits for the next slot
        self._sent: deque[float] = deque(maxlen=self._cap or 1)
        self._next_slot = -math.inf

    def wait(self) -> None:
        """Block until this caller may send; its send counts from the moment this returns."""
        if not self._cap:
            return
        with self._turn:
            slot = max(self._clock(), self._next_slot, self._window_opens())
            while (delay := slot - self._clock()) > 0:
                self._sleep(delay)
            sent = self._clock()
            self._sent.append(sent)
            # A late caller may be followed at once, but the schedule never runs ahead.
            self._next_slot = max(slot + self._spacing, sent)

    def _window_opens(self) -> float:
        """When the send ``cap`` places back leaves the window (now, if fewer were sent)."""
        if len(self._sent) < self._cap:
            return -math.inf
        return self._sent[0] + self._window
