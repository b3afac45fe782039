"""``wushe serve --workers 2`` as real processes: both workers answer, one follows the log.

On SQLite exactly one worker keeps the views live (the one holding the data
directory's lock) and another takes over when it dies; on PostgreSQL none does
(``wushe projections run`` does). SIGTERM stops the server and every process it
started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.e2e.test_serve import WUSHE, free_port
from tests.integration.test_commands import found, staff_member
from tests.integration.test_worker import cli_env
from wushe.infra.settings import Settings
from wushe.platform.application import WusheApplication
from wushe.platform.commands.accounts import _HASHER, account_id_of, issue_token
from wushe.platform.domain.account import Account, Roles

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from uuid import UUID

pytestmark = pytest.mark.slow

CLIENTS = 6  # concurrent connections, each its own httpx client
NEEDS = 24


class Server:
    """A running ``wushe serve --workers 2`` and what the test seeded before it."""

    def __init__(self, process: subprocess.Popen[bytes], base: str, log: Path, *, token: str,
                 community: UUID, staff: UUID) -> None:
        self.process, self.base, self.log = process, base, log
        self.community, self.staff = community, staff
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    def health(self) -> dict[str, Any]:
        """``/health`` over a new connection (so either worker may answer)."""
        with httpx.Client(base_url=self.base, timeout=10) as client:
            body: dict[str, Any] = client.get("/health").json()
            return body

    def workers(self, count: int, *, leader: bool | None = None,
                timeout: float = 30) -> dict[int, bool]:
        """Worker pid → follows_log, until ``count`` workers answered (and a leader if asked)."""
        seen: dict[int, bool] = {}
        deadline = time.monotonic() + timeout
        while len(seen) < count or (leader is not None and any(seen.values()) != leader):
            assert time.monotonic() < deadline, (seen, self.log.read_text())
            assert self.process.poll() is None, self.log.read_text()
            try:
                with ThreadPoolExecutor(CLIENTS) as pool:
                    for body in pool.map(lambda _: self.health(), range(CLIENTS * 2)):
                        seen[body["worker"]] = body["follows_log"]
            except httpx.TransportError:  # not listening yet
                time.sleep(0.2)
        return seen

    def receive_needs(self, count: int) -> int:
        """POST ``count`` needs over several connections at once; the highest log position."""
        def post(n: int) -> int:
            with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as client:
                response = client.post(
                    f"/api/v1/communities/{self.community}/needs",
                    headers={"Idempotency-Key": f"need-{n}-{time.monotonic_ns()}"},
                    json={"grid": "G01", "source": "window", "category": "ELDER",
                          "title": f"助餐 {n}", "details": "每日午餐送餐上门", "urgency": "routine",
                          "resident_name": "王秀英", "received_by": str(self.staff)})
            assert response.status_code == 201, response.text
            return int(response.headers["x-log-position"])

        with ThreadPoolExecutor(CLIENTS) as pool:
            return max(pool.map(post, range(count)))

    def listed(self, position: int, timeout: float = 30) -> int:
        """How many needs the list shows once the views reached ``position``."""
        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=30) as client:
            while True:  # each read waits (bounded) for the views; a new worker may need more
                response = client.get(f"/api/v1/communities/{self.community}/needs",
                                      params={"limit": 100, "wait_for": position})
                assert response.status_code == 200, response.text
                if int(response.headers["x-views-position"]) >= position:
                    return len(response.json()["items"])
                assert time.monotonic() < deadline, self.log.read_text()


def _seed(settings: Settings) -> tuple[str, UUID, UUID]:
    app = WusheApplication(settings)
    try:
        community = found(app)
        staff = staff_member(app, community)
        now = datetime.now(UTC)
        app.create(Account.register(id=account_id_of("admin"), login="admin",
                                    password_hash=_HASHER.hash("a long passphrase"),
                                    roles=Roles(administrator=True), at=now))
        token = issue_token(app, account_id=account_id_of("admin"), name="e2e", at=now).secret
        return token, community, staff
    finally:
        app.close()


def _descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # gone meanwhile
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found_pids, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found_pids.add(child)
            todo.append(child)
    return found_pids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[Settings], Server]]:
    """Start ``wushe serve --workers 2`` on a seeded store; killed at the end if still up."""
    started: list[subprocess.Popen[bytes]] = []

    def start(settings: Settings) -> Server:
        token, community, staff = _seed(settings)
        port, log = free_port(), tmp_path / "serve.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603
                [WUSHE, "serve", "--port", str(port), "--workers", "2", "--no-access-log"],
                env=cli_env(settings), stdout=output, stderr=subprocess.STDOUT)
        started.append(process)
        server = Server(process, f"http://127.0.0.1:{port}", log, token=token,
                        community=community, staff=staff)
        server.workers(2)
        return server

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _stops_cleanly(server: Server) -> None:
    processes = _descendants(server.process.pid)
    assert len(processes) >= 2  # two workers, and the resource tracker
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=60) == 0, server.log.read_text()
    deadline = time.monotonic() + 10
    while alive := {pid for pid in processes if _alive(pid)}:
        assert time.monotonic() < deadline, f"orphans: {alive}"
        time.sleep(0.1)
    assert "Traceback" not in server.log.read_text()


def test_two_workers_on_sqlite_one_follows_the_log_and_another_takes_over(
        serve: Callable[[Settings], Server], tmp_path: Path) -> None:
    server = serve(Settings(data_dir=tmp_path / "data"))
    workers = server.workers(2, leader=True)
    assert sorted(workers.values()) == [False, True]
    assert server.listed(server.receive_needs(NEEDS)) == NEEDS

    (leader,) = (pid for pid, leads in workers.items() if leads)
    os.kill(leader, signal.SIGKILL)  # the kernel drops its lock; uvicorn replaces it
    deadline = time.monotonic() + 30
    while (health := server.health())["worker"] == leader or not health["follows_log"]:
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.2)
    assert server.listed(server.receive_needs(2)) == NEEDS + 2
    assert sum(server.workers(2, leader=True).values()) == 1
    _stops_cleanly(server)


@pytest.mark.postgres
def test_two_workers_on_postgresql_follow_nothing_and_serve_the_projection_workers_views(
        serve: Callable[[Settings], Server], postgres_settings: Settings) -> None:
    server = serve(postgres_settings)
    assert not any(server.workers(2).values())
    position = server.receive_needs(NEEDS)
    views = subprocess.Popen([WUSHE, "projections", "run"],  # noqa: S603
                             env=cli_env(postgres_settings), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    try:
        assert server.listed(position) == NEEDS
    finally:
        views.terminate()
        _, errors = views.communicate(timeout=60)
    assert views.returncode == 0, errors
    _stops_cleanly(server)
