"""Settings: one frozen object read once from the environment."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from psycopg.conninfo import make_conninfo

from wushe.infra.webhook_settings import WebhookSettings

__all__ = ["PostgresSettings", "Settings", "SettingsError"]

APPLICATION_NAME = "wushe"
SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class SettingsError(ValueError):
    """Raised when the environment describes an unusable configuration."""


@dataclass(frozen=True, slots=True)
class PostgresSettings:
    """Where the production event store lives."""

    host: str
    port: int
    user: str
    password: str
    dbname: str
    schema: str = "public"

    @classmethod
    def from_url(cls, url: str) -> PostgresSettings:
        """Parse ``postgresql://user:pass@host:port/db?schema=name``."""
        parts = urlsplit(url)
        if parts.scheme not in {"postgresql", "postgres"}:
            raise SettingsError(f"not a postgresql:// URL: {url!r}")
        schema = parse_qs(parts.query).get("schema", ["public"])[0]
        if not SCHEMA_NAME.fullmatch(schema):
            raise SettingsError(f"schema must be ASCII letters, digits and '_': {schema!r}")
        try:
            port = parts.port or 5432
        except ValueError:
            raise SettingsError(f"not a valid port in {url!r}") from None
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=port,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            dbname=unquote((parts.path or "/").lstrip("/")) or "postgres",
            schema=schema,
        )

    def conninfo(self) -> str:
        """A libpq connection string."""
        return make_conninfo(
            host=self.host, port=self.port, user=self.user,
            password=self.password or None, dbname=self.dbname,
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable about a wushe process.

    ``data_dir`` holds the embedded SQLite store; ``postgres`` is set when
    ``WUSHE_DATABASE_URL`` names a PostgreSQL database, which then holds everything.
    """

    data_dir: Path
    postgres: PostgresSettings | None = None
    lock_timeout_seconds: int = 5
    # Person keys (SQLite store only): default beside the data; put them on other
    # storage to keep them out of the data directory's backups.
    key_dir: Path | None = None
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)  # WUSHE_WEBHOOKS_*

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build the settings from ``environ`` (default: the process environment)."""
        env = os.environ if environ is None else environ
        url = env.get("WUSHE_DATABASE_URL", "").strip()
        if url and not url.startswith(("postgresql://", "postgres://")):
            raise SettingsError("WUSHE_DATABASE_URL must be a postgresql:// URL")
        key_dir = env.get("WUSHE_KEY_DIR", "").strip()
        try:
            webhooks = WebhookSettings.from_env(env)
        except ValueError as error:
            raise SettingsError(f"WUSHE_WEBHOOKS_*: {error}") from None
        return cls(
            data_dir=Path(env.get("WUSHE_DATA_DIR", "var")).resolve(),
            postgres=PostgresSettings.from_url(url) if url else None,
            key_dir=Path(key_dir).resolve() if key_dir else None,
            webhooks=webhooks,
        )

    @property
    def key_path(self) -> Path:
        """The embedded key store's file."""
        return (self.key_dir or self.data_dir) / "keys.sqlite3"

    @property
    def views_path(self) -> Path:
        """The embedded read-model store's file."""
        return self.data_dir / "views.sqlite3"

    @property
    def sqlite_path(self) -> Path:
        """The embedded event store's file."""
        return self.data_dir / "wushe.sqlite3"
