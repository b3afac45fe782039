"""A real webhook receiver on loopback for the tests: verifies signatures, can fail on purpose.

It answers 500 to its first ``fail_first`` requests (to exercise retries), then 200,
and keeps every request it got with whether its signature verified under the secret
it was told (``secret``), so tests assert what an integrator would see.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import msgspec

from wushe.infra.webhook_settings import WebhookSettings
from wushe.platform.webhooks.signing import verify

if TYPE_CHECKING:
    from collections.abc import Iterator

# Tiny delays, loopback allowed, few attempts: retries happen within milliseconds.
FAST = WebhookSettings(allow_private_addresses=True, max_attempts=3, backoff_seconds=0.01,
                       backoff_cap_seconds=0.04, timeout_seconds=5.0, poll_seconds=0.02,
                       concurrency=2)


@dataclass(frozen=True, slots=True)
class Received:
    """One request the receiver got."""

    headers: dict[str, str]
    body: dict[str, Any]
    verified: bool
    answered: int


class Receiver:
    """What the server got, and how it answers."""

    def __init__(self, fail_first: int = 0, delay: float = 0.0) -> None:
        self.fail_first, self.delay = fail_first, delay
        self.secret = ""
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.url = ""

    def take(self, headers: dict[str, str], raw: bytes) -> int:
        """Record a request and decide the answer."""
        with self.lock:
            answer = 500 if len(self.received) < self.fail_first else 200
            verified = verify(self.secret, raw, headers.get("x-wushe-signature", ""), time.time())
            self.received.append(Received(headers, msgspec.json.decode(raw), verified, answer))
        return answer

    def delivered(self) -> list[Received]:
        """The requests answered 200."""
        with self.lock:
            return [r for r in self.received if r.answered == 200]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", "0")))
            answer = receiver.take({k.lower(): v for k, v in self.headers.items()}, raw)
            time.sleep(receiver.delay)  # a slow receiver
            self.send_response(answer)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:  # quiet
            return

    return Handler


@contextmanager
def receiving(fail_first: int = 0, delay: float = 0.0) -> Iterator[Receiver]:
    """A receiver listening on 127.0.0.1 while the context is open."""
    receiver = Receiver(fail_first, delay)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/wushe"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
