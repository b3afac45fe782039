"""Shared fixtures: a fresh event store per test, on SQLite and on PostgreSQL.

PostgreSQL tests skip with a clear message when no server is reachable, except
when ``WUSHE_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import sql

from wushe.infra.settings import PostgresSettings, Settings
from wushe.platform.application import WusheApplication

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

POSTGRES_URL = os.environ.get(
    "WUSHE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _postgres_or_skip() -> PostgresSettings:
    base = PostgresSettings.from_url(POSTGRES_URL)
    try:
        psycopg.connect(base.conninfo(), connect_timeout=3).close()
    except psycopg.OperationalError as error:
        message = f"PostgreSQL not reachable at {POSTGRES_URL}: {error}"
        if os.environ.get("WUSHE_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (required: WUSHE_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    return base


@pytest.fixture
def postgres_settings(tmp_path: Path) -> Iterator[Settings]:
    """Settings for a throw-away schema in the test database, dropped afterwards."""
    base = _postgres_or_skip()
    schema = f"wushe_test_{uuid.uuid4().hex[:12]}"
    settings = Settings(
        data_dir=tmp_path,
        postgres=PostgresSettings(base.host, base.port, base.user, base.password, base.dbname,
                                  schema),
    )
    yield settings
    with psycopg.connect(base.conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings for each store wushe supports: integration tests run on both."""
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path)
    return request.getfixturevalue("postgres_settings")  # type: ignore[no-any-return]


@pytest.fixture
def app(store_settings: Settings) -> Iterator[WusheApplication]:
    """A fresh application on an empty store."""
    application = WusheApplication(store_settings)
    yield application
    application.close()
