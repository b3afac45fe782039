"""The API store's expiry sweep: what it deletes, when the server runs it, and on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import uuid4

from click.testing import CliRunner

from wushe.infra.settings import Settings
from wushe.platform.cli_accounts import accounts
from wushe.platform.http.store import StoredResponse, Swept, open_api_store
from wushe.platform.http.sweep import Sweeper

if TYPE_CHECKING:
    from pathlib import Path

    from tests.integration.api.conftest import World
    from wushe.platform.http.store import ApiStore

ANSWER = StoredResponse(201, "{}", {})
HOUR = 3600.0


class Clock:
    """A clock the test moves (seconds since the epoch)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _fill(store: ApiStore, now: float) -> None:
    """A live and an expired session, a recent and an old failure, a new and an old answer."""
    store.add_session("live", uuid4(), now + HOUR)
    store.add_session("expired", uuid4(), now - 1)
    store.add_failure(["login:a"], now - 60, 0)
    store.add_failure(["login:a"], now - HOUR, 0)  # older than the 15-minute window
    store.keep_answer("p", "new", "h", ANSWER, now - HOUR)
    store.keep_answer("p", "old", "h", ANSWER, now - 25 * HOUR)


def _left(store: ApiStore, now: float) -> tuple[bool, bool, list[float], bool, bool]:
    return (store.session_account("live", now) is not None,
            store.session_account("expired", 0) is not None, store.failures("login:a", 0),
            store.answer("p", "new") is not None, store.answer("p", "old") is not None)


def test_a_sweep_deletes_exactly_what_has_expired(store_settings: Settings) -> None:
    store, now = open_api_store(store_settings), 1_800_000_000.0
    try:
        _fill(store, now)
        assert Sweeper(store, clock=Clock(now)).sweep() == Swept(1, 1, 1)
        assert _left(store, now) == (True, False, [now - 60], True, False)
        assert Sweeper(store, clock=Clock(now)).sweep() == Swept(0, 0, 0)
        # A shorter retention, and later: the rest goes too.
        assert Sweeper(store, retention=60, clock=Clock(now + 2 * HOUR)).sweep() == Swept(1, 1, 1)
    finally:
        store.close()


def test_ending_an_accounts_sessions_keeps_the_one_asked_for(store_settings: Settings) -> None:
    store, account = open_api_store(store_settings), uuid4()
    try:
        for digest in ("a", "b", "c"):
            store.add_session(digest, account, 2e9)
        store.add_session("other", uuid4(), 2e9)
        assert store.end_sessions(account, keep="b") == 2
        assert [store.session_account(d, 0) is not None for d in ("a", "b", "c", "other")] == \
            [False, True, False, True]
    finally:
        store.close()


def test_the_server_sweeps_once_a_minute_on_the_request_path(world: World) -> None:
    app = world.client.app
    store: ApiStore = app.state.api_store
    clock = Clock(1_800_000_000.0)
    app.state.api_sweeper = Sweeper(store, clock=clock)
    _fill(store, clock.now)
    assert world.call("GET", "/api/v1/auth/me", "vol").status_code == 200
    assert _left(store, clock.now) == (True, False, [clock.now - 60], True, False)
    clock.now += 30  # within the minute: no sweep, even of what expired meanwhile
    store.add_session("expired", uuid4(), clock.now - 1)
    world.call("GET", "/api/v1/auth/me", "vol")
    assert store.session_account("expired", 0) is not None
    clock.now += 30  # a minute after the last sweep; a public handler sweeps too
    world.client.post("/api/v1/auth/logout")
    assert store.session_account("expired", 0) is None


def test_wushe_accounts_sweep_on_demand(tmp_path: Path) -> None:
    store = open_api_store(Settings(data_dir=tmp_path))
    try:
        store.add_session("expired", uuid4(), 1.0)
        store.keep_answer("p", "k", "h", ANSWER, 2.0)
    finally:
        store.close()
    done = CliRunner().invoke(accounts, ["sweep", "--keep-answers-hours", "1"],
                              env={"WUSHE_DATA_DIR": str(tmp_path), "WUSHE_DATABASE_URL": ""})
    assert done.exit_code == 0, done.output
    assert "Deleted 1 expired sessions, 0 old failed logins and 1 idempotency answers" \
        in done.output
