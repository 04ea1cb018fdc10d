"""The HTTP plumbing of the fake Twilio: a keep-alive threading server and signed webhook posts.

`LoopbackServer` reads each HTTP/1.1 request and hands it to a `Responder` (the TwilioServer),
one thread per connection, so a hundred clients each holding a keep-alive connection are all
served at once.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from twilio.request_validator import RequestValidator

_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, JSON body (or none) and extra headers."""

    status: int
    body: dict[str, Any] | None
    headers: dict[str, str] = field(default_factory=dict)


class Responder(Protocol):
    """What answers the requests a LoopbackServer reads."""

    def respond(self, method: str, path: str, query: str, form: str, headers: Message) -> Reply: ...


def post_signed_form(url: str, params: dict[str, str], auth_token: str) -> int:
    """POST form params to a webhook URL, signed as Twilio signs; return the HTTP status."""
    return post_signed_form_reading(url, params, auth_token)[0]


def post_signed_form_reading(url: str, params: dict[str, str], auth_token: str) -> tuple[int, str]:
    """POST form params to a webhook URL, signed as Twilio signs; the status and the body."""
    signature = RequestValidator(auth_token).compute_signature(url, params)
    request = urllib.request.Request(
        url,
        data=urlencode(params).encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
            "User-Agent": "TwilioProxy/1.1",
        },
    )
    try:
        with _NO_PROXY_OPENER.open(request, timeout=10) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, ""


class LoopbackServer(ThreadingHTTPServer):
    """A threading HTTP server on loopback that closes its keep-alive connections on stop."""

    daemon_threads = True
    request_queue_size = 512  # a burst of 100+ new connections must not overflow the backlog

    def __init__(self, responder: Responder) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.responder = responder
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        # A short poll interval: stop() waits for the serving loop to notice.
        self._thread = threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, close the listening socket and every open connection."""
        self.shutdown()
        self.server_close()
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Remember the connection, then serve it in its own thread."""
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget and close a finished connection."""
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hung up (a timed-out client closes before a late answer)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Reads one HTTP/1.1 request (keep-alive), asks the responder, writes the JSON answer."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: LoopbackServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(length).decode() if length else ""
        url = urlsplit(self.path)
        reply = self.server.responder.respond(self.command, url.path, url.query, form, self.headers)
        data = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: hundreds of requests a second would drown the test output."""
