"""``wushe webhooks run`` as a real process on PostgreSQL, delivering to a real receiver.

Its settings come from ``WUSHE_WEBHOOKS_*`` (loopback allowed here); SIGTERM stops it
cleanly. (Restarts and several workers: tests/integration/test_webhooks.py.)
"""

from __future__ import annotations

import signal
import subprocess
import time
from typing import TYPE_CHECKING
from uuid import uuid4

import pytest

from tests.integration.test_commands import AT, found, need
from tests.integration.test_worker import WUSHE, cli_env
from tests.integration.webhook_receiver import receiving
from wushe.platform.application import WusheApplication
from wushe.platform.commands.webhooks import subscribe_webhook
from wushe.platform.domain.webhook import WebhookSubscription

if TYPE_CHECKING:
    from pathlib import Path

    from wushe.infra.settings import Settings

pytestmark = pytest.mark.postgres


def _run(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = cli_env(settings, WUSHE_WEBHOOKS_ALLOW_PRIVATE="1", WUSHE_WEBHOOKS_POLL_SECONDS="0.05")
    with log.open("ab") as output:
        return subprocess.Popen([WUSHE, "webhooks", "run"], env=env,  # noqa: S603
                                stdout=output, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen[bytes], log: Path) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0, log.read_text()
    assert "Traceback" not in log.read_text()


def test_the_worker_process_delivers_and_stops_on_sigterm(postgres_settings: Settings,
                                                          tmp_path: Path) -> None:
    app = WusheApplication(postgres_settings)
    log = tmp_path / "worker.log"
    try:
        community = found(app)
        with receiving() as receiver:
            subscription = subscribe_webhook(
                app, community_id=community, organisation_id=None, url=receiver.url,
                kinds=("need.*",), description=None, by=uuid4(), at=AT, allow_private=True).id
            receiver.secret = app.load(WebhookSubscription, subscription).secret or ""
            need(app, community)
            process = _run(postgres_settings, log)
            try:
                deadline = time.monotonic() + 30
                while len(receiver.received) < 1:
                    assert time.monotonic() < deadline, log.read_text()
                    assert process.poll() is None, log.read_text()
                    time.sleep(0.05)
                time.sleep(0.2)  # it must not send it again
            finally:
                _stop(process, log)
    finally:
        app.close()
    assert [(r.verified, r.body["kind"]) for r in receiver.received] == [(True, "need.received")]
    assert "webhook delivery worker stopped" in log.read_text()
