"""A small HTTP load generator: threads, http.client, and requests prepared beforehand.

Closed loop (``as_fast_as_possible``): a fixed number of clients each send the next request
as soon as the last one is answered, for a bounded time and count: the server's throughput.
Open loop (``at_rate``): request ``i`` is due at ``start + i / rate`` whatever happened to the
others, and its latency counts from when it was due, so a server that falls behind shows it
(no coordinated omission).
"""

from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    """One prepared HTTP request."""

    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    """What a load run got: statuses, latencies (s) and how long it lasted."""

    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int | None, latency: float) -> None:
        """Count one answer (None: no answer at all)."""
        with self.lock:
            if status is None:
                self.errors += 1
            else:
                self.statuses[status] += 1
                self.latencies.append(latency)

    @property
    def succeeded(self) -> int:
        """Answers with a 2xx status."""
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)

    @property
    def failed(self) -> int:
        """Non-2xx answers and requests that got no answer."""
        return sum(self.statuses.values()) - self.succeeded + self.errors

    @property
    def per_second(self) -> float:
        """Successful requests per second."""
        return self.succeeded / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """A latency percentile in milliseconds (``share`` 0-100)."""
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else 0.0
        cut = statistics.quantiles(self.latencies, n=1000, method="inclusive")
        return cut[min(int(share * 10) - 1, len(cut) - 1)] * 1000


class _Client:
    """One keep-alive connection that reconnects when the server closes it."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def send(self, request: Request) -> int | None:
        try:
            self.connection.request(
                request.method, request.path, body=request.body, headers=request.headers
            )
            response = self.connection.getresponse()
            response.read()
            if response.will_close:
                self.connection.close()
            return response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            return None

    def close(self) -> None:
        self.connection.close()


def _run_threads(count: int, target: Callable[[], None]) -> None:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def as_fast_as_possible(
    host: str,
    port: int,
    requests: Sequence[Request],
    *,
    clients: int,
    seconds: float,
    timeout: float = 10.0,
) -> Outcome:
    """Closed loop: ``clients`` at once, until ``seconds`` pass or the requests run out."""
    outcome, numbers = Outcome(), itertools.count()
    start = time.monotonic()
    deadline = start + seconds

    def work() -> None:
        client = _Client(host, port, timeout)
        try:
            while time.monotonic() < deadline:
                index = next(numbers)  # itertools.count is atomic under the GIL
                if index >= len(requests):
                    return
                began = time.monotonic()
                status = client.send(requests[index])
                outcome.add(status, time.monotonic() - began)
        finally:
            client.close()

    _run_threads(clients, work)
    outcome.seconds = time.monotonic() - start
    return outcome


def at_rate(
    host: str,
    port: int,
    requests: Sequence[Request],
    *,
    rate: float,
    seconds: float,
    clients: int = 32,
    timeout: float = 10.0,
) -> Outcome:
    """Open loop: request ``i`` due at ``start + i / rate``, for ``seconds`` (bounded by count)."""
    total = min(len(requests), int(rate * seconds))
    outcome, numbers = Outcome(), itertools.count()
    start = time.monotonic() + 0.1

    def work() -> None:
        client = _Client(host, port, timeout)
        try:
            while (index := next(numbers)) < total:
                due = start + index / rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                status = client.send(requests[index])
                outcome.add(status, time.monotonic() - due)
        finally:
            client.close()

    _run_threads(clients, work)
    outcome.seconds = time.monotonic() - start
    return outcome
