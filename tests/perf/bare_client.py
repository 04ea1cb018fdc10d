"""The baseline of the morning wave: the bare ``twilio`` client, no database, in its own process.

``python -m tests.perf.bare_client API_URL ACCOUNT_SID AUTH_TOKEN COUNT CALLBACK_URL`` sends
COUNT texts through the official client with 100 requests in flight (one client per thread,
as the service's sender keeps one), each asking for status callbacks at CALLBACK_URL, and
exits when all are accepted. ``python -m tests.perf.bare_client sink PORT`` is the bare
status-callback sink that answers those callbacks.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from recovery.sending.twilio_gateway import make_twilio_client
from tests.perf.data import SERVICE_NUMBER, phone

IN_FLIGHT = 100


def send_all(api_url: str, account_sid: str, token: str, count: int, callback: str) -> None:
    """Send ``count`` texts, ``IN_FLIGHT`` at a time, each from its thread's own client."""
    local = threading.local()

    def send(index: int) -> None:
        if not hasattr(local, "client"):
            local.client = make_twilio_client(account_sid, token, api_url)
        local.client.messages.create(
            to=phone(index),
            from_=SERVICE_NUMBER,
            body=f"Check-in {index}: how bad was your pain? Reply 0-10.",
            status_callback=callback,
        )

    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        for done in pool.map(send, range(1, count + 1)):
            assert done is None


class _Sink(BaseHTTPRequestHandler):
    """Answers every status callback 204 and keeps nothing."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        """200: the sink is up."""
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        """204, whatever was posted."""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


class _SinkServer(ThreadingHTTPServer):
    request_queue_size = 1024  # as waitress and gunicorn listen: no connection refused


def serve_sink(port: int) -> None:
    """The bare status-callback sink: a threaded HTTP server on loopback, until killed."""
    _SinkServer(("127.0.0.1", port), _Sink).serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "sink":
        serve_sink(int(sys.argv[2]))
    else:
        api, sid, secret, how_many, url = sys.argv[1:6]
        send_all(api, sid, secret, int(how_many), url)
