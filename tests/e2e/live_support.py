"""A real server on loopback (uvicorn in a thread) and a Server-Sent Events reader.

The server is the app of :func:`create_app` over the test's store, so the test can
set its business clock and its streams' options; the reader is a streaming httpx
client in its own thread, parsing events into a queue.
"""

from __future__ import annotations

import dataclasses
import queue
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import msgspec
import psycopg
import uvicorn
from psycopg import sql

from tests.conftest import _postgres_or_skip
from tests.e2e.test_serve import free_port
from tests.integration.api.conftest import PASSWORD_HASH, World
from tests.integration.api.work_world import NOW, Clock
from wushe.infra.settings import Settings
from wushe.platform.commands.accounts import account_id_of, issue_token
from wushe.platform.domain.account import Account, Roles
from wushe.platform.http.app import create_app
from wushe.platform.http.streams.hub import LiveOptions
from wushe.projections.store import ViewStore

if TYPE_CHECKING:
    from collections.abc import Iterator
    from uuid import UUID

    from litestar import Litestar

    from wushe.platform.application import WusheApplication

# Short enough that a test sees keep-alives, and that a reader notices it was closed.
TEST_OPTIONS = LiveOptions(keepalive_seconds=0.2, poll_seconds=0.05)


def needs_of(community: UUID) -> str:
    """The path of a community's needs stream."""
    return f"/api/v1/communities/{community}/needs/events"


def offers_of(volunteer_id: UUID) -> str:
    """The path of a volunteer's offers stream."""
    return f"/api/v1/volunteers/{volunteer_id}/offers/events"


def staffing_of(community: UUID) -> str:
    """The path of a community's staffing-runs stream."""
    return f"/api/v1/communities/{community}/staffing/events"


class Event(msgspec.Struct, frozen=True):
    """One server-sent event."""

    event: str
    data: dict[str, Any]
    id: int | None


class EventReader:
    """Reads one stream in a thread; :meth:`next` waits for its next event."""

    def __init__(self, base: str, path: str, headers: dict[str, str]) -> None:
        self.status: int | None = None
        self.comments = 0
        self._events: queue.Queue[Event | BaseException | None] = queue.Queue()
        self._stop, self._answered = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._read, args=(base, path, headers),
                                        daemon=True)
        self._thread.start()
        assert self._answered.wait(10), "the stream did not answer"

    def _read(self, base: str, path: str, headers: dict[str, str]) -> None:
        try:
            with httpx.Client(base_url=base, timeout=10) as client, \
                    client.stream("GET", path, headers=headers) as response:
                self.status = response.status_code
                self._answered.set()
                if response.status_code == 200:
                    self._parse(response.iter_lines())
        except (httpx.HTTPError, OSError) as error:
            self._events.put(error)
        finally:
            self._answered.set()
            self._events.put(None)

    def _parse(self, lines: Iterator[str]) -> None:
        fields: dict[str, str] = {}
        for line in lines:
            if self._stop.is_set():
                return
            if line.startswith(":"):
                self.comments += 1
            elif line:
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
            elif "event" in fields:
                self._events.put(Event(fields["event"], msgspec.json.decode(fields["data"]),
                                       int(fields["id"]) if "id" in fields else None))
                fields = {}

    def next(self, timeout: float = 10) -> Event:
        """The next event (fails if the stream ended or nothing came in time)."""
        item = self._events.get(timeout=timeout)
        assert isinstance(item, Event), f"expected an event, the stream gave {item!r}"
        return item

    def kept_alive(self, timeout: float = 5) -> bool:
        """Whether a keep-alive comment came (waiting up to ``timeout`` for one)."""
        deadline = time.monotonic() + timeout
        while self.comments == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.comments > 0

    def ended(self, timeout: float = 5) -> bool:
        """Whether the server ended the stream (after every event was read)."""
        return self._events.get(timeout=timeout) is None

    def close(self) -> None:
        """Stop reading (within a keep-alive interval) and drop the connection."""
        self._stop.set()
        self._thread.join(5)


class LiveServer:
    """The world (ids, tokens, an HTTP client) over a real server, and its streams."""

    def __init__(self, app: Litestar, world: World, base: str) -> None:
        self.app, self.world, self.base = app, world, base
        self.readers: list[EventReader] = []

    def stream(self, path: str, role: str | None, **headers: str) -> EventReader:
        """Open a stream as ``role`` (``last_event_id=`` becomes ``Last-Event-Id``)."""
        extra = {name.replace("_", "-").title(): value for name, value in headers.items()}
        reader = EventReader(self.base, path, self.world.headers(role, **extra))
        self.readers.append(reader)
        return reader

    def live(self, path: str, role: str, **headers: str) -> tuple[EventReader, Event]:
        """Open a stream that must succeed; the reader and its ``open`` event."""
        reader = self.stream(path, role, **headers)
        assert reader.status == 200
        opened = reader.next()
        assert opened.event == "open", opened
        return reader, opened

    def session(self) -> Iterator[LiveServer]:
        """The server for one test: default options, its streams closed afterwards."""
        self.app.state.live.options = TEST_OPTIONS
        try:
            yield self
        finally:
            for reader in self.readers:
                reader.close()
            self.readers.clear()

    def options(self, **changes: Any) -> None:
        """Change the streams' options (before the first stream opens)."""
        self.app.state.live.options = msgspec.structs.replace(TEST_OPTIONS, **changes)


def admin_token(application: WusheApplication) -> str:
    """Record an administrator's account; a bearer token of it."""
    now = datetime.now(UTC)
    application.create(Account.register(id=account_id_of("admin"), login="admin",
                                        password_hash=PASSWORD_HASH,
                                        roles=Roles(administrator=True), at=now))
    return issue_token(application, account_id=account_id_of("admin"), name="tests",
                       at=now).secret


@contextmanager
def postgres_schema() -> Iterator[Settings]:
    """Settings for a throw-away schema in the test database (as ``postgres_settings``,
    for a module's fixture), dropped afterwards."""
    base = _postgres_or_skip()
    schema = f"wushe_test_{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory() as data:
        yield Settings(data_dir=Path(data), postgres=dataclasses.replace(base, schema=schema))
    with psycopg.connect(base.conninfo(), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
            sql.Identifier(schema)))


def serve(settings: Settings, application: WusheApplication) -> Iterator[LiveServer]:
    """Run the app on a free port until the generator is closed."""
    app = create_app(settings, live=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(),
                                           log_level="warning", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    app.state.live.options = TEST_OPTIONS
    app.state.clock = Clock(NOW)
    base = f"http://127.0.0.1:{server.config.port}"
    views = ViewStore.open(settings)
    client = httpx.Client(base_url=base, timeout=30)
    live = LiveServer(app, World(application, client, views), base)  # type: ignore[arg-type]
    try:
        yield live
    finally:
        for reader in live.readers:
            reader.close()
        client.close()
        server.should_exit = True
        thread.join(10)
        views.close()
