"""SIGTERM ends the open streams at once, with their ``closing`` notice.

uvicorn runs in the main thread (where a server gets its signals) and the test
sends SIGTERM to its own process; without the app's handling the open stream
would hold the shutdown for the whole graceful timeout (``wushe serve``: 20 s).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import TYPE_CHECKING, Any

import uvicorn

from tests.e2e.live_support import EventReader, admin_token, needs_of
from tests.e2e.test_serve import free_port
from tests.integration.test_commands import found
from wushe.infra.settings import Settings
from wushe.platform.application import WusheApplication
from wushe.platform.http.app import create_app

if TYPE_CHECKING:
    from pathlib import Path


def test_sigterm_ends_the_open_streams_at_once(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    application = WusheApplication(settings)
    try:
        community, token = found(application), admin_token(application)
    finally:
        application.close()
    server = uvicorn.Server(uvicorn.Config(
        create_app(settings, live=False), host="127.0.0.1", port=free_port(),
        log_level="warning", timeout_graceful_shutdown=20))  # as ``wushe serve``
    seen: dict[str, Any] = {}
    client = threading.Thread(target=_stream_then_sigterm,
                              args=(server, needs_of(community), token, seen))
    # uvicorn raises the signal again once it has stopped: caught here, not fatal.
    before = signal.signal(signal.SIGTERM, lambda *_: seen.setdefault("raised again", True))
    try:
        client.start()
        server.run()
        stopped = time.monotonic()
    finally:
        signal.signal(signal.SIGTERM, before)
        client.join(10)
    assert (seen["closing"].event, seen["closing"].data) == ("closing", {"reason": "shutdown"})
    assert seen["ended"]
    assert stopped - seen["signalled"] < 5  # the streams would have held it 20 s
    assert seen["raised again"]


def _stream_then_sigterm(server: uvicorn.Server, path: str, token: str,
                         seen: dict[str, Any]) -> None:
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        base = f"http://127.0.0.1:{server.config.port}"
        reader = EventReader(base, path, {"Authorization": f"Bearer {token}"})
        assert reader.next().event == "open"
        seen["signalled"] = time.monotonic()
        os.kill(os.getpid(), signal.SIGTERM)
        seen["closing"], seen["ended"] = reader.next(), reader.ended()
    finally:
        server.should_exit = True  # whatever happened, let the main thread go on
