"""``wushe accounts …``: the first administrator, before anyone can sign in to the API;
``sweep``: the API store's expired rows, on demand.

The password never comes from the command line (it would stay in the shell's
history and in ``ps``): from a hidden prompt with confirmation on a terminal, or
the first line of standard input otherwise (``printf '%s\\n' "$PW" | wushe accounts
create-admin --login admin``).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
import psycopg

from wushe.infra.settings import Settings, SettingsError
from wushe.platform.commands.accounts import register_account
from wushe.platform.domain.account import Roles
from wushe.platform.domain.errors import WusheError

__all__ = ["accounts"]


@click.group()
def accounts() -> None:
    """Accounts of the HTTP API."""


@accounts.command("create-admin")
@click.option("--login", required=True, help="Login name of the new administrator.")
def create_admin(login: str) -> None:
    """Create an administrator account (password from a prompt, or from stdin)."""
    from wushe.platform.cli import open_application  # noqa: PLC0415  (cli imports this module)

    password = _read_password()
    application = open_application()
    try:
        recorded = register_account(application, login=login, password=password,
                                    roles=Roles(administrator=True), at=datetime.now(UTC))
    except WusheError as error:
        raise click.ClickException(error.message_en) from None
    finally:
        application.close()
    click.echo(f"Administrator {login.strip().casefold()} created (account {recorded.id}).")


@accounts.command("sweep")
@click.option("--keep-answers-hours", type=click.FloatRange(min=0), default=24.0,
              show_default=True, help="Keep idempotency answers this long.")
def sweep(keep_answers_hours: float) -> None:
    """Delete expired sessions, old failed logins and old idempotency answers now.

    The server does this by itself once a minute; this is for a stopped server or
    a shorter retention.
    """
    from wushe.platform.http.store import open_api_store  # noqa: PLC0415  (only here)
    from wushe.platform.http.sweep import Sweeper  # noqa: PLC0415

    try:
        store = open_api_store(Settings.from_env())
    except (SettingsError, psycopg.OperationalError) as error:
        raise click.ClickException(f"cannot open the API store: {error}") from None
    try:
        swept = Sweeper(store, retention=keep_answers_hours * 3600).sweep()
    finally:
        store.close()
    click.echo(f"Deleted {swept.sessions} expired sessions, {swept.failures} old failed "
               f"logins and {swept.answers} idempotency answers.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.ClickException("no password on standard input")
    return line
