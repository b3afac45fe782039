"""ASGI entry point for servers: ``uvicorn --factory wushe.platform.http.asgi:app``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.infra.settings import Settings
from wushe.platform.http.app import create_app

if TYPE_CHECKING:
    from litestar import Litestar

__all__ = ["app"]


def app() -> Litestar:
    """Build the app from the environment (one per worker process)."""
    return create_app(Settings.from_env())
