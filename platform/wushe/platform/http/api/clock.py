"""The business clock of the API: when a command happens.

Commands are stamped with :func:`business_now`, which is the wall clock unless the
app's state carries a ``clock`` (a callable returning an aware datetime): tests and
demonstrations set one so that offers, check-ins and staffing runs happen at a
chosen moment rather than today.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Litestar
    from litestar.connection import ASGIConnection

__all__ = ["app_now", "business_now"]


def app_now(app: Litestar) -> datetime:
    """The business time of ``app`` now (its state's ``clock``, else the wall clock)."""
    clock: Callable[[], datetime] | None = app.state.get("clock")
    return datetime.now(UTC) if clock is None else clock()


def business_now(connection: ASGIConnection[Any, Any, Any, Any]) -> datetime:
    """The business time of the request's app now."""
    return app_now(connection.app)
