"""Waiting, on the event loop, for the log to have news.

On SQLite the follower polls (a ``max(id)`` query is cheap). On PostgreSQL it
LISTENs on the event table's channel, which the recorder NOTIFYs on every insert
(as the projection worker does), and polls as well, so a lost notification or a
broken listening connection delays a stream by at most the poll interval.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Protocol

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from wushe.platform.application import WusheApplication

__all__ = ["LISTEN_POLL_SECONDS", "SQLITE_POLL_SECONDS", "Waker", "open_waker"]

SQLITE_POLL_SECONDS = 0.1
LISTEN_POLL_SECONDS = 1.0

_log = logging.getLogger("wushe.live")


class Waker(Protocol):
    async def wait(self) -> None:
        """Return when the log may have grown (or the poll interval has passed)."""

    async def close(self) -> None:
        """Release what waiting holds (a connection)."""


class _Poll:
    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    async def wait(self) -> None:
        await asyncio.sleep(self._seconds)

    async def close(self) -> None:
        return


class _Listen:
    """LISTEN on its own connection (opened on first use, reopened after a failure)."""

    def __init__(self, conninfo: str, channel: str, seconds: float) -> None:
        self._conninfo, self._channel, self._seconds = conninfo, channel, seconds
        self._connection: psycopg.AsyncConnection[object] | None = None

    async def wait(self) -> None:
        try:
            connection = self._connection or await self._listen()
            async for _ in connection.notifies(timeout=self._seconds, stop_after=1):
                return
        except psycopg.Error as error:
            _log.warning("listening for new events failed (%s); polling until it works", error)
            await self.close()
            await asyncio.sleep(self._seconds)

    async def _listen(self) -> psycopg.AsyncConnection[object]:
        connection: psycopg.AsyncConnection[object] = await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True)
        await connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
        self._connection = connection
        return connection

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()


def open_waker(application: WusheApplication, poll_seconds: float | None) -> Waker:
    """How the follower of ``application``'s log waits (``poll_seconds``: None = default)."""
    postgres = application.settings.postgres
    if postgres is None:
        return _Poll(SQLITE_POLL_SECONDS if poll_seconds is None else poll_seconds)
    channel = str(getattr(application.recorder, "channel_name", "wushe_events"))
    return _Listen(postgres.conninfo(), channel,
                   LISTEN_POLL_SECONDS if poll_seconds is None else poll_seconds)
