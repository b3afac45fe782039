"""Reading the views from the async API: one interface over SQLite and PostgreSQL.

``open_read_model(settings)`` gives the read model that goes with the settings'
store; :mod:`wushe.projections.read.needs_query` is the needs-list query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wushe.projections.read._base import ReadModel, ResultRow, ViewNotBuiltError
from wushe.projections.read.postgres import PostgresReadModel
from wushe.projections.read.sqlite import SqliteReadModel

if TYPE_CHECKING:
    from collections.abc import Sequence

    from wushe.infra.settings import Settings

__all__ = ["PostgresReadModel", "ReadModel", "ResultRow", "SqliteReadModel",
           "ViewNotBuiltError", "open_read_model"]


def open_read_model(settings: Settings, views: Sequence[str] | None = None) -> ReadModel:
    """The read model of ``settings``' store; connections open on first use.

    ``views`` are the views :meth:`ReadModel.wait_for` waits for by default (all).
    """
    if settings.postgres is None:
        return SqliteReadModel(settings.views_path, views)
    return PostgresReadModel(settings.postgres, views)
