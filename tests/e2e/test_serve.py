"""``wushe serve`` as a real process on loopback, answered over real HTTP."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.integration.test_commands import found, need
from wushe.infra.settings import Settings
from wushe.platform.application import WusheApplication

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

WUSHE = os.path.join(os.path.dirname(sys.executable), "wushe")  # noqa: PTH118, PTH120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "WUSHE_DATA_DIR": str(tmp_path / "data")}
    env.pop("WUSHE_DATABASE_URL", None)
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            [WUSHE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    pytest.fail(f"server exited: {log.read_text()}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_health_reports_the_embedded_store(server: str) -> None:
    response = httpx.get(f"{server}/health")
    assert response.status_code == 200
    deadline = time.monotonic() + 10  # the single worker takes the followers' lock at start
    while not (body := response.json())["follows_log"]:
        assert time.monotonic() < deadline, body
        time.sleep(0.05)
        response = httpx.get(f"{server}/health")
    assert body.pop("worker") > 0  # the answering worker's process id
    assert body == {"status": "ok", "store": "sqlite", "log_position": 0, "views_position": 0,
                    "version": "0.1.0", "follows_log": True}


def test_the_server_keeps_the_views_live_on_sqlite(server: str, tmp_path: Path) -> None:
    # Another process (here: the test) writes to the same embedded store.
    app = WusheApplication(Settings.from_env({"WUSHE_DATA_DIR": str(tmp_path / "data")}))
    try:
        need_id = need(app, found(app))
        end = app.log_position()
    finally:
        app.close()
    deadline = time.monotonic() + 10
    while (health := httpx.get(f"{server}/health").json())["views_position"] < end:
        assert time.monotonic() < deadline, health
        time.sleep(0.05)
    assert health["log_position"] == end
    views = sqlite3.connect(tmp_path / "data" / "views.sqlite3")
    try:
        tables = [row[0] for row in views.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name LIKE 'view_needs_g%_needs'")]
        assert len(tables) == 1
        rows = views.execute(f"SELECT need_id FROM {tables[0]}").fetchall()  # noqa: S608
    finally:
        views.close()
    assert rows == [(str(need_id),)]


def test_the_openapi_document_is_served(server: str) -> None:
    document = httpx.get(f"{server}/schema/openapi.json").json()
    assert document["info"]["title"].startswith("wushe")
    assert "/health" in document["paths"]


def test_unknown_paths_are_404_not_500(server: str) -> None:
    assert httpx.get(f"{server}/no/such/page").status_code == 404


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://root@127.0.0.1/test", "configuration: WUSHE_DATABASE_URL must be a postgresql://"),
    ("postgresql://postgres@127.0.0.1:1/test", "cannot open the event store"),
])
def test_a_bad_store_is_a_clear_error_not_a_traceback(tmp_path: Path, url: str,
                                                      message: str) -> None:
    env = {**os.environ, "WUSHE_DATA_DIR": str(tmp_path), "WUSHE_DATABASE_URL": url}
    for command in (["serve", "--port", str(free_port())], ["demo", "--if-empty"]):
        done = subprocess.run([WUSHE, *command], env=env, capture_output=True,  # noqa: S603
                              text=True, check=False, timeout=60)
        assert done.returncode == 1
        assert message in done.stderr
        assert "Traceback" not in done.stderr
