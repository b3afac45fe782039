"""Settings: one frozen object read once from the environment."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest
from psycopg.conninfo import conninfo_to_dict

from wushe.infra.settings import PostgresSettings, Settings, SettingsError

if TYPE_CHECKING:
    from pathlib import Path

# The password "p@ss:w/rd x", %-escaped in the URL.
DECODED = "p@ss:w/rd x"
URL = "postgresql://wushe:p%40ss%3Aw%2Frd%20x@db.example.cn:6543/wushe_prod?schema=tenant_7"


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory, so relative data directories resolve predictably."""
    monkeypatch.chdir(tmp_path)
    return tmp_path.resolve()


class TestFromEnv:
    def test_defaults_to_an_embedded_store_in_var(self, cwd: Path) -> None:
        settings = Settings.from_env({})
        assert settings.data_dir == cwd / "var"
        assert settings.data_dir.is_absolute()
        assert settings.postgres is None
        assert settings.lock_timeout_seconds == 5
        assert settings.sqlite_path == cwd / "var" / "wushe.sqlite3"

    def test_reads_the_process_environment_by_default(self, cwd: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("WUSHE_DATA_DIR", "data")
        monkeypatch.setenv("WUSHE_DATABASE_URL", URL)
        settings = Settings.from_env()
        assert settings.data_dir == cwd / "data"
        assert settings.postgres is not None
        assert settings.postgres.dbname == "wushe_prod"

    def test_without_variables_in_the_process_environment(
            self, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("WUSHE_DATA_DIR", raising=False)
        monkeypatch.delenv("WUSHE_DATABASE_URL", raising=False)
        assert Settings.from_env() == Settings(data_dir=cwd / "var")

    def test_a_relative_data_dir_is_resolved(self, cwd: Path) -> None:
        settings = Settings.from_env({"WUSHE_DATA_DIR": "state/../store"})
        assert settings.data_dir == cwd / "store"

    def test_an_absolute_data_dir_is_kept(self, tmp_path: Path) -> None:
        target = tmp_path.resolve() / "wushe-data"
        settings = Settings.from_env({"WUSHE_DATA_DIR": str(target)})
        assert settings.data_dir == target
        assert settings.sqlite_path == target / "wushe.sqlite3"

    @pytest.mark.usefixtures("cwd")
    @pytest.mark.parametrize("url", ["", "   "])
    def test_a_blank_database_url_means_sqlite(self, url: str) -> None:
        assert Settings.from_env({"WUSHE_DATABASE_URL": url}).postgres is None

    @pytest.mark.usefixtures("cwd")
    def test_a_database_url_selects_postgresql(self) -> None:
        settings = Settings.from_env({"WUSHE_DATABASE_URL": f"  {URL}\n"})
        assert settings.postgres == PostgresSettings(
            host="db.example.cn", port=6543, user="wushe", password=DECODED,
            dbname="wushe_prod", schema="tenant_7")

    @pytest.mark.parametrize("url", [
        "mysql://root@localhost/wushe",
        "sqlite:///var/wushe.sqlite3",
        "http://db.example.cn/wushe",
        "db.example.cn:5432/wushe",
        "postgresql:/wushe",
    ])
    @pytest.mark.usefixtures("cwd")
    def test_rejects_a_url_that_is_not_postgresql(self, url: str) -> None:
        with pytest.raises(SettingsError, match="postgresql://"):
            Settings.from_env({"WUSHE_DATABASE_URL": url})

    def test_settings_are_frozen(self, cwd: Path) -> None:
        settings = Settings.from_env({})
        with pytest.raises(dataclasses.FrozenInstanceError):
            settings.data_dir = cwd  # type: ignore[misc]


class TestPostgresUrl:
    def test_parses_every_part(self) -> None:
        postgres = PostgresSettings.from_url(URL)
        assert (postgres.user, postgres.password) == ("wushe", DECODED)
        assert (postgres.host, postgres.port) == ("db.example.cn", 6543)
        assert (postgres.dbname, postgres.schema) == ("wushe_prod", "tenant_7")

    @pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
    def test_fills_in_defaults(self, scheme: str) -> None:
        postgres = PostgresSettings.from_url(f"{scheme}://")
        assert postgres == PostgresSettings(host="127.0.0.1", port=5432, user="postgres",
                                            password="", dbname="postgres", schema="public")

    def test_user_without_password(self) -> None:
        postgres = PostgresSettings.from_url("postgresql://wu%20she@localhost/test")
        assert (postgres.user, postgres.password, postgres.host) == ("wu she", "", "localhost")

    def test_ipv6_host(self) -> None:
        postgres = PostgresSettings.from_url("postgresql://[::1]:5433/test")
        assert (postgres.host, postgres.port) == ("::1", 5433)

    @pytest.mark.parametrize("url", ["mysql://root@localhost/wushe", "postgresql+psycopg://h/db"])
    def test_rejects_another_scheme(self, url: str) -> None:
        with pytest.raises(SettingsError):
            PostgresSettings.from_url(url)

    @pytest.mark.parametrize("schema", ["bad-name", "a;drop", "wushe%20test", "public.x",
                                        "%22quoted%22", "1st", "社区", "x" * 64])
    def test_rejects_a_bad_schema_name(self, schema: str) -> None:
        with pytest.raises(SettingsError, match="schema"):
            PostgresSettings.from_url(f"postgresql://localhost/test?schema={schema}")

    @pytest.mark.parametrize("schema", ["wushe", "wushe_test_1", "Tenant7"])
    def test_accepts_a_plain_schema_name(self, schema: str) -> None:
        postgres = PostgresSettings.from_url(f"postgresql://localhost/test?schema={schema}")
        assert postgres.schema == schema

    def test_setting_error_is_a_value_error(self) -> None:
        assert issubclass(SettingsError, ValueError)


class TestConninfo:
    def test_has_every_part(self) -> None:
        info = conninfo_to_dict(PostgresSettings.from_url(URL).conninfo())
        assert info == {"host": "db.example.cn", "port": "6543", "user": "wushe",
                        "password": DECODED, "dbname": "wushe_prod"}

    def test_an_empty_password_is_left_out_and_keeps_the_dbname(self) -> None:
        info = conninfo_to_dict(PostgresSettings.from_url("postgresql://wushe@h/wushe_prod")
                                .conninfo())
        assert "password" not in info
        assert info["dbname"] == "wushe_prod"
        assert (info["user"], info["host"], info["port"]) == ("wushe", "h", "5432")

    @pytest.mark.parametrize("password", ["it's", "a b", "back\\slash", "=", "密码"])
    def test_quotes_awkward_passwords(self, password: str) -> None:
        postgres = PostgresSettings("h", 5432, "wushe", password, "db name")
        info = conninfo_to_dict(postgres.conninfo())
        assert (info["password"], info["dbname"]) == (password, "db name")


class TestUrlEdgeCases:
    @pytest.mark.parametrize("url", ["postgresql://h:notaport/db", "postgresql://h:99999/db"])
    def test_a_bad_port_is_a_settings_error(self, url: str) -> None:
        with pytest.raises(SettingsError, match="port"):
            PostgresSettings.from_url(url)

    def test_the_database_name_is_percent_decoded(self) -> None:
        assert PostgresSettings.from_url("postgresql://h/my%20db").dbname == "my db"


class TestKeyDirectory:
    def test_keys_live_beside_the_data_by_default(self, tmp_path: Path) -> None:
        settings = Settings.from_env({"WUSHE_DATA_DIR": str(tmp_path)})
        assert settings.key_path == tmp_path / "keys.sqlite3"

    def test_keys_can_live_elsewhere(self, tmp_path: Path) -> None:
        settings = Settings.from_env({"WUSHE_DATA_DIR": str(tmp_path / "data"),
                                      "WUSHE_KEY_DIR": str(tmp_path / "vault")})
        assert settings.key_path == tmp_path / "vault" / "keys.sqlite3"
