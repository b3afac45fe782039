"""``wushe accounts create-admin``: the password from stdin, never argv; a taken login fails."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from tests.e2e.test_serve import WUSHE
from wushe.infra.settings import Settings
from wushe.platform.application import WusheApplication
from wushe.platform.commands.accounts import account_id_of, authenticate_password
from wushe.platform.domain.account import Account

if TYPE_CHECKING:
    from pathlib import Path


PASSPHRASE = "a long passphrase"  # noqa: S105  (a test password)


def create_admin(tmp_path: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WUSHE_DATA_DIR": str(tmp_path)}
    env.pop("WUSHE_DATABASE_URL", None)
    return subprocess.run([WUSHE, "accounts", "create-admin", "--login", "Root"],  # noqa: S603
                          input=stdin, env=env, capture_output=True, text=True, check=False,
                          timeout=60)


def test_the_first_administrator_reads_the_password_from_stdin(tmp_path: Path) -> None:
    done = create_admin(tmp_path, PASSPHRASE + "\n")
    assert done.returncode == 0, done.stderr
    app = WusheApplication(Settings(data_dir=tmp_path))
    try:
        account = app.load(Account, account_id_of("root"))
        assert account.roles.administrator
        assert PASSPHRASE not in account.password_hash
        assert authenticate_password(app, login="root", password=PASSPHRASE) is not None
    finally:
        app.close()
    again = create_admin(tmp_path, "another passphrase\n")
    assert again.returncode == 1
    assert "that login is taken" in again.stderr
    short = create_admin(tmp_path / "other", "short\n")
    assert short.returncode == 1
    assert "Traceback" not in short.stderr
